// kycloud cip due|purge|request and kycloud report cip-certification: the CIP's scheduled duties
// from the command line (docs/cip.md).
//   cip due [--as-of DATE] [--json]   re-verifications due (R12), resellers' termination
//                                     deadlines (R19) and open requests for CIPs (R17); one line
//                                     each, or one JSON object
//   cip request open --requester WHO [--reference REF] [--received-on DATE]
//                    [--reseller ID]... [--all-resellers] [--no-provider] [--note TEXT]
//                                     registers a request for the provider's and resellers' CIPs
//                                     (R17): its deadline is 10 days on (policy); prints it (JSON)
//   cip request list [--status open|produced|withdrawn] [--json]
//   cip request produce ID [--output FILE]
//                                     the package (JSON) asked for; refused while a reseller with
//                                     its own CIP has no document on file; audited with its SHA-256
//   cip request withdraw ID --reason TEXT
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
#include "kycloud/cip/cip_requests.h"
#include "kycloud/cip/onboarding.h"
#include "kycloud/cip/reseller_registry.h"
#include "kycloud/cip/retention.h"
#include "kycloud/storage/sql_audit_store.h"
#include "kycloud/storage/sql_cip_request_store.h"
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
  std::unique_ptr<storage::SqlAuditStore> audit_store;
  std::unique_ptr<audit::AuditLog> audit;
  std::unique_ptr<storage::SqlCipRequestStore> request_store;
  std::unique_ptr<cip::CipRequests> requests;
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
  s->audit_store = std::make_unique<storage::SqlAuditStore>(*s->o.db);
  s->audit = std::make_unique<audit::AuditLog>(*s->audit_store, clock, nullptr, s->o.config.audit);
  s->request_store = std::make_unique<storage::SqlCipRequestStore>(*s->o.db);
  s->requests = std::make_unique<cip::CipRequests>(
      *s->request_store, *s->resellers, *s->provisioning, s->audit.get(), clock, "kycloud");
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
  auto asked = s->requests->Due(as_of);
  if (!asked) Fail(asked.error());
  if (flags.json) {
    nlohmann::json out = {{"as_of", FormatRfc3339(as_of)},
                          {"reverification", nlohmann::json::array()},
                          {"reseller_terminations", nlohmann::json::array()},
                          {"cip_requests", nlohmann::json::array()}};
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
    for (const auto& v : *asked) out["cip_requests"].push_back(nlohmann::json::parse(v.Json()));
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
  for (const auto& v : *asked) {
    fmt::print("produce   {}  by {}  requester {}{}\n", v.row.id,
               FormatRfc3339(v.row.due_at).substr(0, 10), v.row.requester,
               v.overdue ? "  OVERDUE" : "");
  }
  fmt::print(stderr,
             "{} re-verifications due, {} reseller terminations pending, {} CIP requests open as "
             "of {}\n",
             due->size(), nc->size(), asked->size(), FormatRfc3339(as_of));
}

struct RequestFlags {
  CommonFlags common;
  std::string requester, reference, received_on, note, status, id, output, reason;
  std::vector<std::string> resellers;
  bool all_resellers = false, no_provider = false, json = false;
};

void RunRequestOpen(const RequestFlags& flags) {
  auto s = OpenCipOrFail(flags.common);
  nlohmann::json body = {{"requester", flags.requester}, {"provider", !flags.no_provider}};
  if (!flags.reference.empty()) body["reference"] = flags.reference;
  if (!flags.received_on.empty()) body["received_on"] = flags.received_on;
  if (!flags.note.empty()) body["note"] = flags.note;
  if (flags.all_resellers) {
    if (!flags.resellers.empty())
      Fail(InvalidArgumentError("--all-resellers or --reseller, not both"));
    body["resellers"] = "all";
  } else if (!flags.resellers.empty()) {
    body["resellers"] = flags.resellers;
  }
  auto v = s->requests->Open(body.dump(), "cli");
  if (!v) Fail(v.error());
  std::cout << v->Json() << std::endl;
  fmt::print(stderr, "CIP request {} registered: produce by {}\n", v->row.id,
             FormatRfc3339(v->row.due_at));
}

