// kycloud: the composition root. Parses the command line and hands over to a subcommand; each
// subcommand loads its config, opens the stores it needs and wires the components together.
#include <CLI/CLI.hpp>

#include "commands.h"
#include "kycloud/base/build_info.h"
#ifdef KYCLOUD_MIMALLOC
#include <mimalloc.h>
#endif

int main(int argc, char** argv) {
#ifdef KYCLOUD_MIMALLOC
  // mimalloc replaces malloc through the dynamic linker; a call keeps the library linked even
  // when the linker drops libraries nothing calls (--as-needed).
  (void)mi_version();
#endif
  CLI::App app{
      "kycloud: Know-Your-Customer and compute governance for cloud and GPU-cloud providers"};
  app.set_version_flag("--version", std::string(kycloud::Version()));
  app.require_subcommand(1);
  kycloud::app::RegisterServeCommand(app);
  kycloud::app::RegisterKeysCommand(app);
  kycloud::app::RegisterVersionCommand(app);
  kycloud::app::RegisterInfoCommand(app);
  kycloud::app::RegisterListsCommand(app);
  kycloud::app::RegisterScreeningCommands(app);
  kycloud::app::RegisterAuditCommand(app);
  kycloud::app::RegisterReportCommand(app);
  kycloud::app::RegisterComputeCommand(app);
  kycloud::app::RegisterIngestCommand(app);
  kycloud::app::RegisterPolicyCommand(app);
  kycloud::app::RegisterCustomersCommand(app);
  kycloud::app::RegisterLinkCommand(app);
  kycloud::app::RegisterSimulateCommand(app);
  kycloud::app::RegisterCipCommand(app);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
