#include "kycloud/audit/audit_log.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "kycloud/audit/audit_verifier.h"
#include "kycloud/storage/memory_audit_store.h"
#include "kycloud/storage/sql_audit_store.h"
#include "kycloud/storage/testing/test_database.h"

namespace kycloud::audit {
namespace {

class AuditLogTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    key_ = std::make_unique<SigningKey>(*SigningKey::Generate("kycloud-test"));
    if (GetParam() == "memory") {
      store_ = std::make_unique<storage::MemoryAuditStore>();
    } else {
      auto t = storage::testing::MakeTestDatabase(GetParam());
      ASSERT_TRUE(t.has_value()) << t.error();
      db_ = std::move(*t);
      store_ = std::make_unique<storage::SqlAuditStore>(*db_->db);
    }
    log_ = std::make_unique<AuditLog>(*store_, clock_, key_.get(),
                                      AuditLogOptions{.checkpoint_every_entries = 10});
  }
  VerifyReport Verify() {
    VerifyOptions o;
    o.key = *ParseVerifierKey(key_->VerifierKey());
    auto r = VerifyAuditLog(*store_, o);
    EXPECT_TRUE(r.has_value()) << r.error();
    return r.value_or(VerifyReport{});
  }
  FakeClock clock_;
  std::unique_ptr<SigningKey> key_;
  std::unique_ptr<storage::testing::TestDatabase> db_;
  std::unique_ptr<storage::AuditStore> store_;
  std::unique_ptr<AuditLog> log_;
};

TEST_P(AuditLogTest, EntriesAreCanonicalJsonWithTheirPosition) {
  auto a = log_->Append({"screening.result", "kyc_officer1", R"({"z": 1, "a": [true, "x"]})"});
  ASSERT_TRUE(a.has_value()) << a.error();
  EXPECT_EQ(a->index, 0);
  EXPECT_EQ(a->entry, R"({"actor":"kyc_officer1","data":{"a":[true,"x"],"z":1},"index":0,)"
                      R"("kind":"screening.result","time":"2023-11-14T22:13:20Z"})");
  EXPECT_EQ(a->leaf_hash, LeafHash(a->entry));
  auto b = log_->Append({"key.created", "system", ""});
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->index, 1);
  EXPECT_NE(b->entry.find(R"("data":{})"), std::string::npos);

  EXPECT_EQ(log_->Append({"", "x", ""}).error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->Append({"k", "x", "[1]"}).error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->Append({"k", "x", "{"}).error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->Head()->size, 2);
}

TEST_P(AuditLogTest, ProofsFromTheStoreVerify) {
  std::vector<AuditEvent> events;
  for (int i = 0; i < 37; ++i) {
    events.push_back({"test.event", "system", "{\"n\":" + std::to_string(i) + "}"});
  }
  auto appended = log_->AppendAll(events);
  ASSERT_TRUE(appended.has_value()) << appended.error();
  ASSERT_EQ(appended->size(), 37u);
  auto head = log_->Head();
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->size, 37);
  for (std::int64_t size : {1, 5, 16, 37}) {
    auto root = log_->RootAt(size);
    ASSERT_TRUE(root.has_value());
    for (std::int64_t i = 0; i < size; ++i) {
      auto p = log_->ProveInclusion(i, size);
      ASSERT_TRUE(p.has_value()) << p.error();
      EXPECT_EQ(p->entry, (*appended)[i].entry);
      EXPECT_TRUE(VerifyInclusion(i, size, LeafHash(p->entry), p->proof, *root)) << i;
    }
    auto c = log_->ProveConsistency(size, 37);
    ASSERT_TRUE(c.has_value()) << c.error();
    EXPECT_TRUE(VerifyConsistency(size, 37, *root, head->root, *c));
  }
  EXPECT_EQ(log_->ProveInclusion(37).error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->ProveInclusion(0, 38).error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->ProveConsistency(0, 5).error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->ProveConsistency(6, 5).error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(log_->ProveConsistency(5, 38).error().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Verify().ok);
}

