// PolicyStore conformance: the SQL store on both backends and the in-memory fake.
#include <gtest/gtest.h>

#include "kycloud/storage/memory_policy_store.h"
#include "kycloud/storage/sql_policy_store.h"
#include "kycloud/storage/testing/test_database.h"

namespace kycloud::storage {
namespace {

PolicyVersionRecord Version(std::string label, std::string hash, int64_t at_s) {
  return PolicyVersionRecord{label + "+" + hash.substr(0, 4),
                             label,
                             hash,
                             R"([{"name":"policy.toml","text":"version = \")" + label + R"(\""}])",
                             FromUnixMicros(at_s * 1'000'000),
                             "kyc_admin",
                             0};
}

class PolicyStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "memory") {
      store_ = std::make_unique<MemoryPolicyStore>();
      return;
    }
    auto t = testing::MakeTestDatabase(GetParam());
    ASSERT_TRUE(t.has_value()) << t.error();
    db_ = std::move(*t);
    store_ = std::make_unique<SqlPolicyStore>(*db_->db);
  }
  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<PolicyStore> store_;
};

TEST_P(PolicyStoreTest, PublishedVersionsAreNeverEditedInPlace) {
  EXPECT_FALSE(store_->Latest()->has_value());
  EXPECT_TRUE(*store_->Publish(Version("2026-12-01.1", "aaaa1111", 10)));
  // The same content again: a no-op.
  EXPECT_FALSE(*store_->Publish(Version("2026-12-01.1", "aaaa1111", 20)));
  // The same label with other content: refused.
  auto edited = store_->Publish(Version("2026-12-01.1", "bbbb2222", 30));
  ASSERT_FALSE(edited.has_value());
  EXPECT_EQ(edited.error().code(), StatusCode::kAlreadyExists);
  EXPECT_TRUE(*store_->Publish(Version("2026-12-02.1", "cccc3333", 40)));
  auto latest = store_->Latest();
  ASSERT_TRUE(latest.has_value() && latest->has_value());
  EXPECT_EQ((*latest)->version, "2026-12-02.1");
  EXPECT_EQ((*latest)->seq, 2);
  auto all = store_->Versions();
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 2u);
  PolicyVersionRecord first = Version("2026-12-01.1", "aaaa1111", 10);
  first.seq = 1;
  EXPECT_EQ((*all)[0], first);
}

TEST_P(PolicyStoreTest, PartiesArePutAndReplaced) {
  EXPECT_FALSE(store_->GetParty("c-1")->has_value());
  PartyRecord a{"c-1", R"({"id":"c-1","country":"US"})", FromUnixMicros(1'000'000)};
  PartyRecord b{"c-0", R"({"id":"c-0"})", FromUnixMicros(2'000'000)};
  ASSERT_TRUE(store_->PutParty(a).ok());
  ASSERT_TRUE(store_->PutParty(b).ok());
  a.facts_json = R"({"id":"c-1","country":"CN"})";
  a.updated_at = FromUnixMicros(3'000'000);
  ASSERT_TRUE(store_->PutParty(a).ok());
  EXPECT_EQ(store_->GetParty("c-1")->value(), a);
  auto all = store_->Parties();
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0], b);
  EXPECT_EQ((*all)[1], a);
}

TEST_P(PolicyStoreTest, DecisionsNewestFirstPerCustomer) {
  std::vector<DecisionRecord> batch;
  for (int i = 0; i < 5; ++i) {
    batch.push_back(DecisionRecord{
        0, i % 2 ? "c-odd" : "c-even", FromUnixMicros((100 + i) * 1'000'000LL),
        i == 4 ? "deny" : "allow", "v+1", R"({"i":)" + std::to_string(i) + "}", "[]"});
  }
  ASSERT_TRUE(store_->AppendDecisions(batch).ok());
  ASSERT_TRUE(store_->AppendDecisions({}).ok());
  auto even = store_->DecisionsOf("c-even", 2);
  ASSERT_TRUE(even.has_value()) << even.error();
  ASSERT_EQ(even->size(), 2u);
  EXPECT_EQ((*even)[0].request_json, R"({"i":4})");
  EXPECT_EQ((*even)[0].outcome, "deny");
  EXPECT_EQ((*even)[1].request_json, R"({"i":2})");
  EXPECT_GT((*even)[0].seq, (*even)[1].seq);
  EXPECT_EQ(store_->DecisionsOf("c-odd", 10)->size(), 2u);
  EXPECT_TRUE(store_->DecisionsOf("nobody", 10)->empty());
}

INSTANTIATE_TEST_SUITE_P(Stores, PolicyStoreTest,
                         ::testing::Values("memory", "sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kycloud::storage
