#include "kycloud/metering/usage_ledger.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "kycloud/storage/sql_case_store.h"
#include "kycloud/storage/sql_usage_store.h"
#include "kycloud/storage/testing/test_database.h"

namespace kycloud::metering {
namespace {

using nlohmann::json;

constexpr std::int64_t kDay0 = 1'767'225'600;  // 2026-01-01T00:00:00Z

compute::UsageRecord Day(std::string id, std::string account, int day, int instances,
                         std::string payer = "payer-shell") {
  compute::UsageRecord r;
  r.record_id = std::move(id);
  r.account_id = std::move(account);
  r.payer_id = std::move(payer);
  r.instance_type = "p5.48xlarge";
  r.instance_count = instances;
  r.start = FromUnixMicros((kDay0 + day * 86400LL) * 1'000'000);
  r.end = FromUnixMicros((kDay0 + (day + 1) * 86400LL) * 1'000'000);
  r.region = "us-east-1";
  r.cluster = "pg-train";
  r.source = "test";
  return r;
}

class UsageLedgerTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto t = storage::testing::MakeTestDatabase(GetParam());
    ASSERT_TRUE(t.has_value()) << t.error();
    db_ = std::move(*t);
    usage_ = std::make_unique<storage::SqlUsageStore>(*db_->db);
    case_store_ = std::make_unique<storage::SqlCaseStore>(*db_->db);
    report_store_ = std::make_unique<storage::SqlReportStore>(*db_->db);
    clock_.Set(FromUnixMicros((kDay0 + 400 * 86400LL) * 1'000'000));
    cases_ = std::make_unique<cases::CaseManager>(*case_store_, clock_, nullptr, nullptr);
    reports_ =
        std::make_unique<cases::ReportManager>(*report_store_, *case_store_, clock_, nullptr);
    ledger_ = std::make_unique<UsageLedger>(*usage_, cases_.get(), reports_.get(),
                                            compute::Estimator::Bundled(),
                                            compute::ComputePolicy::Bundled(), clock_);
  }
  std::vector<storage::AlertRecord> Alerts(const std::string& subject) {
    storage::AlertFilter f;
    f.subject = subject;
    f.limit = 1000;
    auto a = case_store_->ListAlerts(f);
    EXPECT_TRUE(a.has_value()) << a.error();
    return *a;
  }

  std::unique_ptr<storage::testing::TestDatabase> db_;
  std::unique_ptr<storage::SqlUsageStore> usage_;
  std::unique_ptr<storage::SqlCaseStore> case_store_;
  std::unique_ptr<storage::SqlReportStore> report_store_;
  FakeClock clock_;
  std::unique_ptr<cases::CaseManager> cases_;
  std::unique_ptr<cases::ReportManager> reports_;
  std::unique_ptr<UsageLedger> ledger_;
};

