// SessionStore conformance: the SQL store on both backends.
#include <gtest/gtest.h>

#include "kycloud/storage/sql_session_store.h"
#include "kycloud/storage/testing/test_database.h"

namespace kycloud::storage {
namespace {

SessionRecord S(std::string hash, std::string key, int64_t created_s, int64_t expires_s) {
  return {std::move(hash), std::move(key), "csrf-" + std::to_string(created_s),
          FromUnixMicros(created_s * 1'000'000), FromUnixMicros(expires_s * 1'000'000)};
}

class SessionStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto t = testing::MakeTestDatabase(GetParam());
    ASSERT_TRUE(t.has_value()) << t.error();
    db_ = std::move(*t);
    store_ = std::make_unique<SqlSessionStore>(*db_->db);
  }
  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<SessionStore> store_;
};

TEST_P(SessionStoreTest, InsertFindAndDelete) {
  ASSERT_TRUE(store_->Insert(S("h1", "kyc_a", 100, 200)).ok());
  ASSERT_TRUE(store_->Insert(S("h2", "kyc_b", 100, 300)).ok());
  auto found = store_->Find("h1");
  ASSERT_TRUE(found.has_value()) << found.error();
  EXPECT_EQ(*found, S("h1", "kyc_a", 100, 200));
  EXPECT_EQ(store_->Insert(S("h1", "kyc_c", 1, 2)).code(), StatusCode::kAlreadyExists);
  ASSERT_TRUE(store_->Delete("h1").ok());
  EXPECT_EQ(store_->Find("h1").error().code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->Delete("h1").ok());  // already gone: not an error
  EXPECT_TRUE(store_->Find("h2").has_value());
}

TEST_P(SessionStoreTest, DeletesExpiredAndPerKey) {
  ASSERT_TRUE(store_->Insert(S("h1", "kyc_a", 100, 200)).ok());
  ASSERT_TRUE(store_->Insert(S("h2", "kyc_a", 100, 300)).ok());
  ASSERT_TRUE(store_->Insert(S("h3", "kyc_b", 100, 400)).ok());
  EXPECT_EQ(*store_->DeleteExpired(FromUnixMicros(200'000'000)), 1);  // at expiry: gone
  EXPECT_FALSE(store_->Find("h1").has_value());
  EXPECT_EQ(*store_->DeleteForKey("kyc_a"), 1);
  EXPECT_FALSE(store_->Find("h2").has_value());
  EXPECT_TRUE(store_->Find("h3").has_value());
}

INSTANTIATE_TEST_SUITE_P(Stores, SessionStoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kycloud::storage
