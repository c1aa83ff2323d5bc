// `kycloud customers import FILE.jsonl|-` and `kycloud customers export`: CIP records in bulk
// (docs/cip.md). Import runs every line through onboarding — validation, classification,
// screening against the lists (the configured or bundled ones), sealing, the decision — with
// several workers; a bad line is reported as "FILE:LINE: /field: message (rule)" on stderr and the
// others go on. Each line carries the idempotency key "import:<sha256 of the line>", so running
// the same file again (after an interruption) skips what was imported: the import is resumable.
// The summary is one JSON object on stdout. Export writes every record (opened) as JSON lines to
// stdout — personal data: the export is an audit entry.
#include <fmt/format.h>

#include <atomic>
#include <fstream>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "commands.h"
#include "data_key.h"
#include "kycloud/base/progress.h"
#include "kycloud/base/sha256.h"
#include "kycloud/cip/customer_json.h"
#include "kycloud/cip/onboarding.h"
#include "kycloud/lists/list_loader.h"
#include "kycloud/server/party_screening.h"
#include "kycloud/storage/sql_audit_store.h"
#include "kycloud/storage/sql_case_store.h"
#include "kycloud/storage/sql_customer_store.h"
#include "kycloud/storage/sql_disposition_store.h"
#include "kycloud/storage/sql_policy_store.h"

namespace kycloud::app {

namespace {

struct ImportFlags {
  CommonFlags common;
  std::string file;
  int workers = 4;
  bool no_screening = false;
};

void RunImport(const ImportFlags& flags) {
  Opened opened = OpenOrFail(flags.common);
  const std::string text = flags.file == "-"
                               ? std::string(std::istreambuf_iterator<char>(std::cin), {})
                               : ReadFileOrFail(flags.file, "customers file");
  std::vector<std::string_view> lines;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.emplace_back(text.data() + start, end - start);
    start = end + 1;
  }
  auto cipher = LoadDataCipher(opened.config);
  if (!cipher) Fail(cipher.error());
  const Clock& clock = SystemClock::Default();
  storage::SqlCustomerStore customers(*opened.db);
  storage::SqlPolicyStore policies(*opened.db);
  storage::SqlCaseStore case_store(*opened.db);
  storage::SqlDispositionStore dispositions(*opened.db);
  cases::CaseManager cases(case_store, clock, nullptr, &dispositions);
  provisioning::ProvisioningService provisioning(policies, &cases, clock,
                                                 compute::Estimator::Bundled());
  if (Status s = provisioning.Load(); !s.ok()) Fail(s);
  cip::Onboarding onboarding(customers, *cipher, provisioning, &cases, clock);
  screening::IndexHolder holder;
  std::unique_ptr<server::ServicePartyScreener> screener;
  if (!flags.no_screening) {
    const std::string dir =
        opened.config.lists_dir.empty() ? DefaultListsDir() : opened.config.lists_dir;
    auto snap = lists::LoadListDirectory(dir);
    if (!snap) Fail(snap.error().Annotate("lists"));
    holder.Set(
        screening::ScreeningIndex::Build(std::make_shared<lists::ListSnapshot>(std::move(*snap))));
    screener =
        std::make_unique<server::ServicePartyScreener>(holder, dispositions, &cases, nullptr);
    onboarding.SetScreener(screener.get());
  }

  auto progress =
      ProgressReporter::ForStderr({.label = "import", .total = lines.size(), .unit = "records"});
  std::atomic<size_t> next{0}, created{0}, replayed{0}, failed{0}, blank{0};
  std::mutex err_mu;
  std::map<std::string, size_t> decisions;
  auto worker = [&] {
    for (size_t i = next++; i < lines.size(); i = next++) {
      std::string_view line = lines[i];
      progress.Add();
      if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
        ++blank;
        continue;
      }
      auto r = onboarding.Create(line, "import:" + Sha256Hex(line), "cli");
      std::lock_guard lock(err_mu);
      if (!r) {
        ++failed;
        const Status& e = r.error();
        fmt::print(stderr, "{}:{}: {}{}{}\n", flags.file, i + 1,
                   e.field().empty() ? "" : std::string(e.field()) + ": ", e.message(),
                   e.reason().empty() ? "" : fmt::format(" [{}]", e.reason()));
        continue;
      }
      (r->created ? created : replayed)++;
      decisions[r->row.decision]++;
    }
  };
  std::vector<std::thread> ts;
  for (int w = 0; w < std::max(1, flags.workers); ++w) ts.emplace_back(worker);
  for (auto& t : ts) t.join();
  progress.Finish();
  std::cout << nlohmann::json{{"lines", lines.size() - blank.load()},
                              {"created", created.load()},
                              {"already_imported", replayed.load()},
                              {"errors", failed.load()},
                              {"decisions", decisions}}
                   .dump()
            << std::endl;
  if (failed.load() > 0) throw CLI::RuntimeError(1);
}

void RunExport(const CommonFlags& flags) {
  Opened opened = OpenOrFail(flags);
  auto cipher = LoadDataCipher(opened.config);
  if (!cipher) Fail(cipher.error());
  const Clock& clock = SystemClock::Default();
  storage::SqlCustomerStore customers(*opened.db);
  storage::SqlPolicyStore policies(*opened.db);
  provisioning::ProvisioningService provisioning(policies, nullptr, clock,
                                                 compute::Estimator::Bundled());
  cip::Onboarding onboarding(customers, *cipher, provisioning, nullptr, clock);
  storage::SqlAuditStore audit_store(*opened.db);
  audit::AuditLog audit(audit_store, clock, nullptr, opened.config.audit);
  storage::CustomerFilter f;
  f.limit = 1000;
  size_t n = 0;
  while (true) {
    auto page = customers.List(f);
    if (!page) Fail(page.error());
    for (const auto& row : *page) {
      auto got = onboarding.Get(row.id);
      if (!got) Fail(got.error().Annotate(row.id));
      nlohmann::json j = nlohmann::json::parse(cip::CustomerJson(got->second));
      j["decision"] = row.decision;
      j["verification"] = row.verification;
      j["policy_version"] = row.policy_id;
      std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
      ++n;
    }
    if (page->size() < f.limit) break;
    f.after_id = page->back().id;
  }
  auto entry = audit.Append(
      {"pii.export", "cli", nlohmann::json{{"resource", "customers"}, {"records", n}}.dump()});
  if (!entry) Fail(entry.error().Annotate("audit"));
  fmt::print(stderr, "exported {} customers\n", n);
}

}  // namespace

void RegisterCustomersCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("customers", "CIP records in bulk: import, export");
  cmd->require_subcommand(1);
  auto flags = std::make_shared<ImportFlags>();
  auto* import = cmd->add_subcommand(
      "import", "Onboard every record of a JSON-lines file (resumable: rerun to continue)");
  flags->common.AddTo(*import);
  import->add_option("FILE", flags->file, "JSON lines, one CIP record per line; - for stdin")
      ->required();
  import->add_option("--workers", flags->workers, "parallel workers (default 4)");
  import->add_flag("--no-screening", flags->no_screening,
                   "skip screening (records are screened later; not for production)");
  import->callback([flags] { RunImport(*flags);
});
auto export_flags = std::make_shared<CommonFlags>();
auto* exp = cmd->add_subcommand("export", "Every CIP record as JSON lines on stdout (audited)");
export_flags->AddTo(*exp);
exp->callback([export_flags] { RunExport(*export_flags); });
}  // namespace kycloud::app

}  // namespace kycloud::app
