// UsageStore conformance: the SQL store on both backends and the in-memory fake.
#include <gtest/gtest.h>

#include <thread>

#include "kycloud/storage/memory_usage_store.h"
#include "kycloud/storage/sql_usage_store.h"
#include "kycloud/storage/testing/test_database.h"

namespace kycloud::storage {
namespace {

Timestamp H(double hours) { return FromUnixMicros(static_cast<std::int64_t>(hours * 3.6e9)); }

UsageRow U(std::string id, std::string account, double from, double to, std::string payer = "",
           std::string org = "") {
  UsageRow r;
  r.record_id = std::move(id);
  r.account_id = std::move(account);
  r.payer_id = std::move(payer);
  r.organization_id = std::move(org);
  r.resource_id = "i-123";
  r.instance_type = "p5.48xlarge";
  r.accelerator = "NVIDIA H100 SXM5 80GB";
  r.chips = 8;
  r.start = H(from);
  r.end = H(to);
  r.region = "us-east-1";
  r.cluster = "pg-1";
  r.precision = "bf16";
  r.method = "prior:tensor";
  r.low = 1e18;
  r.central = 3.5e18;
  r.high = 7.25e18;
  r.upper_bound = 5.7e19;
  r.peak_bf16 = 989.4e12;
  r.peak_max_dense = 1979e12;
  r.peak_sparse = 3958e12;
  r.internode_gbps = 3200;
  r.source = "jsonl";
  r.ingested_at = H(100);
  return r;
}

class UsageStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "memory") {
      store_ = std::make_unique<MemoryUsageStore>();
      return;
    }
    auto t = testing::MakeTestDatabase(GetParam());
    ASSERT_TRUE(t.has_value()) << t.error();
    db_ = std::move(*t);
    store_ = std::make_unique<SqlUsageStore>(*db_->db);
  }
  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<UsageStore> store_;
};

TEST_P(UsageStoreTest, InsertIsIdempotentByRecordId) {
  auto a = U("r1", "acct-1", 0, 1, "payer-9");
  UsageRow b = U("r2", "acct-1", 1, 2);
  b.internode_gbps.reset();
  auto added = store_->Insert({a, b, U("r1", "acct-1", 5, 6)});  // r1 twice in one batch
  ASSERT_TRUE(added.has_value()) << added.error();
  EXPECT_EQ(*added, 2u);
  EXPECT_EQ(*store_->Insert({a, U("r3", "acct-2", 0, 1)}), 1u);  // a replay adds only r3
  EXPECT_EQ(*store_->CountRecords(), 3u);
  auto rows = store_->ForAccounts({"acct-1"}, std::nullopt);
  ASSERT_TRUE(rows.has_value()) << rows.error();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0], a);  // every field round-trips, the first r1 wins
  EXPECT_EQ((*rows)[1], b);  // an unknown bandwidth stays unknown
  EXPECT_EQ(*store_->Accounts(), (std::vector<std::string>{"acct-1", "acct-2"}));
  auto links = store_->AccountLinks();
  ASSERT_EQ(links->size(), 3u);
  EXPECT_EQ((*links)[0], (AccountLink{"acct-1", "", ""}));
  EXPECT_EQ((*links)[1], (AccountLink{"acct-1", "payer-9", ""}));
}

TEST_P(UsageStoreTest, ForAccountsFiltersByEndAndSortsByStart) {
  std::vector<UsageRow> rows;
  for (int i = 0; i < 130; ++i) {
    rows.push_back(U("r" + std::to_string(i), "acct-" + std::to_string(i % 3), 200 - i, 201 - i));
  }
  ASSERT_EQ(*store_->Insert(rows), 130u);
  auto recent = store_->ForAccounts({"acct-0", "acct-1", "acct-0"}, H(150));
  ASSERT_TRUE(recent.has_value()) << recent.error();
  for (size_t i = 1; i < recent->size(); ++i) EXPECT_LE((*recent)[i - 1].start, (*recent)[i].start);
  for (const auto& r : *recent) {
    EXPECT_GT(r.end, H(150));
    EXPECT_NE(r.account_id, "acct-2");
  }
  EXPECT_EQ(recent->size(), 34u);  // i in [0, 50] with i % 3 != 2
  EXPECT_TRUE(store_->ForAccounts({}, std::nullopt)->empty());
}

