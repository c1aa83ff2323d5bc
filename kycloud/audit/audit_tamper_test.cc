// Tampering with the stored audit log, as an administrator with access to the database file
// could: bytes of entries, leaf hashes and subtree hashes changed in the SQLite file itself;
// rows deleted, reordered and rewritten with SQL. `VerifyAuditLog` (what `kycloud audit verify`
// runs) must catch each change and name the first bad leaf; the untouched log verifies.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "kycloud/audit/audit_log.h"
#include "kycloud/audit/audit_verifier.h"
#include "kycloud/storage/open_database.h"
#include "kycloud/storage/sql_audit_store.h"
#include "kycloud/storage/testing/test_database.h"

namespace kycloud::audit {
namespace {

constexpr int kEntries = 200;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}
void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

class AuditTamperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = storage::testing::MakeTestDatabase("sqlite");
    ASSERT_TRUE(t.has_value()) << t.error();
    test_db_ = std::move(*t);
    path_ = test_db_->options.uri.substr(std::string("sqlite:").size());
    key_ = std::make_unique<SigningKey>(*SigningKey::Generate("kycloud-test"));
    FakeClock clock;
    storage::SqlAuditStore store(*test_db_->db);
    AuditLog log(store, clock, key_.get());
    for (int i = 0; i < kEntries; ++i) {
      auto e = log.Append({i % 2 ? "screening.result" : "case.event",
                           "kyc_officer" + std::to_string(i % 3),
                           "{\"case\":\"C-" + std::to_string(1000 + i) + "\"}"});
      ASSERT_TRUE(e.has_value()) << e.error();
      appended_.push_back(*e);
      if ((i + 1) % 50 == 0) {
        ASSERT_TRUE(log.CheckpointIfDue(true).has_value());
      }
    }
    test_db_->db.reset();  // closes the file (and folds the WAL into it)
    ASSERT_FALSE(std::filesystem::exists(path_ + "-wal") &&
                 std::filesystem::file_size(path_ + "-wal") > 0);
    original_ = ReadFile(path_);
  }

  VerifyReport VerifyFile() {
    auto db = storage::OpenDatabase(test_db_->options);
    EXPECT_TRUE(db.has_value()) << db.error();
    if (!db.has_value()) return {};
    storage::SqlAuditStore store(**db);
    VerifyOptions o;
    o.key = *ParseVerifierKey(key_->VerifierKey());
    auto r = VerifyAuditLog(store, o);
    EXPECT_TRUE(r.has_value()) << r.error();
    return r.value_or(VerifyReport{});
  }
  // Flips one byte of the file at `pos`, verifies, restores the original.
  VerifyReport VerifyWithByteFlipped(size_t pos) {
    std::string bytes = original_;
    bytes[pos] ^= 0x01;
    WriteFile(path_, bytes);
    VerifyReport r = VerifyFile();
    WriteFile(path_, original_);
    return r;
  }
  size_t FindUnique(std::string_view needle) {
    size_t pos = original_.find(needle);
    EXPECT_NE(pos, std::string::npos);
    EXPECT_EQ(original_.find(needle, pos + 1), std::string::npos) << "not unique";
    return pos;
  }
  Status Sql(const std::string& sql) {
    auto db = storage::OpenDatabase(test_db_->options);
    if (!db.has_value()) return db.error();
    auto r = storage::ExecuteOnce(**db, sql);
    return r.has_value() ? OkStatus() : r.error();
  }

  std::unique_ptr<storage::testing::TestDatabase> test_db_;
  std::string path_, original_;
  std::unique_ptr<SigningKey> key_;
  std::vector<AppendedEntry> appended_;
};

TEST_F(AuditTamperTest, UntouchedLogVerifies) {
  VerifyReport r = VerifyFile();
  EXPECT_TRUE(r.ok) << (r.problems.empty() ? "" : r.problems[0]);
  EXPECT_EQ(r.entries, kEntries);
  EXPECT_EQ(r.checkpoints_checked, 4);
}

// Every byte of a sample of stored entries, changed one at a time in the database file.
TEST_F(AuditTamperTest, EveryChangedEntryByteIsFoundAtItsLeaf) {
  for (int leaf : {0, 1, 63, 64, 137, kEntries - 1}) {
    const std::string& entry = appended_[leaf].entry;
    size_t start = FindUnique(entry);
    for (size_t i = 0; i < entry.size(); ++i) {
      VerifyReport r = VerifyWithByteFlipped(start + i);
      ASSERT_FALSE(r.ok) << "leaf " << leaf << " byte " << i;
      ASSERT_EQ(r.first_bad_leaf, leaf) << "byte " << i << ": " << r.problems[0];
    }
  }
}