void RunRequestList(const RequestFlags& flags) {
  auto s = OpenCipOrFail(flags.common);
  std::optional<std::string> status;
  if (!flags.status.empty()) status = flags.status;
  auto list = s->requests->List(status);
  if (!list) Fail(list.error());
  for (const auto& v : *list) {
    if (flags.json) {
      std::cout << v.Json() << "\n";
      continue;
    }
    fmt::print("{}  received {}  due {}  {}{}  {}\n", v.row.id,
               FormatRfc3339(v.row.received_at).substr(0, 10),
               FormatRfc3339(v.row.due_at).substr(0, 10), v.row.status, v.overdue ? " OVERDUE" : "",
               v.row.requester);
  }
  std::cout.flush();
}

void RunRequestProduce(const RequestFlags& flags) {
  auto s = OpenCipOrFail(flags.common);
  auto p = s->requests->Produce(flags.id, "cli");
  if (!p) Fail(p.error());
  std::ofstream file;
  std::ostream& out = OutputOrFail(flags.output, file);
  out << p->json << "\n";
  if (!out.flush()) Fail(UnavailableError("cannot write " + flags.output));
  fmt::print(stderr, "produced CIP request {}: package sha256 {}\n", flags.id, p->sha256);
}

void RunRequestWithdraw(const RequestFlags& flags) {
  auto s = OpenCipOrFail(flags.common);
  auto v = s->requests->Withdraw(flags.id, nlohmann::json{{"reason", flags.reason}}.dump(), "cli");
  if (!v) Fail(v.error());
  std::cout << v->Json() << std::endl;
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
  auto report = cip::Purge(*s->customers, cip->retention_days_after_close, as_of, flags.dry_run,
                           s->audit.get(), "cli");
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
  auto* cmd =
      app.add_subcommand("cip", "Customer Identification Program duties: due, purge, request");
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

  auto* r = cmd->add_subcommand("request", "Requests for the provider's and resellers' CIPs (R17)");
  r->require_subcommand(1);
  auto open = std::make_shared<RequestFlags>();
  auto* o = r->add_subcommand("open", "Register a request; its deadline is 10 days on (policy)");
  open->common.AddTo(*o);
  o->add_option("--requester", open->requester, "who asked (office, officer)")->required();
  o->add_option("--reference", open->reference, "their reference");
  o->add_option("--received-on", open->received_on, "YYYY-MM-DD or RFC 3339 (default now)");
  o->add_option("--reseller", open->resellers, "a reseller (customer id) whose CIP is asked for");
  o->add_flag("--all-resellers", open->all_resellers, "every registered reseller not terminated");
  o->add_flag("--no-provider", open->no_provider, "the provider's own CIP is not asked for");
  o->add_option("--note", open->note, "a note (no personal data)");
  o->callback([open] { RunRequestOpen(*open); });
  auto list = std::make_shared<RequestFlags>();
  auto* l = r->add_subcommand("list", "The requests, by deadline");
  list->common.AddTo(*l);
  l->add_option("--status", list->status, "open | produced | withdrawn");
  l->add_flag("--json", list->json, "one JSON object per line");
  l->callback([list] { RunRequestList(*list); });
  auto produce = std::make_shared<RequestFlags>();
  auto* pr = r->add_subcommand("produce", "Produce the package asked for (JSON), audited");
  produce->common.AddTo(*pr);
  pr->add_option("id", produce->id, "the request id")->required();
  pr->add_option("--output", produce->output, "write to FILE instead of stdout");
  pr->callback([produce] { RunRequestProduce(*produce); });
  auto withdraw = std::make_shared<RequestFlags>();
  auto* w = r->add_subcommand("withdraw", "Withdraw an open request, audited");
  withdraw->common.AddTo(*w);
  w->add_option("id", withdraw->id, "the request id")->required();
  w->add_option("--reason", withdraw->reason, "why it is withdrawn")->required();
  w->callback([withdraw] { RunRequestWithdraw(*withdraw); });
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
