// Leadership between instances sharing one database: one leads, renews, hands over when it stops
// or dies.
#include "kycloud/cluster/leadership.h"

#include <gtest/gtest.h>

#include "kycloud/storage/testing/test_database.h"

namespace kycloud::cluster {
namespace {

class LeadershipTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto t = storage::testing::MakeTestDatabase(GetParam());
    ASSERT_TRUE(t.has_value()) << t.error();
    db_ = std::move(*t);
    leases_ = std::make_unique<storage::SqlLeaseStore>(*db_->db);
  }
  LeadershipOptions As(std::string holder) {
    LeadershipOptions o;
    o.holder = std::move(holder);
    o.ttl = std::chrono::seconds(15);
    return o;
  }
  std::unique_ptr<storage::testing::TestDatabase> db_;
  std::unique_ptr<storage::SqlLeaseStore> leases_;
};

TEST_P(LeadershipTest, OneLeadsAndAnotherTakesOverWhenItDiesOrStops) {
  FakeClock clock;
  Leadership a(*leases_, clock, As("a")), b(*leases_, clock, As("b"));
  EXPECT_TRUE(a.Tick());
  EXPECT_FALSE(b.Tick());
  // Without renewals a stops counting itself the leader before its lease can pass to b.
  clock.Advance(std::chrono::seconds(11));
  EXPECT_FALSE(a.leading());
  EXPECT_FALSE(b.Tick());
  EXPECT_TRUE(a.Tick());
  // a keeps renewing: b never gets in.
  for (int i = 0; i < 10; ++i) {
    clock.Advance(std::chrono::seconds(6));
    EXPECT_TRUE(a.Tick());
    EXPECT_FALSE(b.Tick());
  }
  // a dies (stops ticking): b leads once the lease expires, and a, back, does not.
  clock.Advance(std::chrono::seconds(10));
  EXPECT_FALSE(b.Tick()) << "not expired yet";
  clock.Advance(std::chrono::seconds(6));
  EXPECT_TRUE(b.Tick());
  EXPECT_FALSE(a.Tick());
  EXPECT_FALSE(a.leading());
  // b stops cleanly: a takes over at its next tick, without waiting for the expiry.
  b.Release();
  EXPECT_FALSE(b.leading());
  clock.Advance(std::chrono::seconds(1));
  EXPECT_TRUE(a.Tick());
}

INSTANTIATE_TEST_SUITE_P(Backends, LeadershipTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kycloud::cluster
