// The CIP's duties after sign-up, on both backends: verification resolutions and what a failed
// account may do (R9, R10), risk from versioned rules and the re-verification schedule (R12),
// retention and the purge (R13), certifications (R15, R16), the reseller registry and its
// termination clock (R18-R20), requests for the CIPs and their 10-day clock (R17).
#include <gtest/gtest.h>

#include "kycloud/audit/audit_log.h"
#include "kycloud/base/sha256.h"
#include "kycloud/cip/certification.h"
#include "kycloud/cip/cip_requests.h"
#include "kycloud/cip/onboarding_fixture.h"
#include "kycloud/cip/rescreen_schedule.h"
#include "kycloud/cip/rescreening.h"
#include "kycloud/cip/reseller_registry.h"
#include "kycloud/cip/retention.h"
#include "kycloud/cip/risk_score.h"
#include "kycloud/screening/index_holder.h"
#include "kycloud/screening/screener.h"
#include "kycloud/storage/memory_audit_store.h"
#include "kycloud/storage/sql_cip_request_store.h"
#include "kycloud/storage/sql_reseller_store.h"

namespace kycloud::cip {
namespace {

class CipWorkflowTest : public OnboardingFixture {
 protected:
  void SetUp() override {
    OnboardingFixture::SetUp();
    if (HasFatalFailure()) return;
    reseller_store_ = std::make_unique<storage::SqlResellerStore>(*db_->db);
    registry_ =
        std::make_unique<ResellerRegistry>(*reseller_store_, *onboarding_, cases_.get(), clock_);
    audit_ = std::make_unique<audit::AuditLog>(audit_store_, clock_, nullptr);
    request_store_ = std::make_unique<storage::SqlCipRequestStore>(*db_->db);
    requests_ = std::make_unique<CipRequests>(*request_store_, *reseller_store_, *provisioning_,
                                              audit_.get(), clock_, "Acme Cloud");
  }
  // Kinds of the audit entries so far.
  std::vector<std::string> AuditKinds() {
    std::vector<std::string> out;
    auto entries = audit_->Entries(0, 1000);
    for (const auto& e : *entries) out.push_back(e.kind);
    return out;
  }
  Result<OnboardingResult> Verify(const std::string& id, const json& body) {
    return onboarding_->Verify(id, body.dump(), "officer_a");
  }
  std::string ErrorField(const Result<OnboardingResult>& r) {
    return r.has_value() ? "(ok)" : std::string(r.error().field());
  }
  std::unique_ptr<storage::SqlResellerStore> reseller_store_;
  std::unique_ptr<ResellerRegistry> registry_;
  storage::MemoryAuditStore audit_store_;
  std::unique_ptr<audit::AuditLog> audit_;
  std::unique_ptr<storage::SqlCipRequestStore> request_store_;
  std::unique_ptr<CipRequests> requests_;
};

const json kVerified = {{"outcome", "verified"},
                        {"method", "documentary"},
                        {"evidence", {"idv://vendor/check/8812"}},
                        {"note", "passport and certificate of incorporation"}};

TEST_P(CipWorkflowTest, VerificationResolutionsAreRecordedAndDecide) {
  ASSERT_EQ(Create(Org("c-sg")).row.decision, "verify");
  // Bad requests name the field and the rule, and change nothing.
  EXPECT_EQ(ErrorField(Verify("c-sg", json::object())), "/outcome");
  EXPECT_EQ(ErrorField(Verify("c-sg", {{"outcome", "verified"}, {"method", "documentary"}})),
            "/evidence");
  EXPECT_EQ(Verify("c-sg", {{"outcome", "verified"}, {"method", "documentary"}}).error().reason(),
            "cip.evidence_required");
  json with_resolution = kVerified;
  with_resolution["resolution"] = "close";
  EXPECT_EQ(ErrorField(Verify("c-sg", with_resolution)), "/resolution");
  EXPECT_EQ(ErrorField(Verify("c-sg", {{"outcome", "maybe"}})), "/outcome");
  EXPECT_TRUE(customers_->Verifications("c-sg")->empty());

  // R9: verified, with its method and evidence (sealed); the decision becomes approve and the
  // re-verification date follows the risk level (R12: medium -> 365 days in policy/cip.toml).
  auto v = Verify("c-sg", kVerified);
  ASSERT_TRUE(v.has_value()) << v.error();
  EXPECT_EQ(v->row.verification, "verified");
  EXPECT_EQ(v->row.decision, "approve");
  EXPECT_EQ(v->row.risk_level, "medium");
  ASSERT_TRUE(v->row.reverify_due.has_value());
  EXPECT_EQ(*v->row.reverify_due, clock_.Now() + std::chrono::days(365));
  json risk = json::parse(v->row.risk_json);
  EXPECT_EQ(risk["score"], 30);  // foreign customer 15, foreign owner 10, no website 5
  EXPECT_EQ(risk["reasons"][0]["rule"], "risk.foreign-customer");
  auto history = customers_->Verifications("c-sg");
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].method, "documentary");
  EXPECT_EQ((*history)[0].actor, "officer_a");
  EXPECT_EQ((*history)[0].details_sealed.find("vendor/check"), std::string::npos);
  auto opened = cipher_->Open((*history)[0].details_sealed, "verifications/c-sg");
  ASSERT_TRUE(opened.has_value());
  EXPECT_NE(opened->find("idv://vendor/check/8812"), std::string::npos);

