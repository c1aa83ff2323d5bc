// Policy over the API: facts in, decisions out with reasons and the policy version; a malformed
// version is refused with file and line while the last good one keeps serving.
#include "kycloud/server/policy_routes.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "kycloud/policy/policy_data.h"
#include "kycloud/server/api_error.h"
#include "kycloud/storage/sql_case_store.h"
#include "kycloud/storage/sql_policy_store.h"
#include "kycloud/storage/testing/test_database.h"

namespace kycloud::server {
namespace {

using nlohmann::json;

class PolicyRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = storage::testing::MakeTestDatabase("sqlite");
    ASSERT_TRUE(t.has_value()) << t.error();
    db_ = std::move(*t);
    policy_store_ = std::make_unique<storage::SqlPolicyStore>(*db_->db);
    case_store_ = std::make_unique<storage::SqlCaseStore>(*db_->db);
    cases_ = std::make_unique<cases::CaseManager>(*case_store_, clock_, nullptr, nullptr);
    service_ = std::make_unique<provisioning::ProvisioningService>(
        *policy_store_, cases_.get(), clock_, compute::Estimator::Bundled());
    ASSERT_TRUE(service_->Load().ok());
    log_ = std::make_unique<provisioning::DecisionLog>(*policy_store_);
    service_->SetDecisionLog(log_.get());
    AddPolicyRoutes(router_, *service_);
  }
  std::pair<int, json> Call(Method m, std::string path, std::string body = "") {
    HttpRequest req;
    req.method = m;
    if (size_t q = path.find('?'); q != std::string::npos) {  // "?k=v" only
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
    RequestContext ctx;
    ctx.principal = Principal{"kyc_admin", "admin", "admin"};
    auto r = match.route->handler(req, ctx);
    HttpResponse resp = r.has_value() ? *r : ErrorResponse(r.error(), "");
    return {resp.status, json::parse(resp.body, nullptr, false)};
  }

  std::unique_ptr<storage::testing::TestDatabase> db_;
  std::unique_ptr<storage::SqlPolicyStore> policy_store_;
  std::unique_ptr<storage::SqlCaseStore> case_store_;
  FakeClock clock_{Timestamp(std::chrono::sys_days(policy::ParseDate("2026-12-01").value()))};
  std::unique_ptr<cases::CaseManager> cases_;
  std::unique_ptr<provisioning::ProvisioningService> service_;
  std::unique_ptr<provisioning::DecisionLog> log_;
  Router router_;
};

TEST_F(PolicyRoutesTest, FactsStandingAndDecisions) {
  auto [st, standing] = Call(Method::kPut, "/v1/customers/c-1/policy-facts",
                             R"({"id": "c-1", "country": "SG", "headquarters_country": "CN"})");
  ASSERT_EQ(st, 200) << standing.dump();
  EXPECT_EQ(standing["controlled_request"], "deny");
  EXPECT_EQ(standing["any_request"], "allow");
  auto [st2, got] = Call(Method::kGet, "/v1/customers/c-1/standing");
  EXPECT_EQ(st2, 200);
  EXPECT_EQ(got["controlled"][0]["rule"], "ear.headquarters");
  EXPECT_EQ(Call(Method::kGet, "/v1/customers/nobody/standing").first, 404);

  auto [st3, d] = Call(Method::kPost, "/v1/authorize",
                       R"({"customer_id": "c-1", "instance_type": "p5.48xlarge", "count": 2,
                           "region": "us-east-1"})");
  ASSERT_EQ(st3, 200) << d.dump();
  EXPECT_EQ(d["decision"], "deny");
  EXPECT_EQ(d["reasons"][0]["rule"], "ear.headquarters");
  EXPECT_EQ(d["policy_version"], policy::Policy::Bundled().Id());
  EXPECT_EQ(d["controlled"], true);
  auto [st4, d2] = Call(Method::kPost, "/v1/authorize",
                        R"({"customer_id": "c-1", "accelerator": "NVIDIA HGX H20", "count": 8,
                            "region": "us-east-1", "at": "2026-12-01T10:00:00Z"})");
  ASSERT_EQ(st4, 200) << d2.dump();
  EXPECT_EQ(d2["decision"], "allow");
  EXPECT_EQ(d2["classes"][0], "none (numeric test)");

  // Both decisions are recorded with their request, reasons and policy version.
  ASSERT_TRUE(log_->Flush().ok());
  auto [st5, history] = Call(Method::kGet, "/v1/customers/c-1/decisions?limit=10");
  ASSERT_EQ(st5, 200) << history.dump();
  ASSERT_EQ(history["decisions"].size(), 2u);
  EXPECT_EQ(history["decisions"][0]["decision"], "allow");
  EXPECT_EQ(history["decisions"][0]["request"]["accelerator"], "NVIDIA HGX H20");
  EXPECT_EQ(history["decisions"][1]["decision"], "deny");
  EXPECT_EQ(history["decisions"][1]["reasons"][0]["rule"], "ear.headquarters");
  EXPECT_EQ(history["decisions"][1]["policy_version"], policy::Policy::Bundled().Id());
  EXPECT_EQ(Call(Method::kGet, "/v1/customers/c-1/decisions?limit=x").first, 422);
}

