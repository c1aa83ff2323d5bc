// kycloud cip due|purge and kycloud report cip-certification: the CIP's scheduled duties from the
// command line (docs/cip.md).
//   cip due [--as-of DATE] [--json]   re-verifications due (R12) and resellers' termination
//                                     deadlines (R19); one line each, or one JSON object
//   cip purge [--as-of DATE] [--dry-run]
//                                     deletes the records past retention (R13) and prints what it
//                                     deleted (JSON); --as-of later than today only with
//                                     --dry-run (planning), never to delete early
//   report cip-certification --initial|--annual|--out-of-cycle --as-of DATE [--from DATE]
//                            [--html] [--output FILE]
//                                     the certification's figures (R15, R16) as JSON (the content
//                                     of a cip_certification report: save it with `kycloud report
//                                     draft --kind cip_certification --content FILE`) or HTML
// DATE: YYYY-MM-DD (the end of that day, UTC) or RFC 3339.
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "data_key.h"
#include "kycloud/audit/audit_log.h"
#include "kycloud/cip/certification.h"
#include "kycloud/cip/onboarding.h"
#include "kycloud/cip/reseller_registry.h"
#include "kycloud/cip/retention.h"
#include "kycloud/storage/sql_audit_store.h"
#include "kycloud/storage/sql_customer_store.h"
#include "kycloud/storage/sql_policy_store.h"
#include "kycloud/storage/sql_reseller_store.h"

namespace kycloud::app {

namespace {

// The CIP components over the database (no screening, no alerts: these commands read, or delete
// what retention allows).
struct CipStack {
  Opened o;
  std::unique_ptr<storage::PiiCipher> cipher;
  std::unique_ptr<storage::SqlCustomerStore> customers;
  std::unique_ptr<storage::SqlResellerStore> resellers;
  std::unique_ptr<storage::SqlPolicyStore> policies;
  std::unique_ptr<provisioning::ProvisioningService> provisioning;
  std::unique_ptr<cip::Onboarding> onboarding;
  std::unique_ptr<cip::ResellerRegistry> registry;
};

std::unique_ptr<CipStack> OpenCipOrFail(const CommonFlags& flags) {
  auto s = std::make_unique<CipStack>();
  s->o = OpenOrFail(flags);
  auto cipher = LoadDataCipher(s->o.config);
  if (!cipher) Fail(cipher.error());
  s->cipher = std::make_unique<storage::PiiCipher>(std::move(*cipher));
  const Clock& clock = SystemClock::Default();
  s->customers = std::make_unique<storage::SqlCustomerStore>(*s->o.db);
  s->resellers = std::make_unique<storage::SqlResellerStore>(*s->o.db);
  s->policies = std::make_unique<storage::SqlPolicyStore>(*s->o.db);
  s->provisioning = std::make_unique<provisioning::ProvisioningService>(
      *s->policies, nullptr, clock, compute::Estimator::Bundled());
  if (Status st = s->provisioning->Load(); !st.ok()) Fail(st);
  s->onboarding = std::make_unique<cip::Onboarding>(*s->customers, *s->cipher, *s->provisioning,
                                                    nullptr, clock);
  s->registry =
      std::make_unique<cip::ResellerRegistry>(*s->resellers, *s->onboarding, nullptr, clock);
  return s;
}

Timestamp AsOfOrFail(const std::string& text, Timestamp fallback) {
  if (text.empty()) return fallback;
  auto t = ParseRfc3339(text);
  if (!t) Fail(t.error().Annotate("--as-of"));
  if (text.size() == 10) return *t + std::chrono::days(1) - std::chrono::microseconds(1);
  return *t;
}

struct DueFlags {
  CommonFlags common;
  std::string as_of;
  bool json = false;
};

void RunDue(const DueFlags& flags) {
  auto s = OpenCipOrFail(flags.common);
  const Timestamp as_of = AsOfOrFail(flags.as_of, SystemClock::Default().Now());
  auto due = s->customers->ReverifyDue(as_of, 1000000);
  if (!due) Fail(due.error());
  auto nc = s->registry->TerminationsDue(Timestamp::max(), as_of);
  if (!nc) Fail(nc.error());
  if (flags.json) {
    nlohmann::json out = {{"as_of", FormatRfc3339(as_of)},
                          {"reverification", nlohmann::json::array()},
                          {"reseller_terminations", nlohmann::json::array()}};
    for (const auto& r : *due) {
      out["reverification"].push_back({{"id", r.id},
                                       {"country", r.country},
                                       {"risk_level", r.risk_level},
                                       {"verification", r.verification},
                                       {"reverify_due", FormatRfc3339(*r.reverify_due)}});
    }
    for (const auto& v : *nc) {
      out["reseller_terminations"].push_back(nlohmann::json::parse(v.Json()));
    }
    std::cout << out.dump(2) << std::endl;
    return;
  }
  for (const auto& r : *due) {
    fmt::print("reverify  {}  due {}  risk {}  country {}\n", r.id,
               FormatRfc3339(*r.reverify_due).substr(0, 10), r.risk_level,
               r.country.empty() ? "-" : r.country);
  }
  for (const auto& v : *nc) {
    fmt::print("terminate {}  by {}{}\n", v.row.customer_id,
               v.row.terminate_by ? FormatRfc3339(*v.row.terminate_by).substr(0, 10) : "-",
               v.overdue ? "  OVERDUE" : "");
  }
  fmt::print(stderr, "{} re-verifications due, {} reseller terminations pending as of {}\n",
             due->size(), nc->size(), FormatRfc3339(as_of));
}

struct PurgeFlags {
  CommonFlags common;
  std::string as_of;
  bool dry_run = false;
};

void RunPurge(const PurgeFlags& flags) {
  auto s = OpenCipOrFail(flags.common);
  const Timestamp now = SystemClock::Default().Now();
  const Timestamp as_of = AsOfOrFail(flags.as_of, now);
  if (as_of > now && !flags.dry_run) {
    Fail(
        InvalidArgumentError("--as-of later than now deletes records still in retention; use it "
                             "with --dry-run to plan"));
  }
  auto cip = s->onboarding->CipRules();
  if (!cip) Fail(cip.error());
  storage::SqlAuditStore audit_store(*s->o.db);
  audit::AuditLog audit(audit_store, SystemClock::Default(), nullptr, s->o.config.audit);
  auto report = cip::Purge(*s->customers, cip->retention_days_after_close, as_of, flags.dry_run,
                           &audit, "cli");
  if (!report) Fail(report.error());
  std::cout << report->Json() << std::endl;
  fmt::print(stderr, "{} {} record(s) past retention; {} held\n",
             flags.dry_run ? "would purge" : "purged", report->purged.size(), report->held.size());
}

struct CertFlags {
  CommonFlags common;
  bool initial = false, annual = false, out_of_cycle = false, html = false;
  std::string as_of, from, output, provider = "kycloud";
};

void RunCertification(const CertFlags& flags) {
  if (flags.initial + flags.annual + flags.out_of_cycle != 1) {
    Fail(InvalidArgumentError("give exactly one of --initial, --annual, --out-of-cycle"));
  }
  auto s = OpenCipOrFail(flags.common);
  cip::CertificationRequest req;
  req.kind = flags.initial ? "initial" : flags.annual ? "annual" : "out_of_cycle";
  req.as_of = AsOfOrFail(flags.as_of, SystemClock::Default().Now());
  if (!flags.from.empty()) {
    auto from = ParseRfc3339(flags.from);
    if (!from) Fail(from.error().Annotate("--from"));
    req.from = *from;
  }
  auto report =
      cip::BuildCertification(req, *s->customers, *s->resellers, *s->onboarding, flags.provider);
  if (!report) Fail(report.error());
  std::ofstream file;
  std::ostream& out = OutputOrFail(flags.output, file);
  out << (flags.html ? cip::CertificationHtml(*report) : *report + "\n");
  if (!out.flush()) Fail(UnavailableError("cannot write " + flags.output));
}

}  // namespace

void RegisterCipCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("cip", "Customer Identification Program duties: due, purge");
  cmd->require_subcommand(1);
  auto due = std::make_shared<DueFlags>();
  auto* d = cmd->add_subcommand("due", "Re-verifications due and reseller termination deadlines");
  due->common.AddTo(*d);
  d->add_option("--as-of", due->as_of, "YYYY-MM-DD or RFC 3339 (default now)");
  d->add_flag("--json", due->json, "one JSON object");
  d->callback([due] { RunDue(*due); });