  // The due list (R12): not before the date, then there.
  EXPECT_TRUE(customers_->ReverifyDue(clock_.Now() + std::chrono::days(364), 10)->empty());
  auto due = customers_->ReverifyDue(clock_.Now() + std::chrono::days(366), 10);
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].id, "c-sg");

  // R10: a failed re-verification resolved as restrict and monitor goes to review; as deny,
  // reject; as close, the account closes (the retention clock starts) and nothing more is done.
  clock_.Advance(std::chrono::days(370));
  auto failed = Verify("c-sg", {{"outcome", "failed"},
                                {"method", "non_documentary"},
                                {"evidence", {"idv://vendor/check/9901"}},
                                {"resolution", "restrict_and_monitor"}});
  ASSERT_TRUE(failed.has_value()) << failed.error();
  EXPECT_EQ(failed->row.verification, "failed");
  EXPECT_EQ(failed->row.verification_resolution, "restrict_and_monitor");
  EXPECT_EQ(failed->row.decision, "review");
  EXPECT_FALSE(failed->row.reverify_due.has_value());
  auto denied = Verify("c-sg", {{"outcome", "failed"},
                                {"method", "non_documentary"},
                                {"evidence", {"idv://vendor/check/9902"}}});  // policy: deny
  ASSERT_TRUE(denied.has_value());
  EXPECT_EQ(denied->row.verification_resolution, "deny");
  EXPECT_EQ(denied->row.decision, "reject");
  auto closed = Verify("c-sg", {{"outcome", "failed"},
                                {"method", "documentary"},
                                {"evidence", {"doc://3"}},
                                {"resolution", "close"}});
  ASSERT_TRUE(closed.has_value());
  EXPECT_EQ(closed->row.status, "closed");
  EXPECT_EQ(closed->row.closed_at, clock_.Now());
  EXPECT_EQ(Verify("c-sg", kVerified).error().reason(), "cip.closed");
  EXPECT_EQ(customers_->Verifications("c-sg")->size(), 4u);

  // R8: all-US parties need no verification.
  Create(UsOrg("c-us"));
  EXPECT_EQ(Verify("c-us", kVerified).error().reason(), "cip.verification_not_required");
}

TEST_P(CipWorkflowTest, RiskRulesAreVersionedPolicyWithReasons) {
  // A D:5 nexus (an owner's nationality) makes the risk high: review, with the reason.
  json j = Org("c-risky");
  j["beneficial_owners"][0]["nationality"] = "CN";
  j["website"] = "https://risky.example";
  OnboardingResult r = Create(j);
  EXPECT_EQ(r.row.risk_level, "high");
  EXPECT_EQ(r.row.decision, "review");
  bool risk_reason = false;
  for (const auto& x : r.reasons) risk_reason |= x.rule == "cip.risk-high";
  EXPECT_TRUE(risk_reason);
  json risk = json::parse(r.row.risk_json);
  std::string rules;
  for (const auto& x : risk["reasons"]) rules += x["rule"].get<std::string>() + " ";
  EXPECT_EQ(rules, "risk.foreign-customer risk.foreign-owner risk.d5-nexus ");
  EXPECT_EQ(risk["reasons"][2]["detail"], "CN");
  EXPECT_FALSE(risk["policy_version"].get<std::string>().empty());

  // The rules are checked when the policy is read: an unknown factor names the line.
  auto bad = CipPolicy::Parse(R"(version = "t"
[required]
individual = ["names"]
[risk]
rules = [ { id = "x", factor = "star_sign", points = 5, text = "t" } ]
)",
                              "cip.toml");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message().find("cip.toml:5: risk.rules[0].factor"), std::string::npos)
      << bad.error();
  EXPECT_FALSE(
      CipPolicy::Parse("version = \"t\"\n[required]\n[risk]\nmedium = 60\nhigh = 10\n", "cip.toml")
          .has_value());
}

