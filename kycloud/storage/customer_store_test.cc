// CustomerStore conformance on both backends.
#include <gtest/gtest.h>

#include "kycloud/storage/sql_customer_store.h"
#include "kycloud/storage/testing/test_database.h"

namespace kycloud::storage {
namespace {

CustomerRow Row(std::string id, std::string country = "SG") {
  CustomerRow c;
  c.id = std::move(id);
  c.kind = "organisation";
  c.country = std::move(country);
  c.headquarters_country = "SG";
  c.decision = "verify";
  c.policy_id = "v+1";
  c.record_sealed = "kyc1:abc:sealed";
  c.classification_json = R"({"us_person":false})";
  c.created_at = FromUnixMicros(1'000'000);
  c.updated_at = FromUnixMicros(1'000'000);
  return c;
}

class CustomerStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto t = testing::MakeTestDatabase(GetParam());
    ASSERT_TRUE(t.has_value()) << t.error();
    db_ = std::move(*t);
    store_ = std::make_unique<SqlCustomerStore>(*db_->db);
  }
  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<CustomerStore> store_;
};

TEST_P(CustomerStoreTest, InsertIsIdempotentByKey) {
  auto a = store_->Insert(Row("c-1"), "idem-1", "h1");
  ASSERT_TRUE(a.has_value()) << a.error();
  EXPECT_TRUE(a->second);
  EXPECT_EQ(a->first.revision, 1);
  // The same key and request: the first record, not created again.
  auto again = store_->Insert(Row("c-1"), "idem-1", "h1");
  ASSERT_TRUE(again.has_value()) << again.error();
  EXPECT_FALSE(again->second);
  EXPECT_EQ(again->first, a->first);
  // The same key for another request: 409.
  auto reused = store_->Insert(Row("c-2"), "idem-1", "h2");
  ASSERT_FALSE(reused.has_value());
  EXPECT_EQ(reused.error().reason(), "idempotency_key_reused");
  // The same id without a key: 409, nothing partial.
  auto dup = store_->Insert(Row("c-1"), "", "");
  ASSERT_FALSE(dup.has_value());
  EXPECT_EQ(dup.error().reason(), "customer_exists");
  EXPECT_EQ(store_->List({})->size(), 1u);
  EXPECT_EQ(store_->Get("c-1").value(), a->first);
  EXPECT_EQ(store_->Get("nope").error().code(), StatusCode::kNotFound);
}

TEST_P(CustomerStoreTest, OptimisticUpdates) {
  auto a = store_->Insert(Row("c-1"), "", "");
  ASSERT_TRUE(a.has_value());
  CustomerRow r = a->first;
  r.verification = "verified";
  r.reverify_due = FromUnixMicros(9'000'000);
  auto b = store_->Update(r);
  ASSERT_TRUE(b.has_value()) << b.error();
  EXPECT_EQ(b->revision, 2);
  EXPECT_EQ(store_->Get("c-1").value(), *b);
  // A stale revision loses.
  r.verification = "failed";
  auto stale = store_->Update(r);
  ASSERT_FALSE(stale.has_value());
  EXPECT_EQ(stale.error().code(), StatusCode::kAborted);
  EXPECT_EQ(store_->Get("c-1")->verification, "verified");
  CustomerRow ghost = Row("ghost");
  EXPECT_EQ(store_->Update(ghost).error().code(), StatusCode::kNotFound);
}

TEST_P(CustomerStoreTest, ListFiltersAndPages) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(
        store_->Insert(Row("c-" + std::to_string(i), i % 2 ? "US" : "SG"), "", "").has_value());
  }
  CustomerFilter f;
  f.country = "SG";
  auto sg = store_->List(f);
  ASSERT_TRUE(sg.has_value());
  ASSERT_EQ(sg->size(), 3u);
  EXPECT_EQ((*sg)[0].id, "c-0");
  f.after_id = "c-0";
  f.limit = 1;
  auto page = store_->List(f);
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].id, "c-2");
}

TEST_P(CustomerStoreTest, AccessEventsMoveTheRetentionClock) {
  ASSERT_TRUE(store_->Insert(Row("c-1"), "", "").has_value());
  std::vector<AccessEventRow> events = {
      {0, "c-1", FromUnixMicros(5'000'000), "login", "kyc1:k:a", "SG"},
      {0, "c-1", FromUnixMicros(9'000'000), "api", "kyc1:k:b", "US"},
      {0, "c-1", FromUnixMicros(7'000'000), "admin", "kyc1:k:c", ""}};
  ASSERT_TRUE(store_->AppendAccessEvents("c-1", events).ok());
  EXPECT_EQ(store_->Get("c-1")->last_access_at, FromUnixMicros(9'000'000));
  EXPECT_EQ(store_->AccessCountries("c-1").value(), (std::vector<std::string>{"SG", "US"}));
  auto latest = store_->AccessEvents("c-1", 2);
  ASSERT_TRUE(latest.has_value());
  ASSERT_EQ(latest->size(), 2u);
  EXPECT_EQ((*latest)[0].action, "admin");  // newest first (by arrival)
  // An older batch does not move the clock back; an unknown customer stores nothing.
  ASSERT_TRUE(
      store_->AppendAccessEvents("c-1", {{0, "c-1", FromUnixMicros(1), "login", "x", ""}}).ok());
  EXPECT_EQ(store_->Get("c-1")->last_access_at, FromUnixMicros(9'000'000));
  EXPECT_EQ(store_->AppendAccessEvents("ghost", events).code(), StatusCode::kNotFound);
  EXPECT_TRUE(store_->AccessEvents("ghost", 10)->empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, CustomerStoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kycloud::storage
