// ChangeFollower over a feed whose rows commit out of order (as on PostgreSQL), and over the
// real SQL feed on both backends.
#include "kycloud/cluster/change_follower.h"

#include <gtest/gtest.h>

#include "kycloud/storage/testing/test_database.h"

namespace kycloud::cluster {
namespace {

using storage::ChangeRecord;

// A feed whose rows are made visible one by one, in any order (commits out of order).
class FakeFeed final : public storage::ChangeFeed {
 public:
  void Commit(std::int64_t seq, std::string topic, std::string key, std::string instance = "w") {
    rows_[seq] = ChangeRecord{seq, std::move(topic), std::move(key), std::move(instance), {}};
  }
  Result<std::int64_t> Head() override { return rows_.empty() ? 0 : rows_.rbegin()->first; }
  Result<std::vector<ChangeRecord>> After(std::int64_t after, size_t limit) override {
    if (fail) return Err(UnavailableError("database down"));
    std::vector<ChangeRecord> out;
    for (auto it = rows_.upper_bound(after); it != rows_.end() && out.size() < limit; ++it) {
      out.push_back(it->second);
    }
    return out;
  }
  Result<std::vector<ChangeRecord>> Find(const std::vector<std::int64_t>& seqs) override {
    if (fail) return Err(UnavailableError("database down"));
    std::vector<ChangeRecord> out;
    for (std::int64_t s : seqs) {
      if (auto it = rows_.find(s); it != rows_.end()) out.push_back(it->second);
    }
    return out;
  }
  Result<std::int64_t> PruneBefore(Timestamp) override { return 0; }
  bool fail = false;