  auto purge = std::make_shared<PurgeFlags>();
  auto* p = cmd->add_subcommand("purge", "Delete CIP records past retention (R13), audited");
  purge->common.AddTo(*p);
  p->add_option("--as-of", purge->as_of, "YYYY-MM-DD or RFC 3339 (default now; later: --dry-run)");
  p->add_flag("--dry-run", purge->dry_run, "report what would be deleted, delete nothing");
  p->callback([purge] { RunPurge(*purge); });
}

void RegisterCipCertificationCommand(CLI::App& report) {
  auto flags = std::make_shared<CertFlags>();
  auto* c = report.add_subcommand("cip-certification",
                                  "CIP certification figures (R15, R16) from the records");
  flags->common.AddTo(*c);
  c->add_flag("--initial", flags->initial, "the initial certification (everything to --as-of)");
  c->add_flag("--annual", flags->annual, "the annual certification (the year to --as-of)");
  c->add_flag("--out-of-cycle", flags->out_of_cycle, "an out-of-cycle one (needs --from)");
  c->add_option("--as-of", flags->as_of, "YYYY-MM-DD or RFC 3339 (default now)");
  c->add_option("--from", flags->from, "the period's start (annual: default a year before)");
  c->add_option("--provider", flags->provider, "the provider's name on the certification");
  c->add_flag("--html", flags->html, "a readable HTML page instead of JSON");
  c->add_option("--output", flags->output, "write to FILE instead of stdout");
  c->callback([flags] { RunCertification(*flags); });
}

}  // namespace kycloud::app
