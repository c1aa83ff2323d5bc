// LinkJudgementStore conformance: the SQL store on both backends.
#include <gtest/gtest.h>

#include "kycloud/storage/sql_link_judgement_store.h"
#include "kycloud/storage/testing/test_database.h"

namespace kycloud::storage {
namespace {

LinkJudgementRecord J(std::string a, std::string b, bool same, std::string reason = "same owner",
                      int64_t at_s = 100) {
  return {std::move(a),      std::move(b),   same,
          std::move(reason), "kyc_officer1", FromUnixMicros(at_s * 1'000'000)};
}

class LinkJudgementStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto t = testing::MakeTestDatabase(GetParam());
    ASSERT_TRUE(t.has_value()) << t.error();
    db_ = std::move(*t);
    store_ = std::make_unique<SqlLinkJudgementStore>(*db_->db);
  }
  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<LinkJudgementStore> store_;
};

TEST_P(LinkJudgementStoreTest, PutListAndFindByEitherSide) {
  ASSERT_TRUE(store_->Put(J("c1", "c2", true)).ok());
  ASSERT_TRUE(store_->Put(J("c0", "c1", false, "different owners")).ok());
  ASSERT_TRUE(store_->Put(J("c3", "c4", true)).ok());
  auto all = store_->All();
  ASSERT_TRUE(all.has_value()) << all.error();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0], J("c0", "c1", false, "different owners"));
  auto of = store_->Of("c1");
  ASSERT_TRUE(of.has_value()) << of.error();
  ASSERT_EQ(of->size(), 2u);
  EXPECT_EQ((*of)[1], J("c1", "c2", true));
  EXPECT_TRUE(store_->Of("nobody")->empty());
}

TEST_P(LinkJudgementStoreTest, LaterJudgementReplacesEarlier) {
  ASSERT_TRUE(store_->Put(J("c1", "c2", true, "first", 100)).ok());
  ASSERT_TRUE(store_->Put(J("c1", "c2", false, "second", 200)).ok());
  auto all = store_->All();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0], J("c1", "c2", false, "second", 200));
}

TEST_P(LinkJudgementStoreTest, RejectsUnorderedPair) {
  Status st = store_->Put(J("c2", "c1", true));
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("c2"), std::string::npos);
  EXPECT_TRUE(store_->All()->empty());
}

INSTANTIATE_TEST_SUITE_P(Stores, LinkJudgementStoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kycloud::storage
