#include <cstdlib>
#include <iostream>

#include "commands.h"

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

void Fail(const Status& status, int code) {
  std::string msg(status.message());
  if (!status.field().empty()) msg += " (" + std::string(status.field()) + ")";
  std::cerr << "error: " << msg << std::endl;
  throw CLI::RuntimeError(code);
}

}  // namespace kycloud::app