TEST_P(CipWorkflowTest, ResellerRegistryAndTerminationClock) {
  json reseller = Org("r-1");
  reseller["is_reseller"] = true;
  Create(reseller);
  Create(Org("c-plain"));
  auto not_reseller = registry_->Register(R"({"customer_id": "c-plain"})", "officer_a");
  ASSERT_FALSE(not_reseller.has_value());
  EXPECT_EQ(not_reseller.error().reason(), "cip.not_a_reseller");
  EXPECT_EQ(registry_->Register(R"({"customer_id": "nobody"})", "officer_a").error().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(registry_->Register(R"({"customer_id": "r-1", "cip": "borrowed"})", "officer_a")
                .error()
                .field(),
            "/cip");

  // R18: registered compliant with its CIP, the flow-down and the report pass-through.
  auto ok = registry_->Register(
      R"({"customer_id": "r-1", "cip": "adopted", "contract_flow_down": true,
          "reports_pass_through": true, "compliance_status": "compliant"})",
      "officer_a");
  ASSERT_TRUE(ok.has_value()) << ok.error();
  EXPECT_EQ(ok->row.compliance_status, "compliant");
  EXPECT_FALSE(ok->row.terminate_by.has_value());
  EXPECT_EQ(registry_->Register(R"({"customer_id": "r-1"})", "x").error().code(),
            StatusCode::kAlreadyExists);

  // R19: found non-compliant -> terminate within 30 days, with an alert.
  auto nc = registry_->Update("r-1", R"({"compliance_status": "non_compliant",
                                         "note": "no CIP records on request"})",
                              "officer_a");
  ASSERT_TRUE(nc.has_value()) << nc.error();
  EXPECT_EQ(nc->row.terminate_by, clock_.Now() + std::chrono::days(30));
  EXPECT_EQ(nc->days_left, 30);
  EXPECT_TRUE(nc->alert_id.has_value());
  clock_.Advance(std::chrono::days(31));
  auto late = registry_->Get("r-1");
  EXPECT_TRUE(late->overdue);
  EXPECT_EQ(late->days_left, -1);
  // Remedied: the clock stops.
  auto remedied = registry_->Update("r-1", R"({"compliance_status": "compliant"})", "officer_a");
  EXPECT_EQ(remedied->row.compliance_status, "compliant");
  EXPECT_FALSE(remedied->row.terminate_by.has_value());

  // R20: a reseller that does not pass training-run reports on is non-compliant whatever is
  // claimed; terminated closes its account for good.
  auto no_reports = registry_->Update(
      "r-1", R"({"reports_pass_through": false, "compliance_status": "compliant"})", "officer_a");
  EXPECT_EQ(no_reports->row.compliance_status, "non_compliant");
  auto ended = registry_->Update("r-1", R"({"compliance_status": "terminated"})", "officer_a");
  ASSERT_TRUE(ended.has_value()) << ended.error();
  EXPECT_EQ(ended->row.terminated_at, clock_.Now());
  EXPECT_EQ(customers_->Get("r-1")->status, "closed");
  EXPECT_EQ(registry_->Update("r-1", R"({"compliance_status": "compliant"})", "x").error().reason(),
            "cip.terminated");
  EXPECT_EQ(registry_->List(std::string("terminated"))->size(), 1u);
}

