// Usage and compute over the API: batches are idempotent and name bad records by JSON pointer
// (or line, for x-ndjson), an account's compute picture has totals, runs and a series, flags
// turn on the bio tiers.
#include "kycloud/server/compute_routes.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "kycloud/server/api_error.h"
#include "kycloud/storage/sql_case_store.h"
#include "kycloud/storage/sql_usage_store.h"
#include "kycloud/storage/testing/test_database.h"

namespace kycloud::server {
namespace {

using nlohmann::json;

json Record(std::string id, std::string account, std::string start, std::string end) {
  return {{"record_id", id},
          {"account_id", account},
          {"instance_type", "p5.48xlarge"},
          {"start", start},
          {"end", end},
          {"region", "us-east-1"},
          {"cluster", "pg-1"}};
}

class ComputeRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = storage::testing::MakeTestDatabase("sqlite");
    ASSERT_TRUE(t.has_value()) << t.error();
    db_ = std::move(*t);
    usage_ = std::make_unique<storage::SqlUsageStore>(*db_->db);
    cases_store_ = std::make_unique<storage::SqlCaseStore>(*db_->db);
    cases_ = std::make_unique<cases::CaseManager>(*cases_store_, clock_, nullptr, nullptr);
    ledger_ = std::make_unique<metering::UsageLedger>(*usage_, cases_.get(), nullptr,
                                                      compute::Estimator::Bundled(),
                                                      compute::ComputePolicy::Bundled(), clock_);
    AddComputeRoutes(router_, *ledger_);
  }
  HttpResponse Call(Method m, const std::string& path, std::string body,
                    std::string content_type = "application/json") {
    HttpRequest req;
    req.method = m;
    auto match = router_.Find(m, path);
    EXPECT_NE(match.route, nullptr) << path;
    if (!match.route) return {};
    req.path = path;
    req.path_params = match.params;
    req.body = std::move(body);
    req.headers.emplace("content-type", content_type);
    RequestContext ctx;
    ctx.principal = Principal{"ingest-1", "ingest-1", "ingest"};
    auto r = match.route->handler(req, ctx);
    return r.has_value() ? *r : ErrorResponse(r.error(), "");
  }

  std::unique_ptr<storage::testing::TestDatabase> db_;
  std::unique_ptr<storage::SqlUsageStore> usage_;
  std::unique_ptr<storage::SqlCaseStore> cases_store_;
  FakeClock clock_;
  std::unique_ptr<cases::CaseManager> cases_;
  std::unique_ptr<metering::UsageLedger> ledger_;
  Router router_;
};