TEST_F(AuditTamperTest, EveryChangedHashByteIsFound) {
  for (int leaf : {5, 100, 198}) {
    std::string hash(reinterpret_cast<const char*>(appended_[leaf].leaf_hash.data()), 32);
    size_t start = FindUnique(hash);
    for (size_t i = 0; i < 32; ++i) {
      VerifyReport r = VerifyWithByteFlipped(start + i);
      ASSERT_FALSE(r.ok);
      ASSERT_EQ(r.first_bad_leaf, leaf) << r.problems[0];
    }
  }
  // A stored subtree hash: level 3, index 2 covers entries 16..23.
  CompactTree t;
  Hash node{};
  for (int i = 0; i < 24; ++i) {
    for (const auto& [id, h] : t.Append(appended_[i].leaf_hash)) {
      if (id.level == 3 && id.index == 2) node = h;
    }
  }
  size_t start = FindUnique(std::string(reinterpret_cast<const char*>(node.data()), 32));
  for (size_t i = 0; i < 32; ++i) {
    VerifyReport r = VerifyWithByteFlipped(start + i);
    ASSERT_FALSE(r.ok);
    ASSERT_EQ(r.first_bad_leaf, 16) << r.problems[0];
  }
}

TEST_F(AuditTamperTest, DeletedEntryIsNamed) {
  ASSERT_TRUE(Sql("DELETE FROM audit_entries WHERE idx = 77").ok());
  VerifyReport r = VerifyFile();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_leaf, 77);
}

TEST_F(AuditTamperTest, DeletedTailIsCaughtByTheCheckpoint) {
  ASSERT_TRUE(Sql("DELETE FROM audit_entries WHERE idx >= 190").ok());
  ASSERT_TRUE(Sql("UPDATE audit_head SET size = 190").ok());
  VerifyReport r = VerifyFile();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_leaf, 190);
}

TEST_F(AuditTamperTest, ReorderedEntriesAreNamed) {
  // Swap two entries together with their leaf hashes.
  ASSERT_TRUE(Sql("UPDATE audit_entries SET idx = -1 WHERE idx = 30").ok());
  ASSERT_TRUE(Sql("UPDATE audit_entries SET idx = 30 WHERE idx = 31").ok());
  ASSERT_TRUE(Sql("UPDATE audit_entries SET idx = 31 WHERE idx = -1").ok());
  VerifyReport r = VerifyFile();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_leaf, 30);
}

// An editor who rehashes everything in the database (entry, leaf, every subtree) is caught by
// the signed checkpoints, which bound the damage.
TEST_F(AuditTamperTest, ConsistentRewriteIsCaughtBySignedCheckpoints) {
  auto db = storage::OpenDatabase(test_db_->options);
  ASSERT_TRUE(db.has_value());
  std::string forged = appended_[120].entry;
  forged.replace(forged.find("C-1120"), 6, "C-9999");
  Hash leaf = LeafHash(forged);
  ASSERT_TRUE(storage::ExecuteOnce(
                  **db, "UPDATE audit_entries SET entry = ?, leaf_hash = ? WHERE idx = 120",
                  {forged, storage::Value::Blob(
                               std::string(reinterpret_cast<const char*>(leaf.data()), 32))})
                  .has_value());
  CompactTree t;
  for (int i = 0; i < kEntries; ++i) {
    for (const auto& [id, h] : t.Append(i == 120 ? leaf : appended_[i].leaf_hash)) {
      if (id.level == 0) continue;
      ASSERT_TRUE(
          storage::ExecuteOnce(
              **db, "UPDATE audit_nodes SET hash = ? WHERE level = ? AND idx = ?",
              {storage::Value::Blob(std::string(reinterpret_cast<const char*>(h.data()), 32)),
               id.level, static_cast<long long>(id.index)})
              .has_value());
    }
  }
  db->reset();
  VerifyReport r = VerifyFile();
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.first_bad_leaf, 100);  // after the good checkpoint at 100, before the one at 150
  bool bounded = false;
  for (const auto& p : r.problems) bounded |= p.find("entries 100..149") != std::string::npos;
  EXPECT_TRUE(bounded) << r.problems[0];
}

}  // namespace
}  // namespace kycloud::audit
