// kycloud lists info [--lists DIR] [--json]: what the screening engine would load — entries per
// list, names, addresses, data dates, the files, and the snapshot hash. `lists update` is in
// lists_update_command.cc.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "kycloud/lists/list_loader.h"

namespace kycloud::app {

std::string DefaultListsDir() {
  namespace fs = std::filesystem;
  if (const char* dir = std::getenv("KYCLOUD_DATA_DIR"); dir && *dir) {
    return (fs::path(dir) / "lists").string();
  }
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path installed = exe.parent_path() / ".." / "share" / "kycloud" / "lists";
    if (fs::is_directory(installed, ec)) return installed.lexically_normal().string();
  }
  return KYCLOUD_SOURCE_DATA_DIR "/lists";
}

std::string DefaultWebRoot() {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path installed = exe.parent_path() / ".." / "share" / "kycloud" / "web";
    if (fs::is_regular_file(installed / "index.html", ec)) {
      return installed.lexically_normal().string();
    }
  }
  fs::path source = fs::path(KYCLOUD_SOURCE_DATA_DIR).parent_path() / "web" / "dist";
  if (fs::is_regular_file(source / "index.html", ec)) return source.string();
  return "";
}

std::string DefaultGeoDatabase() {
  namespace fs = std::filesystem;
  constexpr const char* kFile = "geo-whois-asn-country.mmdb";
  if (const char* dir = std::getenv("KYCLOUD_DATA_DIR"); dir && *dir) {
    return (fs::path(dir) / "geo" / kFile).string();
  }
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path installed = exe.parent_path() / ".." / "share" / "kycloud" / "geo" / kFile;
    if (fs::is_regular_file(installed, ec)) return installed.lexically_normal().string();
  }
  return std::string(KYCLOUD_SOURCE_DATA_DIR "/geo/") + kFile;
}

void RegisterListsCommand(CLI::App& app) {
  auto* lists = app.add_subcommand("lists", "Sanctions and export lists");
  lists->require_subcommand(1);
  auto dir = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto* info = lists->add_subcommand("info", "Entries per list, data dates and the snapshot hash");
  info->add_option("--lists", *dir, "load every list file in DIR instead of the bundled lists");
  info->add_flag("--json", *json, "as one JSON object");
  RegisterListsUpdateCommand(*lists);
  info->callback([dir, json] {
    std::string path = dir->empty() ? DefaultListsDir() : *dir;
    auto start = std::chrono::steady_clock::now();
    auto snap = lists::LoadListDirectory(path);
    if (!snap) Fail(snap.error());
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    size_t names = 0;
    for (const auto& l : snap->lists()) names += l.names;
    if (*json) {
      nlohmann::json out = {
          {"directory", path},     {"hash", snap->hash()}, {"entities", snap->entities().size()},
          {"names", names},        {"load_ms", ms},        {"lists", nlohmann::json::array()},
          {"notes", snap->notes()}};
      for (const auto& l : snap->lists()) {
        out["lists"].push_back({{"id", l.id},
                                {"title", l.title},
                                {"publisher", l.publisher},
                                {"data_date", l.data_date},
                                {"entities", l.entities},
                                {"names", l.names},
                                {"addresses", l.addresses},
                                {"files", l.files}});
      }
      std::cout << out.dump(2) << std::endl;
      return;
    }
    std::cout << fmt::format(
        "lists snapshot {}\n{} entities, {} names, from {} (loaded in {:.0f} ms)\n\n", snap->hash(),
        snap->entities().size(), names, path, ms);
    std::cout << fmt::format("{:<24} {:>8} {:>7} {:>9}  {:<10}  {}\n", "LIST", "ENTITIES", "NAMES",
                             "ADDRESSES", "DATA DATE", "TITLE");
    for (const auto& l : snap->lists()) {
      std::cout << fmt::format("{:<24} {:>8} {:>7} {:>9}  {:<10}  {}\n", l.id, l.entities, l.names,
                               l.addresses, l.data_date.empty() ? "-" : l.data_date, l.title);
    }
    if (!snap->notes().empty()) {
      std::cout << "\nnotes:\n";
      for (const auto& n : snap->notes()) std::cout << "  " << n << "\n";
    }
  });
}

}  // namespace kycloud::app