TEST_F(ComputeRoutesTest, BatchesAreIdempotentAndNameBadRecords) {
  json bad = Record("r2", "acct-1", "2026-03-01T10:00:00Z", "yesterday");
  json unknown = Record("r3", "acct-1", "2026-03-01T10:00:00Z", "2026-03-01T11:00:00Z");
  unknown["instance_type"] = "p99.mega";
  json batch = {
      {"records",
       {Record("r1", "acct-1", "2026-03-01T00:00:00Z", "2026-03-01T10:00:00Z"), bad, unknown,
        Record("r4", "acct-1", "2026-03-01T10:00:00Z", "2026-03-01T12:00:00Z")}}};
  auto r = Call(Method::kPost, "/v1/usage", batch.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  json j = json::parse(r.body);
  EXPECT_EQ(j["received"], 4);
  EXPECT_EQ(j["accepted"], 2);
  ASSERT_EQ(j["errors"].size(), 2u) << r.body;
  EXPECT_EQ(j["errors"][0]["field"], "/records/1/end") << r.body;
  EXPECT_EQ(j["errors"][1]["record_id"], "r3");
  EXPECT_EQ(j["errors"][1]["field"], "instance_type");

  auto again = json::parse(Call(Method::kPost, "/v1/usage", batch.dump()).body);
  EXPECT_EQ(again["accepted"], 0);
  EXPECT_EQ(again["duplicates"], 2);

  // One record per line.
  std::string lines =
      Record("n1", "acct-2", "2026-03-02T00:00:00Z", "2026-03-02T01:00:00Z").dump() +
      "\n{\"record_id\": \"n2\", \"account_id\": 7}\n";
  auto nd = Call(Method::kPost, "/v1/usage", lines, "application/x-ndjson");
  ASSERT_EQ(nd.status, 200) << nd.body;
  json n = json::parse(nd.body);
  EXPECT_EQ(n["accepted"], 1);
  EXPECT_EQ(n["errors"][0]["field"], "line 2: account_id") << nd.body;
}

TEST_F(ComputeRoutesTest, ABatchWithoutAValidRecordIs422) {
  auto none = Call(Method::kPost, "/v1/usage", R"({"records": [{"record_id": "x"}]})");
  EXPECT_EQ(none.status, 422) << none.body;
  EXPECT_NE(none.body.find("/records/0"), std::string::npos) << none.body;
  EXPECT_EQ(Call(Method::kPost, "/v1/usage", R"({"records": []})").status, 422);
  EXPECT_EQ(Call(Method::kPost, "/v1/usage", R"({"records": 3})").status, 422);
  EXPECT_EQ(Call(Method::kPost, "/v1/usage", R"({"rows": []})").status, 422);
  EXPECT_EQ(Call(Method::kPost, "/v1/usage", "{not json").status, 400);
}

TEST_F(ComputeRoutesTest, AccountComputeHasTotalsRunsSeriesAndFlags) {
  json batch = {{"records",
                 {Record("a", "acct-1", "2026-03-01T00:00:00Z", "2026-03-02T00:00:00Z"),
                  Record("b", "acct-1", "2026-03-02T02:00:00Z", "2026-03-03T00:00:00Z")}}};
  for (json& r : batch["records"]) r["instance_count"] = 4;
  ASSERT_EQ(Call(Method::kPost, "/v1/usage", batch.dump()).status, 200);
  auto r = Call(Method::kGet, "/v1/accounts/acct-1/compute", "");
  ASSERT_EQ(r.status, 200) << r.body;
  json j = json::parse(r.body);
  const json& own = j["account_compute"];
  EXPECT_EQ(own["totals"]["records"], 2);
  EXPECT_DOUBLE_EQ(own["totals"]["chip_hours"].get<double>(), 32 * 46.0);
  ASSERT_EQ(own["runs"].size(), 1u);  // a 2-hour gap is within the run gap
  EXPECT_EQ(own["runs"][0]["cluster"]["result"], "not_met");
  EXPECT_EQ(own["series"].size(), 2u);
  EXPECT_EQ(own["windows"].size(), 3u);
  EXPECT_TRUE(j["group"].is_null());
  EXPECT_EQ(j["policy"]["tiers"].size(), 4u);
  EXPECT_EQ(Call(Method::kGet, "/v1/accounts/nobody/compute", "").status, 404);

  auto flag = Call(Method::kPut, "/v1/accounts/acct-1/compute-flags", R"({"bio": true})");
  ASSERT_EQ(flag.status, 200) << flag.body;
  j = json::parse(Call(Method::kGet, "/v1/accounts/acct-1/compute", "").body);
  EXPECT_EQ(j["bio"], true);
  EXPECT_EQ(j["policy"]["tiers"].size(), 8u);
  // 1,472 H100-hours at P95 (3.3e21) are over 1e21: the bio 1% tier is crossed with an alert.
  EXPECT_FALSE(j["account_compute"]["crossings"].empty());
  auto bad = Call(Method::kPut, "/v1/accounts/acct-1/compute-flags", R"({"bio": "yes"})");
  EXPECT_EQ(bad.status, 422);
  EXPECT_NE(bad.body.find("/bio"), std::string::npos);
}

}  // namespace
}  // namespace kycloud::server
