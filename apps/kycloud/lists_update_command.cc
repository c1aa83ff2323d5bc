// kycloud lists update --from DIR|URL [--lists DIR] [--dry-run] [--json]
//
// Loads new official list files and reports what changed, per list: entities added, removed and
// modified. The lists found in the source replace the same lists of the lists directory wholly
// (every file they were read from); the other lists stay. The new directory is staged beside the
// old one (DIR.staging), loaded and checked, then swapped in (the old one is kept as DIR.previous);
// a file that fails to parse leaves the lists directory untouched. --dry-run only reports.
//
// A URL (http or https) names one list file, downloaded only because the user asked for it; its
// file name is kept, so that the loader can detect the format (sdn.csv, consolidated.csv.gz,
// UN_consolidated.xml, ...).
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "commands.h"
#include "kycloud/lists/list_diff.h"
#include "kycloud/lists/list_loader.h"

namespace kycloud::app {

namespace {

namespace fs = std::filesystem;

struct UpdateFlags {
  std::string from, lists_dir;
  bool dry_run = false;
  bool json = false;
};

bool IsUrl(std::string_view s) { return s.starts_with("http://") || s.starts_with("https://"); }

// Downloads `url` into `dir`, keeping the file name of its path. Errors: Unavailable.
Status Download(const std::string& url, const fs::path& dir) {
  size_t scheme_end = url.find("://") + 3;
  size_t path_start = url.find('/', scheme_end);
  std::string origin = url.substr(0, path_start);
  std::string path = path_start == std::string::npos ? "/" : url.substr(path_start);
  std::string name = path.substr(path.rfind('/') + 1);
  if (size_t q = name.find('?'); q != std::string::npos) name.resize(q);
  if (name.empty()) name = "download";
  httplib::Client client(origin);
  client.set_follow_location(true);
  client.set_connection_timeout(30);
  client.set_read_timeout(300);
  std::ofstream out(dir / name, std::ios::binary);
  if (!out) return UnavailableError("cannot write " + (dir / name).string());
  auto res = client.Get(path, [&](const char* data, size_t n) {
    out.write(data, static_cast<std::streamsize>(n));
    return static_cast<bool>(out);
  });
  if (!res) {
    return UnavailableError(
        fmt::format("download of {} failed: {}", url, httplib::to_string(res.error())));
  }
  if (res->status != 200) {
    return UnavailableError(fmt::format("download of {} failed: HTTP {}", url, res->status));
  }
  std::cerr << "downloaded " << url << " (" << fs::file_size(dir / name) << " bytes)" << std::endl;
  return OkStatus();
}

void CopyTree(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directories(to, ec);
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
  if (ec)
    Fail(UnavailableError(
        fmt::format("cannot copy {} to {}: {}", from.string(), to.string(), ec.message())));
}

void PrintReport(const lists::SnapshotDiff& d, const UpdateFlags& f, const std::string& dir,
                 bool installed, bool kept_previous) {
  if (f.json) {
    nlohmann::json out = {{"before_hash", d.before_hash},
                          {"after_hash", d.after_hash},
                          {"added", d.added()},
                          {"removed", d.removed()},
                          {"modified", d.modified()},
                          {"installed", installed},
                          {"lists_dir", dir},
                          {"lists", nlohmann::json::array()}};
    for (const auto& l : d.lists) {
      out["lists"].push_back({{"id", l.list},
                              {"before", l.before},
                              {"after", l.after},
                              {"added", l.added},
                              {"removed", l.removed},
                              {"modified", l.modified}});
    }
    std::cout << out.dump(2) << std::endl;
    return;
  }
  std::cout << fmt::format("lists snapshot {} -> {}\n", d.before_hash.substr(0, 16),
                           d.after_hash.substr(0, 16));
  std::cout << fmt::format("{:<24} {:>8} {:>8} {:>7} {:>8} {:>9}\n", "LIST", "BEFORE", "AFTER",
                           "ADDED", "REMOVED", "MODIFIED");
  for (const auto& l : d.lists) {
    std::cout << fmt::format("{:<24} {:>8} {:>8} {:>7} {:>8} {:>9}\n", l.list, l.before, l.after,
                             l.added.size(), l.removed.size(), l.modified.size());
  }
  std::cout << fmt::format("{} added, {} removed, {} modified; ", d.added(), d.removed(),
                           d.modified());
  if (!installed) {
    std::cout << "dry run: nothing installed\n";
  } else if (kept_previous) {
    std::cout << "installed in " << dir << " (the previous lists are in " << dir << ".previous)\n";
  } else {
    std::cout << "installed in " << dir << "\n";
  }
}

void RunUpdate(const UpdateFlags& f) {
  fs::path dir = fs::path(f.lists_dir.empty() ? DefaultListsDir() : f.lists_dir).lexically_normal();
  if (dir.filename().empty()) dir = dir.parent_path();
  fs::path staging = dir.string() + ".staging";
  fs::path incoming = dir.string() + ".incoming";
  std::error_code ec;
  fs::remove_all(staging, ec);
  fs::remove_all(incoming, ec);

  // 1. The source: a directory, or one downloaded file.
  fs::path source = f.from;
  if (IsUrl(f.from)) {
    fs::create_directories(incoming, ec);
    if (Status s = Download(f.from, incoming); !s.ok()) {
      fs::remove_all(incoming, ec);
      Fail(s);
    }
    source = incoming;
  } else if (!fs::is_directory(source, ec)) {
    Fail(NotFoundError("--from: no such directory: " + f.from));
  }
  auto fresh = lists::LoadListDirectory(source.string());
  if (!fresh) {
    fs::remove_all(incoming, ec);
    Fail(fresh.error());
  }

  // 2. The current lists (none yet is fine: the update creates the directory).
  lists::ListSnapshot current;
  if (fs::is_directory(dir, ec)) {
    auto loaded = lists::LoadListDirectory(dir.string());
    if (!loaded && loaded.error().code() != StatusCode::kNotFound) Fail(loaded.error());
    if (loaded) current = std::move(*loaded);
  }

  // 3. Stage: the current directory without the files of the lists the source replaces, plus the
  // source's files in a directory of their own.
  if (fs::is_directory(dir, ec)) CopyTree(dir, staging);
  fs::create_directories(staging, ec);
  std::set<std::string> replaced;
  for (const auto& l : fresh->lists()) replaced.insert(l.id);
  for (const auto& l : current.lists()) {
    if (!replaced.count(l.id)) continue;
    for (const auto& file : l.files) {
      fs::path rel = fs::path(file).lexically_relative(dir);
      if (!rel.empty() && *rel.begin() != "..") fs::remove(staging / rel, ec);
    }
  }
  auto stamp = std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  CopyTree(source, staging / fmt::format("update-{}", stamp));
  fs::remove_all(incoming, ec);
  auto staged = lists::LoadListDirectory(staging.string());
  if (!staged) {
    fs::remove_all(staging, ec);
    Fail(staged.error().Annotate("the staged lists do not load; nothing was changed"));
  }
  lists::SnapshotDiff diff = lists::DiffSnapshots(current, *staged);

  // 4. Swap (or not).
  bool installed = false, kept_previous = false;
  if (f.dry_run) {
    fs::remove_all(staging, ec);
  } else {
    fs::path previous = dir.string() + ".previous";
    fs::remove_all(previous, ec);
    if (fs::exists(dir, ec)) {
      fs::rename(dir, previous, ec);
      kept_previous = !ec;
    }
    if (ec)
      Fail(UnavailableError(fmt::format("cannot move {} aside: {}", dir.string(), ec.message())));
    fs::rename(staging, dir, ec);
    if (ec) {
      std::error_code ignored;
      fs::rename(previous, dir, ignored);
      Fail(UnavailableError(fmt::format("cannot install {}: {}", dir.string(), ec.message())));
    }
    installed = true;
  }
  PrintReport(diff, f, dir.string(), installed, kept_previous);
}

}  // namespace

void RegisterListsUpdateCommand(CLI::App& lists) {
  auto f = std::make_shared<UpdateFlags>();
  auto* update = lists.add_subcommand(
      "update", "Load new official list files into the lists directory and report the changes");
  update->add_option("--from", f->from, "a directory of list files, or an http(s) URL of one file")
      ->required();
  update->add_option("--lists", f->lists_dir,
                     "the lists directory to update (default: the bundled lists)");
  update->add_flag("--dry-run", f->dry_run, "report the changes, install nothing");
  update->add_flag("--json", f->json, "the report as one JSON object");
  update->callback([f] { RunUpdate(*f); });
}

}  // namespace kycloud::app