// Many threads append at once: group commit batches them, every entry lands exactly once at a
// distinct position, and the log verifies.
TEST_P(AuditLogTest, ConcurrentAppendsAreBatchedAndComplete) {
  constexpr int kThreads = 8, kEach = 60;
  std::vector<std::thread> threads;
  std::mutex mu;
  std::set<std::int64_t> indices;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        auto r = log_->Append({"test.event", "thread" + std::to_string(t), ""});
        if (!r.has_value()) {
          ++failures;
          continue;
        }
        std::lock_guard<std::mutex> lock(mu);
        indices.insert(r->index);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(indices.size(), static_cast<size_t>(kThreads * kEach));
  EXPECT_EQ(*indices.rbegin(), kThreads * kEach - 1);
  auto report = Verify();
  EXPECT_TRUE(report.ok) << (report.problems.empty() ? "" : report.problems[0]);
  EXPECT_EQ(report.entries, kThreads * kEach);
}

// Two service instances on one database: each finds the tree grown under it, reloads, retries.
TEST_P(AuditLogTest, TwoWritersOnOneStoreInterleave) {
  AuditLog other(*store_, clock_, key_.get());
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(log_->Append({"a", "one", ""}).has_value());
    auto r = other.Append({"b", "two", ""});
    ASSERT_TRUE(r.has_value()) << r.error();
    EXPECT_EQ(r->index, 2 * i + 1);
  }
  EXPECT_TRUE(Verify().ok);
}

TEST_P(AuditLogTest, CheckpointsWhenDueAndSignsThem) {
  EXPECT_FALSE(log_->CheckpointIfDue()->has_value());  // empty log
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(log_->Append({"a", "x", ""}).has_value());
  auto first = log_->CheckpointIfDue();  // the first one is always due
  ASSERT_TRUE(first.has_value()) << first.error();
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ((*first)->size, 3);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(log_->Append({"a", "x", ""}).has_value());
  EXPECT_FALSE(log_->CheckpointIfDue()->has_value());  // 3 new entries, 0 s: not due
  clock_.Advance(std::chrono::seconds(61));
  auto timed = log_->CheckpointIfDue();
  ASSERT_TRUE(timed.has_value() && timed->has_value());
  EXPECT_EQ((*timed)->size, 6);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(log_->Append({"a", "x", ""}).has_value());
  auto counted = log_->CheckpointIfDue();  // 10 new entries
  ASSERT_TRUE(counted.has_value() && counted->has_value());
  auto vkey = *ParseVerifierKey(key_->VerifierKey());
  auto parsed = ParseCheckpoint((*counted)->note, &vkey);
  ASSERT_TRUE(parsed.has_value()) << parsed.error();
  EXPECT_EQ(parsed->checkpoint.size, 16);
  EXPECT_EQ(parsed->checkpoint.root, log_->Head()->root);
  EXPECT_FALSE(log_->CheckpointIfDue(/*force=*/true)->has_value());  // nothing new
  auto report = Verify();
  EXPECT_TRUE(report.ok);
  EXPECT_EQ(report.checkpoints_checked, 3);
  EXPECT_TRUE(report.signatures_checked);

  AuditLog unsigned_log(*store_, clock_, nullptr);
  EXPECT_EQ(unsigned_log.CheckpointIfDue(true).error().code(), StatusCode::kFailedPrecondition);
}

TEST_P(AuditLogTest, PiiDigestsAreKeyedAndStable) {
  std::string d = log_->PiiDigest("Jane Q. Public");
  EXPECT_TRUE(d.starts_with("hmac-sha256:")) << d;
  EXPECT_EQ(d, log_->PiiDigest("Jane Q. Public"));
  EXPECT_NE(d, log_->PiiDigest("Jane Q. Publik"));
  EXPECT_EQ(d.find("Jane"), std::string::npos);
  AuditLog other_key(*store_, clock_, nullptr);
  EXPECT_NE(other_key.PiiDigest("Jane Q. Public"), d);
}

INSTANTIATE_TEST_SUITE_P(Stores, AuditLogTest, ::testing::Values("memory", "sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kycloud::audit
