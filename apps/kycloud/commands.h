// The kycloud CLI's subcommands. Each component's commands register themselves on the CLI11 app
// here; main.cc only calls the Register functions. Results go to stdout, progress and logs to
// stderr. A failing command prints "error: ..." to stderr and exits non-zero.
#pragma once

#include <CLI/CLI.hpp>
#include <fstream>
#include <memory>
#include <string>

#include "config.h"
#include "kycloud/storage/database.h"

namespace kycloud::app {

// Flags shared by commands that open the database.
struct CommonFlags {
  std::string config_path;  // --config FILE
  std::string db_uri;       // --db URI
  void AddTo(CLI::App& cmd);
  // Defaults, then the config file, then secrets, then these flags.
  Result<Config> Resolve() const;
};

// A command's resolved config and its open database.
struct Opened {
  Config config;
  std::unique_ptr<storage::Database> db;
};
// Resolves the flags, starts logging and opens the database, or Fail()s.
Opened OpenOrFail(const CommonFlags& flags);
// The whole file, or Fail() naming `what` and the path.
std::string ReadFileOrFail(const std::string& path, std::string_view what);
// stdout when `path` is empty, else `file` opened on `path` (or Fail()).
std::ostream& OutputOrFail(const std::string& path, std::ofstream& file);

// Prints "error: <message>" to stderr and throws CLI::RuntimeError(code) to end the command.
[[noreturn]] void Fail(const Status& status, int code = 1);

void RegisterServeCommand(CLI::App& app);
void RegisterKeysCommand(CLI::App& app);
void RegisterVersionCommand(CLI::App& app);
// `info`: version, schema, policy, the geolocation database and its age.
void RegisterInfoCommand(CLI::App& app);
void RegisterListsCommand(CLI::App& app);
// `lists update`, registered by RegisterListsCommand on its `lists` subcommand.
void RegisterListsUpdateCommand(CLI::App& lists);
void RegisterScreeningCommands(CLI::App& app);
void RegisterAuditCommand(CLI::App& app);
void RegisterReportCommand(CLI::App& app);
void RegisterComputeCommand(CLI::App& app);
// `compute estimate`, registered by RegisterComputeCommand on its `compute` subcommand.
void RegisterComputeEstimateCommand(CLI::App& compute);
void RegisterIngestCommand(CLI::App& app);
void RegisterPolicyCommand(CLI::App& app);
void RegisterCustomersCommand(CLI::App& app);
void RegisterCipCommand(CLI::App& app);
void RegisterLinkCommand(CLI::App& app);
// `kycloud simulate` (simulate_command.cc): a synthetic population with its ground truth.
void RegisterSimulateCommand(CLI::App& app);
// `kycloud report cip-certification` (cip_command.cc).
void RegisterCipCertificationCommand(CLI::App& report);

// The bundled lists: $KYCLOUD_DATA_DIR/lists, else <binary>/../share/kycloud/lists, else the
// source tree's data/lists.
std::string DefaultListsDir();
// The web console's built files: share/kycloud/web beside the binary when installed, else
// web/dist of the source tree; "" when neither holds an index.html.
std::string DefaultWebRoot();
// The bundled IP geolocation database (data/geo/PROVENANCE.md), found the same way.
std::string DefaultGeoDatabase();

}  // namespace kycloud::app
