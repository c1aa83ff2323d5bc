#include "data_key.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace kycloud::app {

namespace {

Result<std::string> ReadKeyFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Err(NotFoundError(fmt::format("{}: cannot read the data key", path)));
  std::ostringstream s;
  s << in.rdbuf();
  std::string key = s.str();
  while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' ')) {
    key.pop_back();
  }
  return key;
}

}  // namespace

Result<storage::PiiCipher> LoadDataCipher(const Config& config) {
  std::string current;
  if (const char* env = std::getenv("KYCLOUD_DATA_KEY"); env && *env) {
    current = env;
  } else {
    std::error_code ec;
    if (!std::filesystem::exists(config.data_key_file, ec)) {
      const auto dir = std::filesystem::path(config.data_key_file).parent_path();
      if (!dir.empty()) std::filesystem::create_directories(dir, ec);
      const std::string fresh = storage::PiiCipher::GenerateHexKey();
      {
        std::ofstream out(config.data_key_file, std::ios::trunc);
        out << fresh << "\n";
        if (!out) {
          return Err(InvalidArgumentError(
              fmt::format("{}: cannot create the data key", config.data_key_file)));
        }
      }
      ::chmod(config.data_key_file.c_str(), 0600);
    }
    KY_ASSIGN_OR_RETURN(current, ReadKeyFile(config.data_key_file));
  }
  std::vector<std::string> older;
  for (const std::string& path : config.old_data_key_files) {
    KY_ASSIGN_OR_RETURN(std::string k, ReadKeyFile(path));
    older.push_back(std::move(k));
  }
  auto cipher = storage::PiiCipher::FromHexKeys(current, older);
  if (!cipher) {
    return Err(InvalidArgumentError(fmt::format(
        "{}: {}", std::getenv("KYCLOUD_DATA_KEY") ? "KYCLOUD_DATA_KEY" : config.data_key_file,
        cipher.error().message())));
  }
  return cipher;
}

}  // namespace kycloud::app