TEST_P(UsageStoreTest, TotalsPerAccountCountEachRecordOnce) {
  ASSERT_EQ(
      *store_->Insert({U("a", "acct-1", 0, 1), U("b", "acct-1", 5, 6), U("c", "acct-2", 5, 6)}),
      3u);
  ASSERT_EQ(*store_->Insert({U("a", "acct-1", 0, 1), U("d", "acct-1", 7, 8)}), 1u);  // a replayed
  auto totals = store_->Totals({"acct-1", "acct-2", "nobody"}, UsageFigure::kHigh);
  ASSERT_TRUE(totals.has_value()) << totals.error();
  EXPECT_EQ(totals->size(), 2u);
  EXPECT_DOUBLE_EQ((*totals)["acct-1"], 3 * 7.25e18);
  EXPECT_DOUBLE_EQ((*totals)["acct-2"], 7.25e18);
  EXPECT_DOUBLE_EQ((*store_->Totals({"acct-1"}, UsageFigure::kUpperBound))["acct-1"], 3 * 5.7e19);
}

TEST_P(UsageStoreTest, TelemetryByResourceAndTime) {
  TelemetryRow a{"pod-1", "GPU-a", H(1), 0.4, 0.9};
  TelemetryRow b{"pod-1", "GPU-b", H(1), std::nullopt, 0.5};
  TelemetryRow late{"pod-1", "GPU-a", H(9), 0.1, 0.2};
  TelemetryRow other{"pod-2", "GPU-c", H(1), 0.7, 1.0};
  ASSERT_TRUE(store_->InsertTelemetry({a, b, late, other}).ok());
  TelemetryRow again = a;
  again.tensor_active = 0.45;  // the same sample scraped twice: the later wins
  ASSERT_TRUE(store_->InsertTelemetry({again}).ok());
  auto got = store_->Telemetry({"pod-1"}, H(0), H(2));
  ASSERT_TRUE(got.has_value()) << got.error();
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0], again);
  EXPECT_EQ((*got)[1], b);
  EXPECT_TRUE(store_->Telemetry({"pod-9"}, H(0), H(10))->empty());
}

TEST_P(UsageStoreTest, BioFlags) {
  EXPECT_FALSE(*store_->IsBio("acct-1"));
  ASSERT_TRUE(store_->SetBio("acct-1", true).ok());
  ASSERT_TRUE(store_->SetBio("acct-1", true).ok());
  EXPECT_TRUE(*store_->IsBio("acct-1"));
  EXPECT_EQ(*store_->BioAmong({"acct-1", "acct-2"}), (std::set<std::string>{"acct-1"}));
  ASSERT_TRUE(store_->SetBio("acct-1", false).ok());
  EXPECT_FALSE(*store_->IsBio("acct-1"));
}

TEST_P(UsageStoreTest, EachTierIsCrossedOnce) {
  TierCrossingRow c{"group:g1", "10%", 1e25, 1.2e25, "high", "2026-12-01.1", H(5), "", ""};
  EXPECT_TRUE(*store_->AddCrossing(c));
  TierCrossingRow again = c;
  again.measure = 2e25;
  EXPECT_FALSE(*store_->AddCrossing(again));
  TierCrossingRow one = c;
  one.tier = "1%";
  one.threshold_ops = 1e24;
  EXPECT_TRUE(*store_->AddCrossing(one));
  ASSERT_TRUE(store_->SetCrossingRefs("group:g1", "10%", "alert-1", "report-1").ok());
  EXPECT_EQ(store_->SetCrossingRefs("group:g1", "50%", "a", "").code(), StatusCode::kNotFound);
  auto got = store_->Crossings("group:g1");
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0].tier, "1%");
  c.alert_id = "alert-1";
  c.report_id = "report-1";
  EXPECT_EQ((*got)[1], c);
  EXPECT_TRUE(store_->Crossings("group:other")->empty());
}

// Racing writers replaying the same records: every record is stored once and the counts of new
// records add up to the number of distinct ids.
TEST_P(UsageStoreTest, ConcurrentReplaysCountEachRecordOnce) {
  std::atomic<size_t> added{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int batch = 0; batch < 10; ++batch) {
        std::vector<UsageRow> rows;
        for (int i = 0; i < 20; ++i) {
          const int id = (batch * 20 + i + t * 7) % 150;
          rows.push_back(U("r" + std::to_string(id), "acct", id, id + 1));
        }
        auto n = store_->Insert(rows);
        ASSERT_TRUE(n.has_value()) << n.error();
        added += *n;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(*store_->CountRecords(), added.load());
  EXPECT_EQ(added.load(), 150u);
}

INSTANTIATE_TEST_SUITE_P(Backends, UsageStoreTest,
                         ::testing::Values("memory", "sqlite", "postgresql"));

}  // namespace
}  // namespace kycloud::storage
