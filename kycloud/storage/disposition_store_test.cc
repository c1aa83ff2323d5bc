// DispositionStore conformance: the SQL store on both backends and the in-memory fake.
#include <gtest/gtest.h>

#include "kycloud/storage/memory_disposition_store.h"
#include "kycloud/storage/sql_disposition_store.h"
#include "kycloud/storage/testing/test_database.h"

namespace kycloud::storage {
namespace {

DispositionRecord D(std::string subject, std::string entity, std::string reason = "not him",
                    int64_t at_s = 100) {
  return {std::move(subject), "us_ofac_sdn", std::move(entity), "fp-" + reason,
          "false_positive",   reason,        "kyc_officer1",    FromUnixMicros(at_s * 1'000'000)};
}

class DispositionStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "memory") {
      store_ = std::make_unique<MemoryDispositionStore>();
      return;
    }
    auto t = testing::MakeTestDatabase(GetParam());
    ASSERT_TRUE(t.has_value()) << t.error();
    db_ = std::move(*t);
    store_ = std::make_unique<SqlDispositionStore>(*db_->db);
  }
  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<DispositionStore> store_;
};

TEST_P(DispositionStoreTest, PutAndFindBySubject) {
  ASSERT_TRUE(store_->Put(D("id:c1", "306")).ok());
  ASSERT_TRUE(store_->Put(D("id:c1", "100")).ok());
  ASSERT_TRUE(store_->Put(D("id:c2", "306")).ok());
  auto got = store_->ForSubjects({"id:c1", "id:nobody"});
  ASSERT_TRUE(got.has_value()) << got.error();
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0], D("id:c1", "100"));
  EXPECT_EQ((*got)[1], D("id:c1", "306"));
  EXPECT_TRUE(store_->ForSubjects({})->empty());
}

TEST_P(DispositionStoreTest, LaterDecisionReplacesEarlier) {
  ASSERT_TRUE(store_->Put(D("id:c1", "306", "first", 100)).ok());
  ASSERT_TRUE(store_->Put(D("id:c1", "306", "second", 200)).ok());
  auto got = store_->ForSubjects({"id:c1"});
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ((*got)[0], D("id:c1", "306", "second", 200));
}

TEST_P(DispositionStoreTest, ManySubjectsInOneLookup) {
  std::vector<std::string> subjects;
  for (int i = 0; i < 1200; ++i) subjects.push_back("id:s" + std::to_string(i));
  ASSERT_TRUE(store_->Put(D("id:s7", "1")).ok());
  ASSERT_TRUE(store_->Put(D("id:s1100", "2")).ok());
  auto got = store_->ForSubjects(subjects);
  ASSERT_TRUE(got.has_value()) << got.error();
  EXPECT_EQ(got->size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Stores, DispositionStoreTest,
                         ::testing::Values("memory", "sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kycloud::storage
