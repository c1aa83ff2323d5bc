#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "commands.h"
#include "kycloud/storage/open_database.h"

namespace kycloud::app {

void CommonFlags::AddTo(CLI::App& cmd) {
  cmd.add_option("--config", config_path, "TOML config file (see docs/configuration.md)");
  cmd.add_option("--db", db_uri,
                 "database URI: sqlite:PATH or postgresql://user@host:port/db "
                 "(default sqlite:./var/kycloud.db)");
}

Result<Config> CommonFlags::Resolve() const {
  Config config;
  if (!config_path.empty()) {
    KY_ASSIGN_OR_RETURN(config, LoadConfigFile(config_path));
  }
  if (!db_uri.empty()) config.storage.uri = db_uri;
  KY_TRY(ResolveSecrets(config, [](const char* name) -> const char* { return std::getenv(name); }));
  return config;
}

Opened OpenOrFail(const CommonFlags& flags) {
  auto config = flags.Resolve();
  if (!config) Fail(config.error());
  log::Init(config->log);
  auto db = storage::OpenDatabase(config->storage);
  if (!db) Fail(db.error());
  return {std::move(*config), std::move(*db)};
}

std::string ReadFileOrFail(const std::string& path, std::string_view what) {
  std::ifstream in(path);
  if (!in) Fail(NotFoundError(fmt::format("cannot read {} {}", what, path)));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::ostream& OutputOrFail(const std::string& path, std::ofstream& file) {
  if (path.empty()) return std::cout;
  file.open(path);
  if (!file) Fail(UnavailableError("cannot write " + path));
  return file;
}

void Fail(const Status& status, int code) {
  std::string msg(status.message());
  if (!status.field().empty()) msg += " (" + std::string(status.field()) + ")";
  std::cerr << "error: " << msg << std::endl;
  throw CLI::RuntimeError(code);
}

}  // namespace kycloud::app
