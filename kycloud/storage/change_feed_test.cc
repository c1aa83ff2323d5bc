// The change feed and the lease store on both backends, and the stores that write the feed.
#include "kycloud/storage/change_feed.h"

#include <gtest/gtest.h>

#include <thread>

#include "kycloud/base/clock.h"
#include "kycloud/storage/lease_store.h"
#include "kycloud/storage/sql_link_judgement_store.h"
#include "kycloud/storage/sql_policy_store.h"
#include "kycloud/storage/testing/test_database.h"

namespace kycloud::storage {
namespace {

using std::chrono::milliseconds;

class ChangeFeedTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto t = testing::MakeTestDatabase(GetParam());
    ASSERT_TRUE(t.has_value()) << t.error();
    db_ = std::move(*t);
    feed_ = std::make_unique<SqlChangeFeed>(*db_->db);
  }
  Status Record(std::string_view topic, std::string_view key) {
    return db_->db->Transact(TxMode::kWrite,
                             [&](Session& s) { return RecordChange(s, topic, key); });
  }
  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<ChangeFeed> feed_;
};

TEST_P(ChangeFeedTest, RowsComeBackInOrderWithTheirWriter) {
  EXPECT_EQ(*feed_->Head(), 0);
  ASSERT_TRUE(Record(kPartyTopic, "c-1").ok());
  ASSERT_TRUE(Record(kCustomerTopic, "c-2").ok());
  ASSERT_TRUE(Record(kPolicyTopic, "v1+abc").ok());
  const std::int64_t head = *feed_->Head();
  auto all = feed_->After(0, 10);
  ASSERT_TRUE(all.has_value()) << all.error();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[2].seq, head);
  EXPECT_EQ((*all)[0].topic, "party");
  EXPECT_EQ((*all)[1].key, "c-2");
  EXPECT_EQ((*all)[0].instance, ThisInstanceId());
  EXPECT_EQ(ThisInstanceId().size(), 16u);
  EXPECT_LT((*all)[0].seq, (*all)[1].seq);
  auto limited = feed_->After((*all)[0].seq, 1);
  ASSERT_EQ(limited->size(), 1u);
  EXPECT_EQ((*limited)[0], (*all)[1]);
  auto found = feed_->Find({(*all)[2].seq, (*all)[0].seq, head + 100});
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ((*found)[0], (*all)[0]);
  EXPECT_TRUE(feed_->Find({})->empty());
}

TEST_P(ChangeFeedTest, APrunedFeedNeverReusesSequenceNumbers) {
  ASSERT_TRUE(Record(kPartyTopic, "c-1").ok());
  ASSERT_TRUE(Record(kPartyTopic, "c-2").ok());
  const std::int64_t head = *feed_->Head();
  auto pruned = feed_->PruneBefore(kycloud::SystemClock::Default().Now() + std::chrono::hours(1));
  ASSERT_TRUE(pruned.has_value()) << pruned.error();
  EXPECT_EQ(*pruned, 1);  // the newest row stays
  EXPECT_EQ(*feed_->Head(), head);
  ASSERT_TRUE(Record(kPartyTopic, "c-3").ok());
  EXPECT_GT(*feed_->Head(), head);
}

TEST_P(ChangeFeedTest, StoresRecordTheirChangesInTheSameTransaction) {
  SqlPolicyStore policy(*db_->db);
  ASSERT_TRUE(policy.PutParty({"c-9", R"({"id":"c-9"})", FromUnixMicros(1)}).ok());
  ASSERT_TRUE(*policy.Publish({"v1+aa", "v1", "aa", "[]", FromUnixMicros(2), "test", 0}));
  EXPECT_FALSE(*policy.Publish({"v1+aa", "v1", "aa", "[]", FromUnixMicros(2), "test", 0}));
  SqlLinkJudgementStore judgements(*db_->db);
  ASSERT_TRUE(judgements.Put({"c-1", "c-2", true, "same director", "k", FromUnixMicros(3)}).ok());
  // A refused write records nothing.
  EXPECT_FALSE(judgements.Put({"c-2", "c-1", true, "r", "k", FromUnixMicros(3)}).ok());
  auto all = feed_->After(0, 10);
  ASSERT_EQ(all->size(), 3u) << "an idempotent re-publication changes nothing";
  EXPECT_EQ((*all)[0].topic + " " + (*all)[0].key, "party c-9");
  EXPECT_EQ((*all)[1].topic + " " + (*all)[1].key, "policy v1+aa");
  EXPECT_EQ((*all)[2].topic + " " + (*all)[2].key, "judgement c-1 c-2");
}

TEST_P(ChangeFeedTest, OneHolderPerLeaseUntilItExpiresOrIsReleased) {
  SqlLeaseStore leases(*db_->db);
  const Timestamp t0 = FromUnixMicros(1'000'000'000);
  const milliseconds ttl(15000);
  EXPECT_TRUE(*leases.Acquire("leader", "a", t0, ttl));
  EXPECT_FALSE(*leases.Acquire("leader", "b", t0 + milliseconds(1000), ttl));
  EXPECT_TRUE(*leases.Acquire("other", "b", t0, ttl)) << "leases are independent";
  EXPECT_TRUE(*leases.Acquire("leader", "a", t0 + milliseconds(5000), ttl)) << "renewed";
  EXPECT_FALSE(*leases.Acquire("leader", "b", t0 + milliseconds(16000), ttl))
      << "the renewal moved the expiry";
  EXPECT_TRUE(*leases.Acquire("leader", "b", t0 + milliseconds(20001), ttl)) << "expired";
  EXPECT_FALSE(*leases.Acquire("leader", "a", t0 + milliseconds(20002), ttl));
  ASSERT_TRUE(leases.Release("leader", "a").ok());  // not a's: no effect
  EXPECT_FALSE(*leases.Acquire("leader", "a", t0 + milliseconds(20003), ttl));
  ASSERT_TRUE(leases.Release("leader", "b").ok());
  EXPECT_TRUE(*leases.Acquire("leader", "a", t0 + milliseconds(20004), ttl));
}

TEST_P(ChangeFeedTest, RacingInstancesNeverBothWinALease) {
  // Each round, eight threads race for a lease that just expired: exactly one wins.
  SqlLeaseStore leases(*db_->db);
  const milliseconds ttl(1000);
  for (int round = 0; round < 10; ++round) {
    const Timestamp now = FromUnixMicros((round + 1) * 10'000'000LL);
    std::atomic<int> winners{0}, errors{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
      threads.emplace_back([&, i] {
        auto won = leases.Acquire("leader", "node-" + std::to_string(i), now, ttl);
        if (!won.has_value()) {
          ++errors;
        } else if (*won) {
          ++winners;
        }
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(errors.load(), 0) << "round " << round;
    EXPECT_EQ(winners.load(), 1) << "round " << round;
  }
}

INSTANTIATE_TEST_SUITE_P(Stores, ChangeFeedTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kycloud::storage