TEST_P(CipWorkflowTest, CipRequestsAreProducedWithinTheirClock) {
  for (const char* id : {"r-own", "r-adopted", "r-gone"}) {
    json reseller = Org(id);
    reseller["is_reseller"] = true;
    Create(reseller);
  }
  ASSERT_TRUE(registry_
                  ->Register(R"({"customer_id": "r-own", "cip": "own", "contract_flow_down": true,
                                 "reports_pass_through": true})",
                             "officer_a")
                  .has_value());
  ASSERT_TRUE(registry_
                  ->Register(R"({"customer_id": "r-adopted", "cip": "adopted",
                                 "contract_flow_down": true, "reports_pass_through": true})",
                             "officer_a")
                  .has_value());
  ASSERT_TRUE(registry_
                  ->Register(R"({"customer_id": "r-gone", "cip": "own", "contract_flow_down": true,
                                 "reports_pass_through": true, "compliance_status": "terminated"})",
                             "officer_a")
                  .has_value());

  // Bad requests name the field and the rule, and store nothing.
  auto field = [&](std::string_view body) {
    auto r = requests_->Open(body, "officer_a");
    return r.has_value() ? std::string("(ok)") : std::string(r.error().field());
  };
  EXPECT_EQ(field(R"({"reference": "BIS-1"})"), "/requester");
  EXPECT_EQ(field(R"({"requester": ""})"), "/requester");
  EXPECT_EQ(field(R"({"requester": "BIS", "resellers": ["r-own", "nobody"]})"), "/resellers/1");
  EXPECT_EQ(
      requests_->Open(R"({"requester": "BIS", "resellers": ["nobody"]})", "x").error().reason(),
      "cip.unknown_reseller");
  EXPECT_EQ(field(R"({"requester": "BIS", "received_on": "2026-13-01"})"), "/received_on");
  EXPECT_EQ(field(R"({"requester": "BIS", "received_on": "2027-01-01"})"), "/received_on");
  EXPECT_EQ(field(R"({"requester": "BIS", "provider": false})"), "/resellers");
  EXPECT_EQ(field(R"({"requester": "BIS", "scope": "all"})"), "/scope");
  EXPECT_EQ(field("[]"), "");
  EXPECT_TRUE(requests_->List(std::nullopt)->empty());

  // R17: received three days ago, due ten days after receipt (policy/cip.toml [requests]).
  auto opened = requests_->Open(R"({"requester": "BIS Office of Export Enforcement",
                                    "reference": "OEE-2026-117", "received_on": "2026-11-28",
                                    "resellers": "all"})",
                                "officer_a");
  ASSERT_TRUE(opened.has_value()) << opened.error();
  const std::string id = opened->row.id;
  const Timestamp received = *ParseRfc3339("2026-11-28");
  EXPECT_EQ(opened->row.received_at, received);
  // Due by the end of the tenth day after the day of receipt (UTC calendar days).
  EXPECT_EQ(opened->row.due_at, received + std::chrono::days(11) - std::chrono::microseconds(1));
  EXPECT_EQ(opened->row.resellers, (std::vector<std::string>{"r-adopted", "r-own"}));  // not r-gone
  EXPECT_EQ(opened->days_left, 7);
  EXPECT_FALSE(opened->overdue);
  auto due = requests_->Due(clock_.Now());
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].row.id, id);

  // Not producible while a reseller running its own CIP has no document on file.
  auto incomplete = requests_->Produce(id, "officer_a");
  ASSERT_FALSE(incomplete.has_value());
  EXPECT_EQ(incomplete.error().reason(), "cip.request_incomplete");
  EXPECT_NE(incomplete.error().message().find("r-own"), std::string::npos);
  EXPECT_EQ(requests_->Get(id)->row.status, "open");
  ASSERT_TRUE(
      registry_->Update("r-own", R"({"cip_document": "dms://cip/r-own/2026-v3.pdf"})", "officer_a")
          .has_value());

  // Produced on day 9: the provider's CIP rules in force and each reseller's CIP.
  clock_.Advance(std::chrono::days(5));
  EXPECT_EQ(requests_->Get(id)->days_left, 2);
  auto produced = requests_->Produce(id, "officer_b");
  ASSERT_TRUE(produced.has_value()) << produced.error();
  json package = json::parse(produced->json);
  EXPECT_EQ(produced->sha256, Sha256Hex(produced->json));
  EXPECT_EQ(package["kind"], "cip_production");
  EXPECT_EQ(package["provider"], "Acme Cloud");
  EXPECT_EQ(package["request"]["reference"], "OEE-2026-117");
  EXPECT_TRUE(package["on_time"].get<bool>());
  EXPECT_EQ(package["provider_cip"]["file"], "cip.toml");
  EXPECT_NE(package["provider_cip"]["text"].get<std::string>().find("[requests]"),
            std::string::npos);
  EXPECT_EQ(package["provider_cip"]["sha256"],
            Sha256Hex(package["provider_cip"]["text"].get<std::string>()));
  ASSERT_EQ(package["resellers"].size(), 2u);
  EXPECT_EQ(package["resellers"][0]["customer_id"], "r-adopted");
  EXPECT_EQ(package["resellers"][0]["provider_cip_sha256"], package["provider_cip"]["sha256"]);
  EXPECT_EQ(package["resellers"][1]["cip_document"], "dms://cip/r-own/2026-v3.pdf");
  EXPECT_EQ(produced->request.row.status, "produced");
  EXPECT_EQ(produced->request.row.produced_by, "officer_b");
  EXPECT_EQ(produced->request.row.package_sha256, produced->sha256);
  EXPECT_FALSE(produced->request.days_left.has_value());
  EXPECT_TRUE(requests_->Due(clock_.Now())->empty());
  // A second production is audited too but the request keeps its first.
  clock_.Advance(std::chrono::days(1));
  auto again = requests_->Produce(id, "officer_a");
  ASSERT_TRUE(again.has_value()) << again.error();
  EXPECT_EQ(requests_->Get(id)->row.package_sha256, produced->sha256);

  // Only a reseller's CIP asked for: an adopted CIP is the provider's, which goes with it.
  auto resellers_only = requests_->Open(
      R"({"requester": "BIS", "resellers": ["r-adopted"], "provider": false})", "officer_a");
  ASSERT_TRUE(resellers_only.has_value()) << resellers_only.error();
  auto adopted_package = requests_->Produce(resellers_only->row.id, "officer_a");
  ASSERT_TRUE(adopted_package.has_value()) << adopted_package.error();
  EXPECT_EQ(json::parse(adopted_package->json)["provider_cip"]["file"], "cip.toml");

  // A late request shows overdue; a withdrawn one leaves the due list and cannot be produced.
  auto late = requests_->Open(R"({"requester": "BIS", "resellers": ["r-adopted"],
                                  "provider": false, "received_on": "2026-11-20"})",
                              "officer_a");
  ASSERT_TRUE(late.has_value()) << late.error();
  EXPECT_TRUE(late->overdue);
  EXPECT_EQ(late->days_left, -7);  // due 2026-11-30, today 2026-12-07
  EXPECT_EQ(requests_->Withdraw(late->row.id, "{}", "officer_a").error().field(), "/reason");
  auto withdrawn = requests_->Withdraw(late->row.id, R"({"reason": "sent in error"})", "officer_a");
  ASSERT_TRUE(withdrawn.has_value()) << withdrawn.error();
  EXPECT_EQ(withdrawn->row.status, "withdrawn");
  EXPECT_EQ(requests_->Produce(late->row.id, "officer_a").error().reason(),
            "cip.request_withdrawn");
  EXPECT_EQ(requests_->Withdraw(late->row.id, R"({"reason": "again"})", "x").error().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_TRUE(requests_->Due(clock_.Now())->empty());
  EXPECT_EQ(requests_->List(std::string("withdrawn"))->size(), 1u);
  EXPECT_EQ(requests_->Get("cipreq_none").error().code(), StatusCode::kNotFound);

  const auto kinds = AuditKinds();
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "cip.request_opened"), 3);
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "cip.request_produced"), 3);
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "cip.request_withdrawn"), 1);
}

