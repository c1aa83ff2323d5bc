// kycloud report list|show|draft|evidence-pack: reports from the command line (the same
// workflow as /v1/reports; cases/report_manager.h).
//
//   list           one line per report (or --json lines), newest first
//   show ID        the report as JSON, or --html as a printable page; --output FILE
//   draft          --kind training_run|cip_certification [--subject S] --content FILE.json:
//                  stores a draft (actor "cli") and prints it; officers complete and approve it
//   evidence-pack  --case ID: builds, freezes and stores the case's evidence pack (signing a
//                  checkpoint when the latest does not cover the case) and prints the pack
//                  (the input of tests/audit/verify_proofs.py), or --html the report page
#include <fstream>
#include <iostream>
#include <optional>

#include "commands.h"
#include "kycloud/audit/audit_log.h"
#include "kycloud/cases/case_json.h"
#include "kycloud/cases/report_html.h"
#include "kycloud/cases/report_manager.h"
#include "kycloud/storage/sql_audit_store.h"
#include "kycloud/storage/sql_case_store.h"

namespace kycloud::app {

namespace {

struct ReportOutput {
  bool html = false;
  std::string output;  // "" = stdout
};

// Writes the report (or, with `pack_only`, an evidence pack's content: the file an auditor
// checks with tests/audit/verify_proofs.py) as JSON, or the report as HTML.
void Emit(const storage::ReportRecord& r, const ReportOutput& out, bool pack_only = false) {
  std::string text;
  if (out.html) {
    text = cases::RenderReportHtml(r);
  } else {
    nlohmann::json j = cases::ReportJson(r);
    text = cases::Dump(pack_only ? j["content"] : j, 2) + "\n";
  }
  if (out.output.empty()) {
    std::cout << text;
    return;
  }
  std::ofstream f(out.output, std::ios::binary);
  f << text;
  if (!f.flush()) Fail(UnavailableError("cannot write " + out.output));
  std::cerr << "wrote " << r.id << " to " << out.output << std::endl;
}

// The report manager over the database, with the audit log (and its signing key when the file
// exists, or Fail() when `need_key`: entries about customers hold digests keyed by it).
struct Reports {
  Opened o;
  std::optional<audit::SigningKey> key;
  std::unique_ptr<storage::SqlAuditStore> audit_store;
  std::unique_ptr<audit::AuditLog> log;
  std::unique_ptr<storage::SqlCaseStore> cases;
  std::unique_ptr<storage::SqlReportStore> reports;
  std::unique_ptr<cases::ReportManager> manager;
};

std::unique_ptr<Reports> OpenReportsOrFail(const CommonFlags& flags, bool need_key) {
  auto r = std::make_unique<Reports>();
  r->o = OpenOrFail(flags);
  auto key = audit::SigningKey::Load(r->o.config.audit_signing_key_file, r->o.config.audit.origin);
  if (key.has_value()) {
    r->key = std::move(*key);
  } else if (need_key) {
    Fail(key.error().Annotate(
        "the audit signing key (audit.signing_key_file, created by `kycloud serve`) "
        "signs checkpoints and keys the digests of customer ids in audit entries"));
  }
  r->audit_store = std::make_unique<storage::SqlAuditStore>(*r->o.db);
  r->log = std::make_unique<audit::AuditLog>(*r->audit_store, SystemClock::Default(),
                                             r->key ? &*r->key : nullptr, r->o.config.audit);
  r->cases = std::make_unique<storage::SqlCaseStore>(*r->o.db);
  r->reports = std::make_unique<storage::SqlReportStore>(*r->o.db);
  r->manager = std::make_unique<cases::ReportManager>(*r->reports, *r->cases,
                                                      SystemClock::Default(), r->log.get());
  return r;
}

void AddOutputFlags(CLI::App& cmd, ReportOutput& out) {
  cmd.add_flag("--html", out.html, "a printable HTML page instead of JSON");
  cmd.add_option("--output", out.output, "write to FILE instead of stdout");
}

}  // namespace

void RegisterReportCommand(CLI::App& app) {
  auto* report = app.add_subcommand(
      "report", "Reports: training-run reports, CIP certifications, case evidence packs");
  report->require_subcommand(1);

  auto list_flags = std::make_shared<CommonFlags>();
  auto kind = std::make_shared<std::string>();
  auto status = std::make_shared<std::string>();
  auto json_lines = std::make_shared<bool>(false);
  auto* list = report->add_subcommand("list", "List reports, newest first");
  list_flags->AddTo(*list);
  list->add_option("--kind", *kind, "training_run, cip_certification or case_evidence");
  list->add_option("--status", *status, "draft, completed, approved or filed");
  list->add_flag("--json", *json_lines, "one JSON object per line");
  list->callback([list_flags, kind, status, json_lines] {
    Opened o = OpenOrFail(*list_flags);
    storage::SqlReportStore store(*o.db);
    storage::ReportFilter f{.limit = 100000};
    if (!kind->empty()) f.kind = *kind;
    if (!status->empty()) f.status = *status;
    auto all = store.List(f);
    if (!all) Fail(all.error());
    if (!*json_lines) {
      std::cout << fmt::format("{:<24} {:<18} {:<10} {:<22} {}\n", "ID", "KIND", "STATUS",
                               "CREATED", "TITLE");
    }
    for (const auto& r : *all) {
      if (*json_lines) {
        auto j = cases::ReportJson(r);
        j.erase("content");
        j.erase("frozen");
        std::cout << cases::Dump(j) << "\n";
      } else {
        std::cout << fmt::format("{:<24} {:<18} {:<10} {:<22} {}\n", r.id, r.kind, r.status,
                                 FormatRfc3339(r.created_at), r.title);
      }
    }
  });

  auto show_flags = std::make_shared<CommonFlags>();
  auto show_out = std::make_shared<ReportOutput>();
  auto id = std::make_shared<std::string>();
  auto* show = report->add_subcommand("show", "Print one report");
  show_flags->AddTo(*show);
  show->add_option("id", *id, "report id")->required();
  AddOutputFlags(*show, *show_out);
  show->callback([show_flags, show_out, id] {
    Opened o = OpenOrFail(*show_flags);
    storage::SqlReportStore store(*o.db);
    auto r = store.Get(*id);
    if (!r) Fail(r.error());
    if (!*r) Fail(NotFoundError(fmt::format("no report '{}'", *id)));
    Emit(**r, *show_out);
  });

  auto draft_flags = std::make_shared<CommonFlags>();
  auto draft_kind = std::make_shared<std::string>();
  auto subject = std::make_shared<std::string>();
  auto title = std::make_shared<std::string>();
  auto content_file = std::make_shared<std::string>();
  auto* draft = report->add_subcommand("draft", "Store a report draft from a JSON file");
  draft_flags->AddTo(*draft);
  draft->add_option("--kind", *draft_kind, "training_run or cip_certification")->required();
  draft->add_option("--subject", *subject, "the customer (training_run)");
  draft->add_option("--title", *title, "title (default from the kind)");
  draft->add_option("--content", *content_file, "JSON object with the report's fields");
  draft->callback([draft_flags, draft_kind, subject, title, content_file] {
    auto r = OpenReportsOrFail(*draft_flags, /*need_key=*/true);
    cases::NewReport n;
    n.kind = *draft_kind;
    n.subject = *subject;
    n.title = *title;
    n.content_json = content_file->empty() ? "" : ReadFileOrFail(*content_file, "content");
    auto created = r->manager->Create(n, "cli");
    if (!created) Fail(created.error());
    Emit(*created, {});
  });

  auto pack_flags = std::make_shared<CommonFlags>();
  auto pack_out = std::make_shared<ReportOutput>();
  auto case_id = std::make_shared<std::string>();
  auto* pack = report->add_subcommand(
      "evidence-pack", "Build, freeze and store a case's evidence pack with its audit proofs");
  pack_flags->AddTo(*pack);
  pack->add_option("--case", *case_id, "case id")->required();
  AddOutputFlags(*pack, *pack_out);
  pack->callback([pack_flags, pack_out, case_id] {
    auto r = OpenReportsOrFail(*pack_flags, /*need_key=*/true);
    auto created = r->manager->CreateEvidencePack(*case_id, "cli");
    if (!created) Fail(created.error());
    std::cerr << "stored evidence pack " << created->id << std::endl;
    Emit(*created, *pack_out, /*pack_only=*/true);
  });
  RegisterCipCertificationCommand(*report);
}

}  // namespace kycloud::app
