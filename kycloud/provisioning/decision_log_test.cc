#include "kycloud/provisioning/decision_log.h"

#include <gtest/gtest.h>

#include "kycloud/storage/memory_policy_store.h"

namespace kycloud::provisioning {
namespace {

storage::DecisionRecord Decision(int i) {
  return storage::DecisionRecord{0, "c-1", FromUnixMicros(i), "allow", "v+1", "{}", "[]"};
}

TEST(DecisionLogTest, WritesInTheBackgroundAndOnDestruction) {
  storage::MemoryPolicyStore store;
  {
    DecisionLog log(store, {.flush_every = std::chrono::milliseconds(10), .batch = 4});
    for (int i = 0; i < 10; ++i) log.Record(Decision(i));
    // The background thread writes within a few periods.
    for (int tries = 0; tries < 500 && log.written() < 10; ++tries) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    EXPECT_EQ(log.written(), 10u);
    for (int i = 10; i < 13; ++i) log.Record(Decision(i));
  }  // the destructor writes the rest
  auto all = store.DecisionsOf("c-1", 100);
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 13u);
  EXPECT_EQ((*all)[0].at, FromUnixMicros(12));  // newest first, in order
  EXPECT_EQ((*all)[12].at, FromUnixMicros(0));
}

TEST(DecisionLogTest, DropsTheOldestWhenTooManyWait) {
  storage::MemoryPolicyStore store;
  DecisionLog log(store, {.flush_every = std::chrono::hours(1), .batch = 1000, .max_pending = 5});
  for (int i = 0; i < 8; ++i) log.Record(Decision(i));
  EXPECT_EQ(log.dropped(), 3u);
  ASSERT_TRUE(log.Flush().ok());
  auto all = store.DecisionsOf("c-1", 100);
  ASSERT_EQ(all->size(), 5u);
  EXPECT_EQ(all->back().at, FromUnixMicros(3));  // 0, 1, 2 were dropped
}

}  // namespace
}  // namespace kycloud::provisioning