TEST_P(CipWorkflowTest, PurgeDeletesOnlyWhatIsPastRetention) {
  Create(Org("c-old"));
  Create(Org("c-held"));
  Create(Org("c-accessed"));
  Create(Org("c-active"));
  for (const char* id : {"c-old", "c-held", "c-accessed"}) {
    ASSERT_TRUE(onboarding_->Close(id, "officer_a").has_value());
  }
  EXPECT_EQ(onboarding_->Close("c-old", "x").error().reason(), "cip.closed");
  ASSERT_TRUE(onboarding_->SetRetentionHold("c-held", true).has_value());
  // Access after closure moves the retention clock (R13: after closure or last access).
  ASSERT_TRUE(customers_
                  ->AppendAccessEvents("c-accessed",
                                       {{0, "c-accessed", clock_.Now() + std::chrono::days(100),
                                         "login", "sealed", "SG"}})
                  .ok());
  const Timestamp t0 = clock_.Now();
  auto early = Purge(*customers_, 730, t0 + std::chrono::days(729), false, nullptr, "test");
  ASSERT_TRUE(early.has_value());
  EXPECT_TRUE(early->purged.empty());
  EXPECT_EQ(early->closed_scanned, 3u);

  auto plan = Purge(*customers_, 730, t0 + std::chrono::days(731), true, nullptr, "test");
  ASSERT_EQ(plan->purged.size(), 1u);
  EXPECT_EQ(plan->purged[0].id, "c-old");
  ASSERT_EQ(plan->held.size(), 1u);
  EXPECT_EQ(plan->held[0].id, "c-held");
  EXPECT_TRUE(customers_->Get("c-old").has_value());  // a dry run deletes nothing

  auto done = Purge(*customers_, 730, t0 + std::chrono::days(731), false, nullptr, "test");
  ASSERT_EQ(done->purged.size(), 1u);
  EXPECT_EQ(customers_->Get("c-old").error().code(), StatusCode::kNotFound);
  EXPECT_TRUE(customers_->Get("c-held").has_value());
  EXPECT_TRUE(customers_->Get("c-accessed").has_value());
  EXPECT_TRUE(customers_->Get("c-active").has_value());
  // A record changed after the purge job read it (a hold set, an access recorded) is kept.
  auto stale = customers_->Get("c-held");
  ASSERT_TRUE(onboarding_->SetRetentionHold("c-held", false).has_value());
  ASSERT_TRUE(onboarding_->SetRetentionHold("c-held", true).has_value());
  EXPECT_FALSE(*customers_->DeleteIfUnchanged(*stale));
  EXPECT_TRUE(customers_->Get("c-held").has_value());
  auto later = Purge(*customers_, 730, t0 + std::chrono::days(831), false, nullptr, "test");
  ASSERT_EQ(later->purged.size(), 1u);
  EXPECT_EQ(later->purged[0].id, "c-accessed");
  EXPECT_TRUE(customers_->AccessEvents("c-accessed", 10)->empty());
}