 private:
  std::map<std::int64_t, ChangeRecord> rows_;
};

struct Seen {
  std::vector<std::string> calls;  // "topic:k1,k2"
  ChangeFollower::Handler For(std::string topic) {
    return [this, topic](const std::vector<std::string>& keys) {
      std::string s = topic + ":";
      for (size_t i = 0; i < keys.size(); ++i) s += (i ? "," : "") + keys[i];
      calls.push_back(s);
      return OkStatus();
    };
  }
};

ChangeFollowerOptions Options() {
  ChangeFollowerOptions o;
  o.own_instance = "me";
  o.gap_timeout = std::chrono::seconds(60);
  return o;
}

TEST(ChangeFollowerTest, HandsOverEachTopicsDistinctKeysInHandlerOrder) {
  FakeFeed feed;
  FakeClock clock;
  ChangeFollower f(feed, clock, Options());
  Seen seen;
  f.On("party", seen.For("party"));
  f.On("customer", seen.For("customer"));
  ASSERT_TRUE(f.Start().ok());
  feed.Commit(1, "customer", "c-1");
  feed.Commit(2, "party", "c-1");
  feed.Commit(3, "customer", "c-1");
  feed.Commit(4, "customer", "c-2");
  feed.Commit(5, "unknown", "x");           // no handler: read and passed over
  feed.Commit(6, "customer", "c-3", "me");  // this instance's own: skipped
  EXPECT_EQ(*f.Poll(), 6u);
  EXPECT_EQ(seen.calls, (std::vector<std::string>{"party:c-1", "customer:c-1,c-2"}));
  EXPECT_EQ(f.stats().cursor, 6);
  EXPECT_EQ(f.stats().skipped_own, 1u);
  seen.calls.clear();
  EXPECT_EQ(*f.Poll(), 0u);
  EXPECT_TRUE(seen.calls.empty()) << "nothing new, nothing handed over";
}

TEST(ChangeFollowerTest, ARowCommittedLateBehindANewerOneIsNotMissed) {
  FakeFeed feed;
  FakeClock clock;
  ChangeFollower f(feed, clock, Options());
  Seen seen;
  f.On("party", seen.For("party"));
  ASSERT_TRUE(f.Start().ok());
  feed.Commit(1, "party", "a");
  feed.Commit(3, "party", "c");  // 2 is still in flight
  ASSERT_TRUE(f.Poll().has_value());
  EXPECT_EQ(seen.calls, (std::vector<std::string>{"party:a,c"}));
  EXPECT_EQ(f.stats().cursor, 1);
  EXPECT_EQ(f.stats().open_gaps, 1u);
  feed.Commit(2, "party", "b");
  feed.Commit(4, "party", "d");
  seen.calls.clear();
  ASSERT_TRUE(f.Poll().has_value());
  EXPECT_EQ(seen.calls, (std::vector<std::string>{"party:b,d"}));
  EXPECT_EQ(f.stats().cursor, 4);
  EXPECT_EQ(f.stats().open_gaps, 0u);
}

TEST(ChangeFollowerTest, AGapNeverFilledIsGivenUpAfterTheTimeout) {
  FakeFeed feed;
  FakeClock clock;
  ChangeFollower f(feed, clock, Options());
  Seen seen;
  f.On("party", seen.For("party"));
  ASSERT_TRUE(f.Start().ok());
  feed.Commit(2, "party", "b");  // 1 rolled back
  ASSERT_TRUE(f.Poll().has_value());
  EXPECT_EQ(f.stats().cursor, 0);
  clock.Advance(std::chrono::seconds(30));
  ASSERT_TRUE(f.Poll().has_value());
  EXPECT_EQ(f.stats().open_gaps, 1u);
  clock.Advance(std::chrono::seconds(31));
  ASSERT_TRUE(f.Poll().has_value());
  EXPECT_EQ(f.stats().open_gaps, 0u);
  EXPECT_EQ(f.stats().expired_gaps, 1u);
  EXPECT_EQ(f.stats().cursor, 2);
}

TEST(ChangeFollowerTest, FailuresLoseNothing) {
  FakeFeed feed;
  FakeClock clock;
  ChangeFollower f(feed, clock, Options());
  int failures = 1;
  std::vector<std::string> handled;
  f.On("party", [&](const std::vector<std::string>& keys) -> Status {
    if (failures-- > 0) return UnavailableError("store down");
    handled.insert(handled.end(), keys.begin(), keys.end());
    return OkStatus();
  });
  ASSERT_TRUE(f.Start().ok());
  feed.Commit(1, "party", "a");
  ASSERT_TRUE(f.Poll().has_value());  // the handler fails: "a" is kept
  EXPECT_TRUE(handled.empty());
  feed.Commit(2, "party", "b");
  feed.fail = true;
  EXPECT_FALSE(f.Poll().has_value());  // the feed fails
  EXPECT_EQ(f.stats().failed_polls, 1u);
  feed.fail = false;
  ASSERT_TRUE(f.Poll().has_value());
  EXPECT_EQ(handled, (std::vector<std::string>{"a", "b"}));
}

TEST(ChangeFollowerTest, StartReplaysTheTailAndReadsInBatches) {
  FakeFeed feed;
  FakeClock clock;
  for (int i = 1; i <= 50; ++i) feed.Commit(i, "party", "p" + std::to_string(i));
  ChangeFollowerOptions o = Options();
  o.replay_on_start = 10;
  o.batch = 3;
  ChangeFollower f(feed, clock, o);
  std::vector<std::string> handled;
  f.On("party", [&](const std::vector<std::string>& keys) {
    handled.insert(handled.end(), keys.begin(), keys.end());
    return OkStatus();
  });
  ASSERT_TRUE(f.Start().ok());
  EXPECT_EQ(*f.Poll(), 10u) << "the last 10 rows, in batches of 3";
  EXPECT_EQ(handled.size(), 10u);
  EXPECT_EQ(f.stats().cursor, 50);
}

class SqlChangeFollowerTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SqlChangeFollowerTest, FollowsWhatAnotherWriterRecords) {
  auto t = storage::testing::MakeTestDatabase(GetParam());
  ASSERT_TRUE(t.has_value()) << t.error();
  storage::Database& db = *(*t)->db;
  storage::SqlChangeFeed feed(db);
  FakeClock clock;
  ChangeFollowerOptions o;
  o.own_instance = "another process";  // rows of this process count as another writer's
  ChangeFollower f(feed, clock, o);
  Seen seen;
  f.On(std::string(storage::kCustomerTopic), seen.For("customer"));
  ASSERT_TRUE(f.Start().ok());
  for (const char* id : {"c-1", "c-2", "c-1"}) {
    ASSERT_TRUE(db.Transact(storage::TxMode::kWrite, [&](storage::Session& s) {
                    return storage::RecordChange(s, storage::kCustomerTopic, id);
                  }).ok());
  }
  EXPECT_EQ(*f.Poll(), 3u);
  EXPECT_EQ(seen.calls, (std::vector<std::string>{"customer:c-1,c-2"}));
  EXPECT_EQ(f.stats().open_gaps, 0u);
}

INSTANTIATE_TEST_SUITE_P(Backends, SqlChangeFollowerTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kycloud::cluster