// The acceptance test: one training run split day by day over two shell accounts behind one
// payer crosses each tier of the group exactly once (one alert per tier), the reporting tier
// drafts one training-run report, and replaying every record changes nothing.
TEST_P(UsageLedgerTest, SplitRunCrossesEachTierOnceWithOneAlertPerTier) {
  // 2,048 p5.48xlarge (16,384 H100) a day: about 8.8e23 operations a day at P95.
  std::vector<compute::UsageRecord> all;
  std::map<std::string, int> tier_day;
  for (int day = 0; day < 140; ++day) {
    auto r = Day("rec-" + std::to_string(day), day % 2 ? "shell-b" : "shell-a", day, 2048);
    all.push_back(r);
    auto res = ledger_->Apply({r}, "ingest-test");
    ASSERT_TRUE(res.has_value()) << res.error();
    EXPECT_EQ(res->accepted, 1u);
    EXPECT_TRUE(res->errors.empty());
    for (const auto& c : res->crossings) {
      EXPECT_FALSE(c.alert_id.empty());
      EXPECT_TRUE(tier_day.emplace(c.subject + " " + c.tier, day).second) << c.subject << c.tier;
    }
  }
  // The group crossed all four tiers, in order, each on one day.
  for (const char* tier : {"1%", "10%", "50%", "100%"}) {
    EXPECT_TRUE(tier_day.contains(std::string("group:grp-shell-a ") + tier)) << tier;
  }
  EXPECT_LT(tier_day["group:grp-shell-a 1%"], tier_day["group:grp-shell-a 10%"]);
  EXPECT_LT(tier_day["group:grp-shell-a 50%"], tier_day["group:grp-shell-a 100%"]);
  // Each account alone holds half: it reaches 50% but never the reporting tier.
  EXPECT_TRUE(tier_day.contains("account:shell-a 50%"));
  EXPECT_FALSE(tier_day.contains("account:shell-a 100%"));
  EXPECT_FALSE(tier_day.contains("account:shell-b 100%"));

  auto group_alerts = Alerts("grp-shell-a");
  ASSERT_EQ(group_alerts.size(), 4u);
  std::set<std::string> tiers;
  for (const auto& a : group_alerts) {
    EXPECT_EQ(a.source, "compute");
    EXPECT_EQ(a.kind, "compute.tier");
    tiers.insert(json::parse(a.details_json)["tier"]);
  }
  EXPECT_EQ(tiers.size(), 4u);
  EXPECT_EQ(Alerts("shell-a").size(), 3u);

  storage::ReportFilter rf;
  rf.kind = "training_run";
  auto reports = report_store_->List(rf);
  ASSERT_EQ(reports->size(), 1u);
  const auto& report = (*reports)[0];
  EXPECT_EQ(report.subject, "grp-shell-a");
  EXPECT_EQ(report.due_at, clock_.Now() + std::chrono::days(15));
  json content = json::parse(report.content_json);
  EXPECT_EQ(content["customer"]["accounts"], json({"shell-a", "shell-b"}));
  EXPECT_GE(content["threshold"]["measure_ops"].get<double>(), 1e26);
  EXPECT_EQ(content["cluster"]["accelerator"], "NVIDIA H100 SXM5 80GB");
  EXPECT_EQ(content["cluster"]["count"], 16384);

  // A replay of everything (a consumer restarting from old offsets) changes nothing.
  auto replay = ledger_->Apply(all, "ingest-test");
  ASSERT_TRUE(replay.has_value()) << replay.error();
  EXPECT_EQ(replay->accepted, 0u);
  EXPECT_EQ(replay->duplicates, all.size());
  EXPECT_TRUE(replay->crossings.empty());
  EXPECT_EQ(Alerts("grp-shell-a").size(), 4u);
  EXPECT_EQ(report_store_->List(rf)->size(), 1u);
}

TEST_P(UsageLedgerTest, BadRecordsAreNamedAndTheRestStored) {
  auto good = Day("ok-1", "acct", 0, 1);
  auto unknown = Day("bad-1", "acct", 1, 1);
  unknown.instance_type = "p99.hyper";
  auto backwards = Day("bad-2", "acct", 2, 1);
  std::swap(backwards.start, backwards.end);
  auto res = ledger_->Apply({good, unknown, backwards, Day("ok-2", "acct", 3, 1)}, "t");
  ASSERT_TRUE(res.has_value()) << res.error();
  EXPECT_EQ(res->accepted, 2u);
  ASSERT_EQ(res->errors.size(), 2u);
  EXPECT_EQ(res->errors[0].index, 1u);
  EXPECT_EQ(res->errors[0].status.field(), "instance_type");
  EXPECT_EQ(res->errors[1].record_id, "bad-2");
  EXPECT_EQ(*usage_->CountRecords(), 2u);
}

