#include "data_key.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

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

Result<std::string> WriteNewDataKey(const std::string& path) {
  std::error_code ec;
  const auto dir = std::filesystem::path(path).parent_path();
  if (!dir.empty()) std::filesystem::create_directories(dir, ec);
  // O_EXCL: never over an existing key (losing it loses what it sealed); 0600 from the start.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) {
      return Err(
          AlreadyExistsError(fmt::format("{}: exists; a data key is never overwritten", path)));
    }
    return Err(InvalidArgumentError(
        fmt::format("{}: cannot create the data key: {}", path, std::strerror(errno))));
  }
  const std::string fresh = storage::PiiCipher::GenerateHexKey();
  const std::string line = fresh + "\n";
  const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                       ::fsync(fd) == 0;
  ::close(fd);
  if (!written) {
    ::unlink(path.c_str());  // a partial file would block every later attempt (O_EXCL)
    return Err(InvalidArgumentError(fmt::format("{}: cannot write the data key", path)));
  }
  // The directory entry too: a key that vanished in a crash would take what it sealed with it.
  const std::string parent = dir.empty() ? "." : dir.string();
  if (const int dfd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  KY_ASSIGN_OR_RETURN(storage::PiiCipher cipher, storage::PiiCipher::FromHexKeys(fresh));
  return cipher.current_key_id();
}

Result<storage::PiiCipher> LoadDataCipher(const Config& config) {
  std::string current;
  if (const char* env = std::getenv("KYCLOUD_DATA_KEY"); env && *env) {
    current = env;
  } else {
    std::error_code ec;
    if (!std::filesystem::exists(config.data_key_file, ec)) {
      if (auto made = WriteNewDataKey(config.data_key_file);
          !made.has_value() && made.error().code() != StatusCode::kAlreadyExists) {
        return Err(made.error());
      }
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
