#include <iostream>

#include "commands.h"
#include "kycloud/base/build_info.h"
#include "kycloud/cip/ip_geolocator.h"
#include "kycloud/policy/policy.h"
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

void RegisterInfoCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "info", "Version, schema, the policy in force and the data kycloud uses, with their dates");
  auto flags = std::make_shared<CommonFlags>();
  flags->AddTo(*cmd);
  cmd->callback([flags] {
    auto config = flags->Resolve();
    if (!config) Fail(config.error());
    std::cout << fmt::format("kycloud {} (commit {}), schema version {}\n", Version(), GitCommit(),
                             storage::SchemaMigrations().size());
    std::cout << fmt::format("policy (bundled) {}\n", policy::Policy::Bundled().Id());
    const std::string geo =
        config->geoip_database.empty() ? DefaultGeoDatabase() : config->geoip_database;
    auto g = cip::IpGeolocator::Open(geo);
    if (!g) {
      std::cout << fmt::format("IP geolocation: unavailable ({})\n", g.error().message());
      return;
    }
    const auto age = std::chrono::duration_cast<std::chrono::days>(
        std::chrono::system_clock::now() - (*g)->build_time());
    std::cout << fmt::format("IP geolocation: {} ({}), built {} — {} days old{}\n", geo,
                             (*g)->database_type(), FormatRfc3339((*g)->build_time()).substr(0, 10),
                             age.count(),
                             age.count() > 90 ? " [OLD: install a current database, "
                                                "[cip] geoip_database]"
                                              : "");
  });
}

}  // namespace kycloud::app