// The retention clock never moves back: an update made from a row read before an access event
// keeps the later access; a closed account is denied every request.
TEST_P(CipWorkflowTest, ClosedAccountsAreDeniedAndAccessTimesKept) {
  Create(Org("c-1"));
  auto before = customers_->Get("c-1");
  ASSERT_TRUE(before.has_value());
  const Timestamp access = clock_.Now() + std::chrono::hours(5);
  ASSERT_TRUE(
      customers_->AppendAccessEvents("c-1", {{0, "c-1", access, "login", "sealed", "SG"}}).ok());
  storage::CustomerRow row = *before;
  row.risk_level = "low";
  auto updated = customers_->Update(row);
  ASSERT_TRUE(updated.has_value()) << updated.error();
  EXPECT_EQ(customers_->Get("c-1")->last_access_at, access);

  provisioning::AuthorizeInput req{"c-1", "", "h100", 8, "", std::nullopt};
  auto open = provisioning_->Authorize(req);
  ASSERT_TRUE(open.has_value()) << open.error();
  for (const auto& r : open->reasons) EXPECT_NE(r.rule, "cip.account-closed");
  ASSERT_TRUE(onboarding_->Close("c-1", "officer_a").has_value());
  auto closed = provisioning_->Authorize(req);
  ASSERT_TRUE(closed.has_value());
  EXPECT_EQ(closed->outcome, policy::Action::kDeny);
  bool named = false;
  for (const auto& r : closed->reasons) named |= r.rule == "cip.account-closed";
  EXPECT_TRUE(named);
}

TEST_P(CipWorkflowTest, CertificationsFromTheRecords) {
  Create(UsOrg("c-us"));
  Create(Org("c-sg-ok"));
  Create(Org("c-sg-pending"));
  json de = Org("c-de");
  de["addresses"][0]["country"] = "DE";
  de["beneficial_owners"][0]["nationality"] = "DE";
  Create(de);
  json reseller = Org("r-sg");
  reseller["is_reseller"] = true;
  Create(reseller);
  ASSERT_TRUE(registry_
                  ->Register(R"({"customer_id": "r-sg", "cip": "own", "contract_flow_down": true,
                                 "reports_pass_through": true})",
                             "officer_a")
                  .has_value());
  ASSERT_TRUE(Verify("c-sg-ok", kVerified).has_value());
  ASSERT_TRUE(Verify("c-de", {{"outcome", "failed"},
                              {"method", "documentary"},
                              {"evidence", {"doc://1"}},
                              {"resolution", "restrict_and_monitor"}})
                  .has_value());
  CertificationRequest req{"initial", clock_.Now(), std::nullopt};
  auto text = BuildCertification(req, *customers_, *reseller_store_, *onboarding_, "Acme Cloud");
  ASSERT_TRUE(text.has_value()) << text.error();
  json r = json::parse(*text);
  EXPECT_EQ(r["type"], "initial");
  EXPECT_EQ(r["customers"]["total"], 5);
  EXPECT_EQ(r["customers"]["us"], 1);
  EXPECT_EQ(r["customers"]["by_country"]["SG"], 3);
  EXPECT_EQ(r["customers"]["by_country"]["DE"], 1);
  EXPECT_EQ(r["foreign_beneficial_owners"]["by_country"]["SG"], 3);
  EXPECT_EQ(r["foreign_beneficial_owners"]["by_country"]["DE"], 1);
  EXPECT_EQ(r["foreign_resellers"]["total"], 1);
  EXPECT_EQ(r["foreign_resellers"]["resellers"][0]["cip"], "own");
  std::string unverified;
  for (const auto& a : r["unverified_foreign_accounts"]["accounts"]) {
    unverified += a["id"].get<std::string>() + ":" + a["verification"].get<std::string>() + " ";
  }
  EXPECT_EQ(unverified, "c-de:failed c-sg-pending:pending r-sg:pending ");
  EXPECT_EQ(r["failed_verification_resolutions"]["by_resolution"]["restrict_and_monitor"], 1);
  // As of a date before anyone was verified, the states are those of that date.
  clock_.Advance(std::chrono::days(1));
  Create(Org("c-later"));
  auto before = BuildCertification({"annual", clock_.Now() - std::chrono::hours(1), std::nullopt},
                                   *customers_, *reseller_store_, *onboarding_, "Acme Cloud");
  EXPECT_EQ(json::parse(*before)["customers"]["total"], 5);
  std::string html = CertificationHtml(*text);
  EXPECT_NE(html.find("<h1>CIP certification (initial)"), std::string::npos);
  EXPECT_NE(html.find("<td>c-de</td>"), std::string::npos);
  EXPECT_EQ(BuildCertification({"out_of_cycle", clock_.Now(), std::nullopt}, *customers_,
                               *reseller_store_, *onboarding_, "x")
                .error()
                .field(),
            "from");
}

