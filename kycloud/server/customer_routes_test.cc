// CIP records over the API: 201 with the decision, idempotent replays, 422 naming field and rule,
// 409 for a duplicate, PATCH re-decides, reads are audited, lists carry no personal data.
#include "kycloud/server/customer_routes.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "kycloud/server/api_error.h"
#include "kycloud/server/cip_routes.h"
#include "kycloud/server/party_screening.h"
#include "kycloud/storage/memory_audit_store.h"
#include "kycloud/storage/memory_disposition_store.h"
#include "kycloud/storage/sql_case_store.h"
#include "kycloud/storage/sql_cip_request_store.h"
#include "kycloud/storage/sql_customer_store.h"
#include "kycloud/storage/sql_policy_store.h"
#include "kycloud/storage/sql_reseller_store.h"
#include "kycloud/storage/testing/test_database.h"

namespace kycloud::server {
namespace {

using nlohmann::json;

const char* kRecord = R"({
  "id": "c-1", "kind": "organisation",
  "names": [{"full": "Zephyrine Compute Pte Ltd"}],
  "addresses": [{"lines": ["8 Marina View"], "country": "SG"}],
  "country_of_incorporation": "SG", "ultimate_parent_country": "CN",
  "emails": ["ops@zephyrine.example"], "phones": ["+65 6123 4567"],
  "beneficial_owners": [{"id": "bo-1", "kind": "person", "names": [{"full": "Quillon Varga"}],
                         "nationality": "SG", "share": 0.6}],
  "payment_instruments": [{"type": "card", "issuing_country": "SG", "fingerprint": "fp_1"}]
})";

class CustomerRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = storage::testing::MakeTestDatabase("sqlite");
    ASSERT_TRUE(t.has_value()) << t.error();
    db_ = std::move(*t);
    customers_ = std::make_unique<storage::SqlCustomerStore>(*db_->db);
    policies_ = std::make_unique<storage::SqlPolicyStore>(*db_->db);
    case_store_ = std::make_unique<storage::SqlCaseStore>(*db_->db);
    cases_ = std::make_unique<cases::CaseManager>(*case_store_, clock_, nullptr, nullptr);
    provisioning_ = std::make_unique<provisioning::ProvisioningService>(
        *policies_, cases_.get(), clock_, compute::Estimator::Bundled());
    ASSERT_TRUE(provisioning_->Load().ok());
    cipher_ = std::make_unique<storage::PiiCipher>(
        storage::PiiCipher::FromHexKeys(storage::PiiCipher::GenerateHexKey()).value());
    onboarding_ = std::make_unique<cip::Onboarding>(*customers_, *cipher_, *provisioning_,
                                                    cases_.get(), clock_);
    audit_ = std::make_unique<audit::AuditLog>(audit_store_, clock_, nullptr);
    std::vector<lists::ListEntity> es(1);
    es[0].list = "test";
    es[0].id = "9001";
    es[0].schema = lists::Schema::kPerson;
    es[0].names = {{"QUILLON VARGA", lists::NameKind::kPrimary}};
    holder_.Set(screening::ScreeningIndex::Build(
        std::make_shared<lists::ListSnapshot>(std::vector<lists::ListInfo>{{.id = "test"}}, es)));
    screener_ =
        std::make_unique<ServicePartyScreener>(holder_, dispositions_, cases_.get(), audit_.get());
    AddCustomerRoutes(router_, *onboarding_, *customers_, audit_.get());
    access_ = std::make_unique<cip::AccessLog>(*customers_, *cipher_, nullptr, *onboarding_);
    AddAccessEventRoutes(router_, *access_, *customers_, *cipher_, audit_.get());
    resellers_ = std::make_unique<storage::SqlResellerStore>(*db_->db);
    registry_ =
        std::make_unique<cip::ResellerRegistry>(*resellers_, *onboarding_, cases_.get(), clock_);
    requests_store_ = std::make_unique<storage::SqlCipRequestStore>(*db_->db);
    requests_ = std::make_unique<cip::CipRequests>(*requests_store_, *resellers_, *provisioning_,
                                                   audit_.get(), clock_, "Acme Cloud");
    AddCipRoutes(router_,
                 {.onboarding = *onboarding_,
                  .resellers = *registry_,
                  .requests = *requests_,
                  .customers = *customers_,
                  .reseller_store = *resellers_,
                  .cipher = *cipher_,
                  .clock = clock_,
                  .audit = audit_.get(),
                  .provider = "Acme Cloud",
                  .purged = [this](const std::vector<std::string>& ids, const std::string&) {
                    purged_.insert(purged_.end(), ids.begin(), ids.end());
                  }});
  }
  std::pair<int, json> Call(Method m, std::string path, std::string body = "",
                            std::string idempotency_key = "") {
    HttpRequest req;
    req.method = m;
    if (size_t q = path.find('?'); q != std::string::npos) {
      const std::string kv = path.substr(q + 1);
      req.query.emplace(kv.substr(0, kv.find('=')), kv.substr(kv.find('=') + 1));
      path.resize(q);
    }
    auto match = router_.Find(m, path);
    EXPECT_NE(match.route, nullptr) << path;
    if (!match.route) return {0, json()};
    req.path = path;
    req.path_params = match.params;
    req.body = std::move(body);
    req.headers.emplace("content-type", "application/json");
    if (!idempotency_key.empty()) req.headers.emplace("idempotency-key", idempotency_key);
    RequestContext ctx;
    ctx.principal = Principal{"kyc_officer", "officer", "officer"};
    auto r = match.route->handler(req, ctx);
    HttpResponse resp = r.has_value() ? *r : ErrorResponse(r.error(), "");
    last_content_type_ = resp.content_type;
    json j = json::parse(resp.body, nullptr, false);
    if (j.is_discarded()) j = resp.body;
    return {resp.status, j};
  }

  FakeClock clock_{Timestamp(std::chrono::sys_days(std::chrono::year(2026) / 12 / 1))};
  std::unique_ptr<storage::testing::TestDatabase> db_;
  std::unique_ptr<storage::SqlCustomerStore> customers_;
  std::unique_ptr<storage::SqlPolicyStore> policies_;
  std::unique_ptr<storage::SqlCaseStore> case_store_;
  std::unique_ptr<cases::CaseManager> cases_;
  std::unique_ptr<provisioning::ProvisioningService> provisioning_;
  std::unique_ptr<storage::PiiCipher> cipher_;
  std::unique_ptr<cip::Onboarding> onboarding_;
  storage::MemoryAuditStore audit_store_;
  std::unique_ptr<audit::AuditLog> audit_;
  screening::IndexHolder holder_;
  storage::MemoryDispositionStore dispositions_;
  std::unique_ptr<ServicePartyScreener> screener_;
  std::unique_ptr<cip::AccessLog> access_;
  std::unique_ptr<storage::SqlResellerStore> resellers_;
  std::unique_ptr<cip::ResellerRegistry> registry_;
  std::unique_ptr<storage::SqlCipRequestStore> requests_store_;
  std::unique_ptr<cip::CipRequests> requests_;
  Router router_;
  std::string last_content_type_;
  std::vector<std::string> purged_;  // what the purge route told the service it deleted
};