TEST_F(PolicyRoutesTest, BadRequestsNameTheField) {
  struct Case {
    Method method;
    std::string path, body, field;
  };
  for (const Case& c : {
           Case{Method::kPost, "/v1/authorize", R"({"instance_type": "p5.48xlarge"})",
                "/customer_id"},
           Case{Method::kPost, "/v1/authorize", R"({"customer_id": "c", "instance_type": "x9"})",
                "/instance_type"},
           Case{Method::kPost, "/v1/authorize",
                R"({"customer_id": "c", "accelerator": "h100", "count": "two"})", "/count"},
           Case{Method::kPost, "/v1/authorize",
                R"({"customer_id": "c", "accelerator": "h100", "at": "tomorrow"})", "/at"},
           Case{Method::kPost, "/v1/authorize", R"({"customer_id": "c", "gpu": "h100"})", "/gpu"},
           Case{Method::kPut, "/v1/customers/c-1/policy-facts", R"({"id": "c-1", "owners": 3})",
                "/owners"},
           Case{Method::kPost, "/v1/policy/versions", R"({"files": []})", "/files"},
           Case{Method::kPost, "/v1/policy/versions", R"({"files": [{"name": "policy.toml"}]})",
                "/files/0/text"},
       }) {
    auto [st, body] = Call(c.method, c.path, c.body);
    EXPECT_EQ(st, 422) << c.body << " -> " << body.dump();
    EXPECT_EQ(body["error"]["field"], c.field) << c.body << " -> " << body.dump();
  }
}

TEST_F(PolicyRoutesTest, PublishingAVersion) {
  json files = json::array();
  for (const auto& f : policy::BundledPolicyFiles()) {
    std::string text = f.text;
    if (f.name == "special-measures.toml") {
      text +=
          "[[measure]]\nid = \"SM-1\"\njurisdiction = \"SG\"\nmeasure = \"prohibit\"\n"
          "effective = 2026-12-01\nsource = \"test\"\n";
    }
    if (f.name == "policy.toml") text.replace(text.find("version = \""), 11, "version = \"t.");
    files.push_back({{"name", f.name}, {"text", text}});
  }
  ASSERT_EQ(
      Call(Method::kPut, "/v1/customers/c-sg/policy-facts", R"({"id": "c-sg", "country": "SG"})")
          .first,
      200);
  auto [st, r] = Call(Method::kPost, "/v1/policy/versions", json{{"files", files}}.dump());
  ASSERT_EQ(st, 201) << r.dump();
  EXPECT_EQ(r["changes"].size(), 1u);
  EXPECT_EQ(r["changes"][0]["customer_id"], "c-sg");
  EXPECT_EQ(r["alerts"].size(), 1u);
  // Again: already published, no change.
  auto [st2, r2] = Call(Method::kPost, "/v1/policy/versions", json{{"files", files}}.dump());
  EXPECT_EQ(st2, 200);
  EXPECT_EQ(r2["published"], false);
  auto [st3, current] = Call(Method::kGet, "/v1/policy");
  EXPECT_EQ(st3, 200);
  EXPECT_EQ(current["policy_version"], r["policy_version"]);
  EXPECT_EQ(current["special_measures"][0]["active"], true);
  // Malformed: 422 with file and line; the version in force does not change.
  for (auto& f : files) {
    if (f["name"] == "policy.toml") f["text"] = f["text"].get<std::string>() + "[[regime]\n";
  }
  auto [st4, bad] = Call(Method::kPost, "/v1/policy/versions", json{{"files", files}}.dump());
  EXPECT_EQ(st4, 422) << bad.dump();
  EXPECT_NE(bad["error"]["message"].get<std::string>().find("policy.toml:"), std::string::npos);
  EXPECT_EQ(Call(Method::kGet, "/v1/policy").second["policy_version"], r["policy_version"]);
}

}  // namespace
}  // namespace kycloud::server
