// ApiKeyStore conformance: the SQL store on both backends and the in-memory fake.
#include <gtest/gtest.h>

#include <thread>

#include "kycloud/storage/memory_api_key_store.h"
#include "kycloud/storage/sql_api_key_store.h"
#include "kycloud/storage/testing/test_database.h"

namespace kycloud::storage {
namespace {

ApiKeyRecord Key(std::string id, std::string hash, int64_t created_s = 100) {
  return ApiKeyRecord{id,    "name-" + id, "officer", hash, FromUnixMicros(created_s * 1'000'000),
                      "cli", std::nullopt};
}

class ApiKeyStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "memory") {
      store_ = std::make_unique<MemoryApiKeyStore>();
      return;
    }
    auto t = testing::MakeTestDatabase(GetParam());
    ASSERT_TRUE(t.has_value()) << t.error();
    db_ = std::move(*t);
    store_ = std::make_unique<SqlApiKeyStore>(*db_->db);
  }
  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<ApiKeyStore> store_;
};

TEST_P(ApiKeyStoreTest, InsertFindGet) {
  ASSERT_TRUE(store_->Insert(Key("kyc_a", "h1")).ok());
  auto by_hash = store_->FindBySecretHash("h1");
  ASSERT_TRUE(by_hash.has_value()) << by_hash.error();
  EXPECT_EQ(*by_hash, Key("kyc_a", "h1"));
  EXPECT_EQ(store_->Get("kyc_a").value(), Key("kyc_a", "h1"));
  EXPECT_EQ(store_->FindBySecretHash("nope").error().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->Get("nope").error().code(), StatusCode::kNotFound);
}

TEST_P(ApiKeyStoreTest, DuplicateIdOrHashRejected) {
  ASSERT_TRUE(store_->Insert(Key("kyc_a", "h1")).ok());
  EXPECT_EQ(store_->Insert(Key("kyc_a", "h2")).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->Insert(Key("kyc_b", "h1")).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->List()->size(), 1u);
}

TEST_P(ApiKeyStoreTest, ListOldestFirst) {
  ASSERT_TRUE(store_->Insert(Key("kyc_c", "h3", 300)).ok());
  ASSERT_TRUE(store_->Insert(Key("kyc_a", "h1", 100)).ok());
  ASSERT_TRUE(store_->Insert(Key("kyc_b", "h2", 100)).ok());
  auto keys = store_->List();
  ASSERT_TRUE(keys.has_value());
  ASSERT_EQ(keys->size(), 3u);
  EXPECT_EQ((*keys)[0].id, "kyc_a");
  EXPECT_EQ((*keys)[1].id, "kyc_b");
  EXPECT_EQ((*keys)[2].id, "kyc_c");
}

TEST_P(ApiKeyStoreTest, RevokeOnceAndUnknown) {
  ASSERT_TRUE(store_->Insert(Key("kyc_a", "h1")).ok());
  Timestamp at = FromUnixMicros(5'000'000);
  ASSERT_TRUE(store_->Revoke("kyc_a", at).ok());
  auto k = store_->Get("kyc_a");
  ASSERT_TRUE(k.has_value());
  EXPECT_FALSE(k->active());
  EXPECT_EQ(k->revoked_at, at);
  EXPECT_EQ(store_->Revoke("kyc_a", at).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->Revoke("kyc_zz", at).code(), StatusCode::kNotFound);
}

TEST_P(ApiKeyStoreTest, BootstrapKeyOnlyOnceEvenConcurrently) {
  std::atomic<int> inserted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      auto r =
          store_->InsertBootstrapKey(Key("kyc_boot" + std::to_string(i), "hb" + std::to_string(i)));
      if (r.has_value() && *r) ++inserted;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(inserted.load(), 1);
  EXPECT_EQ(store_->List()->size(), 1u);
  // Even after the bootstrap key is revoked, no second one is created.
  auto first = store_->List()->front();
  ASSERT_TRUE(store_->Revoke(first.id, FromUnixMicros(1)).ok());
  EXPECT_FALSE(*store_->InsertBootstrapKey(Key("kyc_again", "hx")));
}

INSTANTIATE_TEST_SUITE_P(Stores, ApiKeyStoreTest,
                         ::testing::Values("memory", "sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kycloud::storage