TEST_P(UsageLedgerTest, ComputeGivesTotalsRunsSeriesAndTheGroup) {
  ASSERT_TRUE(ledger_
                  ->Apply({Day("a1", "acct-a", 0, 2, "p"), Day("a2", "acct-a", 1, 2, "p"),
                           Day("b1", "acct-b", 5, 4, "p")},
                          "t")
                  .has_value());
  auto c = ledger_->Compute("acct-a");
  ASSERT_TRUE(c.has_value()) << c.error();
  EXPECT_EQ(c->own.totals.all_time.records, 2u);
  EXPECT_NEAR(c->own.totals.all_time.chip_seconds, 2 * 16 * 86400.0, 1e-6);
  ASSERT_EQ(c->own.runs.size(), 1u);  // two adjacent days are one run
  EXPECT_EQ(c->own.series.size(), 2u);
  ASSERT_TRUE(c->group.has_value());
  EXPECT_EQ(c->group->accounts, (std::vector<std::string>{"acct-a", "acct-b"}));
  EXPECT_EQ(c->group->runs.size(), 2u);  // day 5 is more than the gap after day 1
  EXPECT_EQ(c->group_evidence, (std::vector<std::string>{"payer:p"}));
  EXPECT_EQ(c->tiers.size(), 4u);
  EXPECT_EQ(ledger_->Compute("nobody").error().code(), StatusCode::kNotFound);

  // Flagged bio, the bio tiers (from 1e21) apply at once: 32 H100-days reach bio-1% and more.
  ASSERT_TRUE(ledger_->SetBio("acct-a", true, "officer").ok());
  auto alerts = Alerts("acct-a");
  ASSERT_FALSE(alerts.empty());
  EXPECT_EQ(json::parse(alerts[0].details_json)["bio"], true);
  EXPECT_EQ(ledger_->Compute("acct-a")->tiers.size(), 8u);
}

// DCGM samples stored first refine the usage of their resource: the estimate comes from the
// measured tensor activity (the mean over the samples inside the interval), not the prior.
TEST_P(UsageLedgerTest, TelemetryRefinesTheEstimateOfItsResource) {
  auto at = [](int day, int hour) {
    return FromUnixMicros((kDay0 + day * 86400LL + hour * 3600LL) * 1'000'000);
  };
  std::vector<compute::TelemetrySample> samples = {
      {"pod-train", "GPU-1", "NVIDIA H100 80GB HBM3", at(0, 1), 0.5, 0.99},
      {"pod-train", "GPU-2", "NVIDIA H100 80GB HBM3", at(0, 2), 0.3, 0.98},
      {"pod-train", "GPU-1", "NVIDIA H100 80GB HBM3", at(3, 0), 0.9, 1.0},  // another day
      {"pod-idle", "GPU-3", "NVIDIA H100 80GB HBM3", at(0, 1), std::nullopt, 0.1}};
  auto stored = ledger_->ApplyTelemetry(samples);
  ASSERT_TRUE(stored.has_value()) << stored.error();
  EXPECT_EQ(*stored, 4u);
  auto measured = Day("m1", "acct-t", 0, 1);
  measured.resource_id = "pod-train";
  auto idle = Day("m2", "acct-t", 0, 1);
  idle.resource_id = "pod-idle";  // GPU utilisation only: the prior stays
  auto r = ledger_->Apply({measured, idle}, "t");
  ASSERT_TRUE(r.has_value()) << r.error();
  auto rows = usage_->ForAccounts({"acct-t"}, std::nullopt);
  ASSERT_EQ(rows->size(), 2u);
  const auto& m = (*rows)[0].record_id == "m1" ? (*rows)[0] : (*rows)[1];
  const auto& p = (*rows)[0].record_id == "m1" ? (*rows)[1] : (*rows)[0];
  EXPECT_EQ(m.method, "telemetry");
  EXPECT_NEAR(m.central, 8 * 86400.0 * 989.4e12 * 0.4, m.central * 1e-9);  // mean of 0.5, 0.3
  EXPECT_EQ(p.method, "prior:tensor");
}

INSTANTIATE_TEST_SUITE_P(Backends, UsageLedgerTest, ::testing::Values("sqlite", "postgresql"));

}  // namespace
}  // namespace kycloud::metering
