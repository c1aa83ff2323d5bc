// AuditStore conformance: the SQL store on both backends and the in-memory fake.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "kycloud/storage/memory_audit_store.h"
#include "kycloud/storage/sql_audit_store.h"
#include "kycloud/storage/testing/test_database.h"

namespace kycloud::storage {
namespace {

std::string H(char c) { return std::string(32, c); }

AuditEntryRecord E(std::int64_t i) {
  return {i, 1000 + i, "test.kind", "{\"index\":" + std::to_string(i) + "}",
          H(static_cast<char>('a' + i))};
}

class AuditStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "memory") {
      store_ = std::make_unique<MemoryAuditStore>();
      return;
    }
    auto t = testing::MakeTestDatabase(GetParam());
    ASSERT_TRUE(t.has_value()) << t.error();
    db_ = std::move(*t);
    store_ = std::make_unique<SqlAuditStore>(*db_->db);
  }
  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<AuditStore> store_;
};

TEST_P(AuditStoreTest, AppendsAtTheEndOnly) {
  EXPECT_EQ(*store_->Size(), 0);
  std::vector<AuditEntryRecord> first = {E(0), E(1)};
  std::vector<AuditNodeRecord> nodes = {{1, 0, H('x')}};
  ASSERT_TRUE(store_->Append(0, first, nodes).ok());
  EXPECT_EQ(*store_->Size(), 2);

  // A writer that thinks the log is shorter (or longer) is refused and writes nothing.
  std::vector<AuditEntryRecord> stale = {E(1)};
  Status st = store_->Append(1, stale, {});
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(st.reason(), "audit_head_moved");
  EXPECT_EQ(store_->Append(5, stale, {}).reason(), "audit_head_moved");
  EXPECT_EQ(*store_->Size(), 2);

  std::vector<AuditEntryRecord> more;
  for (int i = 2; i < 250; ++i) more.push_back(E(i));  // more than one INSERT's worth
  ASSERT_TRUE(store_->Append(2, more, {}).ok());
  auto all = store_->Entries(0, 1000);
  ASSERT_TRUE(all.has_value()) << all.error();
  ASSERT_EQ(all->size(), 250u);
  EXPECT_EQ((*all)[0], E(0));
  EXPECT_EQ((*all)[249], E(249));
  auto some = store_->Entries(3, 5);
  ASSERT_EQ(some->size(), 2u);
  EXPECT_EQ((*some)[0].index, 3);
}

TEST_P(AuditStoreTest, NodeLookupsMixLeavesAndInnerNodes) {
  std::vector<AuditEntryRecord> es = {E(0), E(1), E(2), E(3)};
  std::vector<AuditNodeRecord> nodes = {{1, 0, H('p')}, {1, 1, H('q')}, {2, 0, H('r')}};
  ASSERT_TRUE(store_->Append(0, es, nodes).ok());
  std::vector<std::pair<int, std::int64_t>> ids = {{0, 2}, {1, 1}, {2, 0}, {3, 0}, {0, 9}};
  auto got = store_->Nodes(ids);
  ASSERT_TRUE(got.has_value()) << got.error();
  std::sort(got->begin(), got->end(), [](const auto& a, const auto& b) {
    return std::tie(a.level, a.index) < std::tie(b.level, b.index);
  });
  ASSERT_EQ(got->size(), 3u);
  EXPECT_EQ((*got)[0], (AuditNodeRecord{0, 2, E(2).leaf_hash}));
  EXPECT_EQ((*got)[1], (AuditNodeRecord{1, 1, H('q')}));
  EXPECT_EQ((*got)[2], (AuditNodeRecord{2, 0, H('r')}));
  EXPECT_EQ(*store_->IndexOfLeaf(E(2).leaf_hash), 2);
  EXPECT_EQ(store_->IndexOfLeaf(H('z')).error().code(), StatusCode::kNotFound);
  auto level1 = store_->NodesAtLevel(1, 0, 10);
  ASSERT_EQ(level1->size(), 2u);
  EXPECT_EQ((*level1)[1].hash, H('q'));
}

TEST_P(AuditStoreTest, ThousandsOfNodesInOneLookup) {
  // A full verification asks for thousands of nodes at once (found by the crash harness: one
  // OR-chain of 1,500 terms was deeper than SQLite allows).
  std::vector<AuditEntryRecord> es;
  std::vector<AuditNodeRecord> nodes;
  for (int i = 0; i < 3000; ++i) es.push_back(E(i));
  for (int i = 0; i < 1500; ++i) nodes.push_back({1, i, H('n')});
  ASSERT_TRUE(store_->Append(0, es, nodes).ok());
  std::vector<std::pair<int, std::int64_t>> ids;
  for (int i = 0; i < 3000; ++i) ids.emplace_back(0, i);
  for (int i = 0; i < 1500; ++i) ids.emplace_back(1, i);
  auto got = store_->Nodes(ids);
  ASSERT_TRUE(got.has_value()) << got.error().ToString().substr(0, 300);
  EXPECT_EQ(got->size(), 4500u);
}

TEST_P(AuditStoreTest, Checkpoints) {
  EXPECT_FALSE(store_->LatestCheckpoint()->has_value());
  ASSERT_TRUE(store_->AddCheckpoint({2, H('r'), 10, "note two"}).ok());
  ASSERT_TRUE(store_->AddCheckpoint({5, H('s'), 20, "note five"}).ok());
  EXPECT_EQ(store_->AddCheckpoint({5, H('t'), 30, "again"}).code(), StatusCode::kAlreadyExists);
  auto latest = store_->LatestCheckpoint();
  ASSERT_TRUE(latest.has_value() && latest->has_value());
  EXPECT_EQ(**latest, (AuditCheckpointRecord{5, H('s'), 20, "note five"}));
  auto all = store_->Checkpoints();
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].size, 2);
}

// Two writers racing for the same position: exactly one wins, the other is told to reload.
TEST_P(AuditStoreTest, ConcurrentAppendersAtTheSamePositionOneWins) {
  std::vector<Status> results(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::vector<AuditEntryRecord> es = {E(0)};
      es[0].kind = "writer" + std::to_string(t);
      results[t] = store_->Append(0, es, {});
    });
  }
  for (auto& t : threads) t.join();
  int ok = 0;
  for (const auto& st : results) {
    if (st.ok()) {
      ++ok;
    } else {
      EXPECT_EQ(st.reason(), "audit_head_moved") << st;
    }
  }
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(*store_->Size(), 1);
}

INSTANTIATE_TEST_SUITE_P(Stores, AuditStoreTest,
                         ::testing::Values("memory", "sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kycloud::storage