// A party screener over an index holder that raises one alert per hit (the service's is
// server::ServicePartyScreener, with dispositions and audit).
class HolderScreener final : public PartyScreener {
 public:
  HolderScreener(const screening::IndexHolder& h, cases::CaseManager& cases)
      : holder_(h), cases_(cases) {}
  Result<ScreeningOutcome> Screen(const std::vector<screening::ScreeningQuery>& qs) override {
    ScreeningOutcome o;
    o.queries = qs;
    o.lists_hash = holder_.Get()->snapshot().hash();
    json results = json::array();
    for (const auto& q : qs) {
      json hits = json::array();
      for (const auto& h : screening::Screen(*holder_.Get(), q)) {
        const auto& e = holder_.Get()->snapshot().entities()[h.entity];
        hits.push_back({{"list", e.list}, {"entity_id", e.id}});
        ++o.hits;
      }
      results.push_back(hits);
    }
    o.results_json = results.dump();
    o.status = o.hits ? "pending" : "clear";
    return o;
  }
  Status Record(ScreeningOutcome& o, const std::string& actor) override {
    json results = json::parse(o.results_json);
    for (size_t i = 0; i < o.queries.size(); ++i) {
      for (const auto& h : results[i]) {
        cases::NewAlert a;
        a.source = "screening";
        a.kind = "screening.hit";
        a.severity = "high";
        a.subject = o.queries[i].subject_id;
        a.title = "hit";
        a.details_json = h.dump();
        a.dedup_key = o.queries[i].subject_id + "|" + h["entity_id"].get<std::string>();
        KY_ASSIGN_OR_RETURN(auto r, cases_.RaiseAlert(a, actor));
        if (r.outcome == "raised") o.alert_ids.push_back(r.alert.id);
      }
    }
    return OkStatus();
  }

 private:
  const screening::IndexHolder& holder_;
  cases::CaseManager& cases_;
};

lists::ListEntity Entity(std::string id, std::string name, lists::Schema schema) {
  lists::ListEntity e;
  e.list = "test";
  e.id = std::move(id);
  e.schema = schema;
  e.names = {{std::move(name), lists::NameKind::kPrimary}};
  return e;
}

// R27: when the lists change, exactly the customers near an added or modified entity are screened
// again, and the new hit raises an alert; a change that touches nobody refreshes nobody.
TEST_P(CipWorkflowTest, ListChangesRescreenOnlyWhoCanChange) {
  auto snapshot = [](std::vector<lists::ListEntity> es) {
    return std::make_shared<lists::ListSnapshot>(std::vector<lists::ListInfo>{{.id = "test"}},
                                                 std::move(es));
  };
  auto before = snapshot({Entity("1", "Ortwin Pallas", lists::Schema::kPerson)});
  screening::IndexHolder holder;
  holder.Set(screening::ScreeningIndex::Build(before));
  HolderScreener screener(holder, *cases_);
  onboarding_->SetScreener(&screener);
  Create(Org("c-zeph"));  // Zephyrine Compute Pte Ltd, owner Quillon Varga
  json other = Org("c-other");
  other["names"][0]["full"] = "Brightwater Analytics GmbH";
  other["beneficial_owners"][0]["names"][0]["full"] = "Ilse Korr";
  Create(other);
  ASSERT_EQ(customers_->Get("c-zeph")->decision, "verify");

  // Nobody is near the new entity: nothing refreshed.
  auto unrelated = snapshot({Entity("1", "Ortwin Pallas", lists::Schema::kPerson),
                             Entity("2", "Marisol Echeverria", lists::Schema::kPerson)});
  auto none = RescreenCustomers(*customers_, *onboarding_, *before, *unrelated, "system");
  ASSERT_TRUE(none.has_value()) << none.error();
  EXPECT_EQ(none->changed_entities, 1u);
  EXPECT_EQ(none->customers_scanned, 2u);
  EXPECT_TRUE(none->refreshed.empty());

  // The owner is listed: that customer alone is screened again, with an alert, and reviewed.
  auto after = snapshot({Entity("1", "Ortwin Pallas", lists::Schema::kPerson),
                         Entity("3", "Quillon Varga", lists::Schema::kPerson)});
  holder.Set(screening::ScreeningIndex::Build(after));
  Rescreener rescreener(*customers_, *onboarding_, nullptr);
  rescreener.ListsChanged(screening::ScreeningIndex::Build(before), holder.Get());
  rescreener.Wait();
  auto report = rescreener.last();
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->refreshed, std::vector<std::string>{"c-zeph"});
  EXPECT_EQ(report->new_alerts, 1u);
  EXPECT_TRUE(report->errors.empty());
  EXPECT_EQ(customers_->Get("c-zeph")->decision, "review");
  EXPECT_EQ(customers_->Get("c-other")->decision, "verify");
  // Again: the hit is known, no second alert.
  auto again = RescreenCustomers(*customers_, *onboarding_, *before, *after, "system");
  EXPECT_EQ(again->refreshed.size(), 1u);
  EXPECT_EQ(again->new_alerts, 0u);
}

