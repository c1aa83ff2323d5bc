#include <iostream>

#include "commands.h"
#include "kycloud/base/build_info.h"
#include "kycloud/storage/migrations.h"

namespace kycloud::app {

void RegisterVersionCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("version", "Print version, commit and data snapshot ids");
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "as a JSON object");
  cmd->callback([json] {
    int schema = static_cast<int>(storage::SchemaMigrations().size());
    if (*json) {
      std::cout << fmt::format(
                       R"({{"version":"{}","commit":"{}","build_type":"{}","schema_version":{}}})",
                       Version(), GitCommit(), BuildType(), schema)
                << std::endl;
    } else {
      std::cout << fmt::format("kycloud {}\ncommit {}\nbuild {}\nschema version {}\n", Version(),
                               GitCommit(), BuildType(), schema);
    }
  });
}

}  // namespace kycloud::app