TEST_F(CustomerRoutesTest, CreateReadPatchList) {
  auto [st, c] = Call(Method::kPost, "/v1/customers", kRecord, "idem-1");
  ASSERT_EQ(st, 201) << c.dump();
  EXPECT_EQ(c["decision"], "review");
  EXPECT_EQ(c["reasons"][0]["rule"], "ear.headquarters");
  EXPECT_EQ(c["verification"], "pending");
  EXPECT_EQ(c["record"]["phones"][0], "+6561234567");
  EXPECT_FALSE(c["alert_id"].is_null());
  auto [st2, replay] = Call(Method::kPost, "/v1/customers", kRecord, "idem-1");
  EXPECT_EQ(st2, 200);
  EXPECT_EQ(replay["id"], "c-1");
  EXPECT_EQ(Call(Method::kPost, "/v1/customers", kRecord).first, 409);

  const std::int64_t audited = audit_store_.Size().value();
  auto [st3, got] = Call(Method::kGet, "/v1/customers/c-1");
  ASSERT_EQ(st3, 200);
  EXPECT_EQ(got["record"]["names"][0]["full"], "Zephyrine Compute Pte Ltd");
  EXPECT_EQ(audit_store_.Size().value(), audited + 1);  // the read is in the audit log

  auto [st4, patched] =
      Call(Method::kPatch, "/v1/customers/c-1", R"({"ultimate_parent_country": "SG"})");
  ASSERT_EQ(st4, 200) << patched.dump();
  EXPECT_EQ(patched["decision"], "verify");
  EXPECT_EQ(patched["revision"], 3);

  auto [st5, list] = Call(Method::kGet, "/v1/customers?country=SG");
  ASSERT_EQ(st5, 200);
  ASSERT_EQ(list["customers"].size(), 1u);
  EXPECT_FALSE(list["customers"][0].contains("record"));  // no personal data in lists
  EXPECT_EQ(Call(Method::kGet, "/v1/customers/nobody").first, 404);
}

TEST_F(CustomerRoutesTest, RejectionsNameFieldAndRule) {
  json bad = json::parse(kRecord);
  bad["emails"] = json::array({"not-an-email"});
  auto [st, e] = Call(Method::kPost, "/v1/customers", bad.dump());
  EXPECT_EQ(st, 422);
  EXPECT_EQ(e["error"]["field"], "/emails/0");
  EXPECT_EQ(e["error"]["code"], "cip.email");
  bad = json::parse(kRecord);
  bad["beneficial_owners"][0]["share"] = 1.2;
  auto [st2, e2] = Call(Method::kPost, "/v1/customers", bad.dump());
  EXPECT_EQ(st2, 422);
  EXPECT_EQ(e2["error"]["code"], "cip.owner_shares");
  EXPECT_EQ(Call(Method::kPost, "/v1/customers", "{").first, 400);
  EXPECT_EQ(Call(Method::kGet, "/v1/customers?limit=-1").first, 422);
  EXPECT_EQ(Call(Method::kGet, "/v1/customers").second["customers"].size(), 0u);  // nothing
}

TEST_F(CustomerRoutesTest, AccessEventsInAndAuditedOut) {
  ASSERT_EQ(Call(Method::kPost, "/v1/customers", kRecord).first, 201);
  auto [st, r] = Call(Method::kPost, "/v1/customers/c-1/access-events",
                      R"({"events": [{"ip": "203.0.113.7", "at": "2026-12-01T10:00:00Z",
                                      "action": "login"},
                                     {"ip": "203.0.113", "at": "2026-12-01T10:00:00Z",
                                      "action": "login"}]})");
  ASSERT_EQ(st, 200) << r.dump();
  EXPECT_EQ(r["accepted"], 1);
  EXPECT_EQ(r["errors"][0]["field"], "/events/1/ip");
  const std::int64_t audited = audit_store_.Size().value();
  auto [st2, events] = Call(Method::kGet, "/v1/customers/c-1/access-events?limit=5");
  ASSERT_EQ(st2, 200);
  EXPECT_EQ(events["events"][0]["ip"], "203.0.113.7");
  EXPECT_EQ(audit_store_.Size().value(), audited + 1);
  EXPECT_EQ(Call(Method::kPost, "/v1/customers/nobody/access-events",
                 R"({"events": [{"ip": "203.0.113.7", "at": "2026-12-01T10:00:00Z",
                                 "action": "login"}]})")
                .first,
            404);
}