// R27 across restarts: the database records the lists its customers were last re-screened
// against; a reload here is re-screened as a diff, lists that changed while no process held the
// old ones are re-screened in full, and the record moves once a job has seen everyone.
TEST_P(CipWorkflowTest, RescreeningFollowsTheRecordedLists) {
  using Action = RescreenSchedule::Action;
  auto snapshot = [](std::vector<lists::ListEntity> es) {
    return std::make_shared<lists::ListSnapshot>(std::vector<lists::ListInfo>{{.id = "test"}},
                                                 std::move(es));
  };
  auto a = screening::ScreeningIndex::Build(
      snapshot({Entity("1", "Ortwin Pallas", lists::Schema::kPerson)}));
  screening::IndexHolder holder;
  holder.Set(a);
  HolderScreener screener(holder, *cases_);
  onboarding_->SetScreener(&screener);
  Create(Org("c-zeph"));  // owner Quillon Varga
  json other = Org("c-other");
  other["names"][0]["full"] = "Brightwater Analytics GmbH";
  other["beneficial_owners"][0]["names"][0]["full"] = "Ilse Korr";
  Create(other);
  storage::SqlSettingsStore settings(*db_->db);
  auto recorded = [&] { return settings.Get(RescreenSchedule::kSetting).value().value_or(""); };
  Rescreener rescreener(*customers_, *onboarding_, nullptr);
  auto schedule = std::make_unique<RescreenSchedule>(settings, rescreener);
  const Timestamp now = clock_.Now();

  EXPECT_EQ(schedule->Tick(nullptr, true, now).value(), Action::kNone);
  EXPECT_EQ(schedule->Tick(a, false, now).value(), Action::kFollowing);  // only the leader starts
  EXPECT_EQ(recorded(), "");
  EXPECT_EQ(schedule->Tick(a, true, now).value(), Action::kBaseline);
  EXPECT_EQ(recorded(), a->snapshot().hash());
  EXPECT_EQ(schedule->Tick(a, true, now).value(), Action::kUpToDate);

  // A reload here: the owner is listed; a diff re-screens c-zeph alone.
  auto b = screening::ScreeningIndex::Build(
      snapshot({Entity("1", "Ortwin Pallas", lists::Schema::kPerson),
                Entity("3", "Quillon Varga", lists::Schema::kPerson)}));
  holder.Set(b);
  schedule->Loaded(a);
  EXPECT_EQ(schedule->Tick(b, false, now).value(), Action::kFollowing);
  EXPECT_EQ(schedule->Tick(b, true, now).value(), Action::kStartedDiff);
  rescreener.Wait();
  ASSERT_TRUE(rescreener.last().has_value());
  EXPECT_EQ(rescreener.last()->before_hash, a->snapshot().hash());
  EXPECT_EQ(rescreener.last()->changed_entities, 1u);
  EXPECT_EQ(rescreener.last()->refreshed, std::vector<std::string>{"c-zeph"});
  EXPECT_EQ(customers_->Get("c-zeph")->decision, "review");
  EXPECT_EQ(recorded(), b->snapshot().hash());
  EXPECT_EQ(schedule->Tick(b, true, now).value(), Action::kUpToDate);

  // The lists changed while the service was down: a new process has no old lists to diff
  // against, so every entity counts, and the company listed meanwhile is reviewed.
  schedule = std::make_unique<RescreenSchedule>(settings, rescreener);
  auto c = screening::ScreeningIndex::Build(
      snapshot({Entity("1", "Ortwin Pallas", lists::Schema::kPerson),
                Entity("3", "Quillon Varga", lists::Schema::kPerson),
                Entity("4", "Brightwater Analytics GmbH", lists::Schema::kOrganization)}));
  holder.Set(c);
  EXPECT_EQ(schedule->Tick(c, true, now).value(), Action::kStartedFull);
  rescreener.Wait();
  ASSERT_TRUE(rescreener.last().has_value());
  EXPECT_EQ(rescreener.last()->before_hash, "");
  EXPECT_EQ(rescreener.last()->changed_entities, 3u);
  EXPECT_EQ(rescreener.last()->refreshed, (std::vector<std::string>{"c-other", "c-zeph"}));
  EXPECT_EQ(rescreener.last()->new_alerts, 1u);  // c-zeph's hit is known already
  EXPECT_EQ(customers_->Get("c-other")->decision, "review");
  EXPECT_EQ(recorded(), c->snapshot().hash());
  EXPECT_EQ(schedule->Tick(c, true, now).value(), Action::kUpToDate);

  // The record moved by another leader is followed from where it is; while that job is pending
  // nothing else starts.
  ASSERT_TRUE(
      settings.Replace(RescreenSchedule::kSetting, c->snapshot().hash(), "elsewhere").value());
  rescreener.Stop();  // jobs queue but never run: the schedule sees one pending
  EXPECT_EQ(schedule->Tick(c, true, now).value(), Action::kStartedFull);
  EXPECT_EQ(schedule->Tick(c, true, now).value(), Action::kRunning);
}

INSTANTIATE_TEST_SUITE_P(Backends, CipWorkflowTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kycloud::cip