// R27: the customer, its owners and its payers are screened; a hit goes to review.
TEST_F(CustomerRoutesTest, OwnersAreScreenedAndHitsGoToReview) {
  onboarding_->SetScreener(screener_.get());
  json clean = json::parse(kRecord);
  clean["id"] = "c-clean";
  clean.erase("ultimate_parent_country");
  clean["beneficial_owners"][0]["names"][0]["full"] = "Ilse Korr";
  auto [st, ok] = Call(Method::kPost, "/v1/customers", clean.dump());
  ASSERT_EQ(st, 201) << ok.dump();
  EXPECT_EQ(ok["screening"]["status"], "clear");
  EXPECT_EQ(ok["decision"], "verify");
  // The owner "Quillon Varga" is on the test list: an alert for the owner, the customer reviewed.
  json listed = json::parse(kRecord);
  listed["id"] = "c-hit";
  listed.erase("ultimate_parent_country");
  auto [st2, hit] = Call(Method::kPost, "/v1/customers", listed.dump());
  ASSERT_EQ(st2, 201) << hit.dump();
  EXPECT_EQ(hit["screening"]["status"], "pending");
  EXPECT_EQ(hit["screening"]["hits"], 1);
  ASSERT_EQ(hit["screening"]["alerts"].size(), 1u);
  EXPECT_EQ(hit["decision"], "review");
  EXPECT_EQ(hit["reasons"][0]["rule"], "sanctions.pending-hit");
  auto alert = case_store_->GetAlert(hit["screening"]["alerts"][0].get<std::string>());
  ASSERT_TRUE(alert.has_value() && alert->has_value());
  EXPECT_EQ((*alert)->subject, "c-hit/owners/bo-1");
  // A payer who is not the customer is screened too (R27).
  json payer = clean;
  payer["id"] = "c-payer";
  payer["payment_instruments"][0]["holder_name"] = "Quillon Varga";
  payer["payment_instruments"][0]["institution"] = "Harbour Savings Bank";
  auto [st3, paid] = Call(Method::kPost, "/v1/customers", payer.dump());
  ASSERT_EQ(st3, 201) << paid.dump();
  EXPECT_EQ(paid["screening"]["hits"], 1);
  EXPECT_EQ(paid["record"]["payment_instruments"][0]["holder_name"], "Quillon Varga");
  auto payer_alert = case_store_->GetAlert(paid["screening"]["alerts"][0].get<std::string>());
  ASSERT_TRUE(payer_alert.has_value() && payer_alert->has_value());
  EXPECT_EQ((*payer_alert)->subject, "c-payer/payers/0");
  // Lists not loaded: 503, nothing stored.
  screening::IndexHolder empty;
  ServicePartyScreener loading(empty, dispositions_, cases_.get(), audit_.get());
  onboarding_->SetScreener(&loading);
  json later = clean;
  later["id"] = "c-later";
  EXPECT_EQ(Call(Method::kPost, "/v1/customers", later.dump()).first, 503);
  EXPECT_EQ(customers_->Get("c-later").error().code(), StatusCode::kNotFound);
}

// The CIP workflow over HTTP: verification resolutions (422 naming field and rule, 409 when
// closed), their audited read, closing and holds, the due list, the purge, certifications as JSON
// and HTML, and the reseller registry.
TEST_F(CustomerRoutesTest, VerificationRetentionCertificationAndResellers) {
  json rec = json::parse(kRecord);
  rec["ultimate_parent_country"] = "SG";
  ASSERT_EQ(Call(Method::kPost, "/v1/customers", rec.dump()).first, 201);
  auto [bad, e] = Call(Method::kPost, "/v1/customers/c-1/verifications",
                       R"({"outcome": "verified", "method": "documentary"})");
  EXPECT_EQ(bad, 422);
  EXPECT_EQ(e["error"]["field"], "/evidence") << e.dump();
  EXPECT_EQ(e["error"]["code"], "cip.evidence_required") << e.dump();
  auto [ok, v] = Call(Method::kPost, "/v1/customers/c-1/verifications",
                      R"({"outcome": "verified", "method": "documentary",
                          "evidence": ["idv://check/1"]})");
  ASSERT_EQ(ok, 200) << v.dump();
  EXPECT_EQ(v["verification"], "verified");
  EXPECT_EQ(v["decision"], "approve");
  EXPECT_EQ(v["risk"]["level"], "medium");
  EXPECT_FALSE(v["reverify_due"].is_null());
  const std::int64_t audited = audit_store_.Size().value();
  auto [got, list] = Call(Method::kGet, "/v1/customers/c-1/verifications");
  ASSERT_EQ(got, 200);
  EXPECT_EQ(list["verifications"][0]["evidence"][0], "idv://check/1");
  EXPECT_EQ(audit_store_.Size().value(), audited + 1);  // pii.read
  auto [due_st, due] = Call(Method::kGet, "/v1/cip/due?as_of=2027-12-31");
  ASSERT_EQ(due_st, 200) << due.dump();
  EXPECT_EQ(due["reverification"][0]["id"], "c-1");
  EXPECT_EQ(Call(Method::kGet, "/v1/cip/due?as_of=yesterday").first, 422);

  auto [cert_st, cert] = Call(Method::kGet, "/v1/reports/cip-certification?kind=initial");
  ASSERT_EQ(cert_st, 200) << cert.dump();
  EXPECT_EQ(cert["customers"]["by_country"]["SG"], 1);
  EXPECT_EQ(cert["provider"], "Acme Cloud");
  auto [html_st, html] = Call(Method::kGet, "/v1/reports/cip-certification?format=html");
  EXPECT_EQ(html_st, 200);
  EXPECT_EQ(last_content_type_, "text/html; charset=utf-8");
  EXPECT_NE(html.get<std::string>().find("<table>"), std::string::npos);
  EXPECT_EQ(Call(Method::kGet, "/v1/reports/cip-certification?kind=weekly").first, 422);

  EXPECT_EQ(Call(Method::kPut, "/v1/customers/c-1/retention-hold", R"({"hold": true})").first, 422);
  auto [hold_st, held] = Call(Method::kPut, "/v1/customers/c-1/retention-hold",
                              R"({"hold": true, "reason": "litigation 2026-17"})");
  EXPECT_EQ(hold_st, 200);
  EXPECT_TRUE(held["legal_hold"]);
  auto [close_st, closed] = Call(Method::kPost, "/v1/customers/c-1/close");
  EXPECT_EQ(close_st, 200);
  EXPECT_EQ(closed["status"], "closed");
  EXPECT_EQ(Call(Method::kPost, "/v1/customers/c-1/close").first, 409);
  EXPECT_EQ(
      Call(Method::kPost, "/v1/customers/c-1/verifications", R"({"outcome": "reopened"})").first,
      409);
  auto [purge_st, purge] = Call(Method::kPost, "/v1/cip/purge", R"({"dry_run": true})");
  EXPECT_EQ(purge_st, 200) << purge.dump();
  EXPECT_TRUE(purge["would_purge"].empty());  // closed today: kept two years
  EXPECT_EQ(Call(Method::kPost, "/v1/cip/purge", R"({"as_of": "2030-01-01"})").first, 422);
  auto [typo_st, typo] = Call(Method::kPost, "/v1/cip/purge", R"({"dryRun": true})");
  EXPECT_EQ(typo_st, 422);  // a misspelt dry run never purges
  EXPECT_EQ(typo["error"]["field"], "/dryRun");

  json r = json::parse(kRecord);
  r["id"] = "r-1";
  r["is_reseller"] = true;
  ASSERT_EQ(Call(Method::kPost, "/v1/customers", r.dump()).first, 201);
  EXPECT_EQ(Call(Method::kPost, "/v1/resellers", R"({"customer_id": "c-1"})").first, 422);
  auto [reg_st, reg] = Call(Method::kPost, "/v1/resellers",
                            R"({"customer_id": "r-1", "cip": "adopted",
                                "contract_flow_down": true, "reports_pass_through": true})");
  ASSERT_EQ(reg_st, 201) << reg.dump();
  EXPECT_EQ(reg["compliance_status"], "compliant");
  EXPECT_EQ(Call(Method::kPost, "/v1/resellers", R"({"customer_id": "r-1"})").first, 409);
  auto [nc_st, nc] =
      Call(Method::kPatch, "/v1/resellers/r-1", R"({"compliance_status": "non_compliant"})");
  EXPECT_EQ(nc_st, 200);
  EXPECT_EQ(nc["days_left"], 30);
  EXPECT_TRUE(nc.contains("alert_id"));
  auto [list_st, listed] = Call(Method::kGet, "/v1/resellers?status=non_compliant");
  EXPECT_EQ(listed["resellers"].size(), 1u);
  EXPECT_EQ(Call(Method::kGet, "/v1/resellers/nobody").first, 404);
  auto [due2_st, due2] = Call(Method::kGet, "/v1/cip/due");
  EXPECT_EQ(due2["reseller_terminations"][0]["customer_id"], "r-1");

  // R17: a request for the CIPs, its clock on the due list, the package produced.
  auto [no_requester_st, no_requester] =
      Call(Method::kPost, "/v1/cip/requests", R"({"resellers": ["r-1"]})");
  EXPECT_EQ(no_requester_st, 422);
  EXPECT_EQ(no_requester["error"]["field"], "/requester");
  auto [req_st, req] =
      Call(Method::kPost, "/v1/cip/requests", R"({"requester": "BIS", "resellers": ["r-1"]})");
  ASSERT_EQ(req_st, 201) << req.dump();
  EXPECT_EQ(req["days_left"], 10);
  const std::string rid = req["id"];
  auto [due3_st, due3] = Call(Method::kGet, "/v1/cip/due");
  ASSERT_EQ(due3["cip_requests"].size(), 1u);
  EXPECT_EQ(due3["cip_requests"][0]["id"], rid);
  EXPECT_EQ(Call(Method::kGet, "/v1/cip/requests?status=open").second["requests"].size(), 1u);
  EXPECT_EQ(Call(Method::kGet, "/v1/cip/requests?status=bogus").first, 422);
  EXPECT_EQ(Call(Method::kGet, "/v1/resellers?status=bogus").first, 422);
  auto [pkg_st, pkg] = Call(Method::kPost, "/v1/cip/requests/" + rid + "/produce");
  ASSERT_EQ(pkg_st, 200) << pkg.dump();
  EXPECT_EQ(pkg["kind"], "cip_production");
  EXPECT_EQ(pkg["resellers"][0]["cip"], "adopted");
  EXPECT_EQ(Call(Method::kGet, "/v1/cip/requests/" + rid).second["status"], "produced");
  EXPECT_EQ(
      Call(Method::kPost, "/v1/cip/requests/" + rid + "/withdraw", R"({"reason": "x"})").first,
      409);
  EXPECT_EQ(Call(Method::kGet, "/v1/cip/requests/nope").first, 404);

  // Past retention and released from its hold, c-1 is purged, and the service is told so (it
  // takes the customer out of account linking); a dry run tells nothing.
  EXPECT_EQ(Call(Method::kPut, "/v1/customers/c-1/retention-hold",
                 R"({"hold": false, "reason": "litigation closed"})")
                .first,
            200);
  clock_.Advance(std::chrono::days(3 * 366));
  auto [dry_st, dry] = Call(Method::kPost, "/v1/cip/purge", R"({"dry_run": true})");
  ASSERT_EQ(dry_st, 200) << dry.dump();
  EXPECT_TRUE(purged_.empty());
  auto [purged_st, purged] = Call(Method::kPost, "/v1/cip/purge");
  ASSERT_EQ(purged_st, 200) << purged.dump();
  EXPECT_EQ(purged_, std::vector<std::string>{"c-1"});
  EXPECT_EQ(Call(Method::kGet, "/v1/customers/c-1").first, 404);
}

}  // namespace
}  // namespace kycloud::server
