// The storage conformance suite: the same cases against SQLite and against a real PostgreSQL.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <limits>
#include <thread>
#include <vector>

#include "kycloud/storage/migrations.h"
#include "kycloud/storage/open_database.h"
#include "kycloud/storage/postgres/postgres_database.h"
#include "kycloud/storage/testing/test_database.h"

namespace kycloud::storage {
namespace {

using testing::MakeTestDatabase;
using testing::TestDatabase;

class DatabaseConformanceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto t = MakeTestDatabase(GetParam());
    ASSERT_TRUE(t.has_value()) << t.error();
    t_ = std::move(*t);
    ASSERT_TRUE(ExecuteOnce(db(),
                            "CREATE TABLE items (id BIGINT PRIMARY KEY, name TEXT UNIQUE, "
                            "score DOUBLE PRECISION, data " +
                                std::string(GetParam() == "sqlite" ? "BLOB" : "BYTEA") + ")")
                    .has_value());
  }
  Database& db() { return *t_->db; }
  std::unique_ptr<TestDatabase> t_;
};

TEST_P(DatabaseConformanceTest, DialectAndPing) {
  EXPECT_EQ(DialectName(db().dialect()), GetParam());
  EXPECT_TRUE(db().Ping().ok());
  EXPECT_EQ(db().Describe().find("password"), std::string::npos);
}

TEST_P(DatabaseConformanceTest, MigrationsAppliedOnceAndIdempotent) {
  auto v = SchemaVersion(db());
  ASSERT_TRUE(v.has_value()) << v.error();
  EXPECT_EQ(*v, static_cast<int>(SchemaMigrations().size()));
  EXPECT_TRUE(Migrate(db(), SchemaMigrations()).ok());
  EXPECT_EQ(*SchemaVersion(db()), static_cast<int>(SchemaMigrations().size()));
  auto rows = QueryOnce(db(), "SELECT COUNT(*) FROM schema_migrations");
  ASSERT_TRUE(rows.has_value()) << rows.error();
  EXPECT_EQ((*rows)[0][0].AsInt(), static_cast<int64_t>(SchemaMigrations().size()));
}

TEST_P(DatabaseConformanceTest, RefusesUnknownNewerSchema) {
  ASSERT_TRUE(ExecuteOnce(db(),
                          "INSERT INTO schema_migrations (version, name, checksum, applied_at) "
                          "VALUES (999, 'future', 'x', 0)")
                  .has_value());
  Status st = Migrate(db(), SchemaMigrations());
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition) << st;
  EXPECT_NE(st.message().find("newer"), std::string_view::npos);
}

TEST_P(DatabaseConformanceTest, RefusesEditedMigration) {
  std::vector<Migration> edited(SchemaMigrations().begin(), SchemaMigrations().end());
  edited[0].sql = "CREATE TABLE something_else (x TEXT)";
  Status st = Migrate(db(), edited);
  EXPECT_EQ(st.code(), StatusCode::kFailedPrecondition) << st;
}

TEST_P(DatabaseConformanceTest, FailedMigrationAppliesNothing) {
  std::vector<Migration> more(SchemaMigrations().begin(), SchemaMigrations().end());
  int next = static_cast<int>(more.size()) + 1;
  more.push_back({next, "broken", "CREATE TABLE half_done (x TEXT); THIS IS NOT SQL;"});
  Status st = Migrate(db(), more);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("broken"), std::string_view::npos) << st;
  EXPECT_EQ(*SchemaVersion(db()), next - 1);
  EXPECT_FALSE(QueryOnce(db(), "SELECT * FROM half_done").has_value());
}

TEST_P(DatabaseConformanceTest, RoundTripsEveryValueType) {
  std::string blob("\0\x01\xff\x7f binary", 11);
  std::string text = "Ünïcödé 名前 'quoted' ? \"dq\"";
  const int64_t big = std::numeric_limits<int64_t>::max();
  const int64_t small = std::numeric_limits<int64_t>::min();
  ASSERT_TRUE(ExecuteOnce(db(), "INSERT INTO items (id, name, score, data) VALUES (?, ?, ?, ?)",
                          {big, text, 0.125, Value::Blob(blob)})
                  .has_value());
  ASSERT_TRUE(ExecuteOnce(db(), "INSERT INTO items (id, name, score, data) VALUES (?, ?, ?, ?)",
                          {small, nullptr, std::optional<double>(), Value::Blob("")})
                  .has_value());
  auto rows = QueryOnce(db(), "SELECT id, name, score, data FROM items ORDER BY id DESC");
  ASSERT_TRUE(rows.has_value()) << rows.error();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0][0].AsInt(), big);
  EXPECT_EQ((*rows)[0][1].AsText(), text);
  EXPECT_DOUBLE_EQ((*rows)[0][2].AsReal(), 0.125);
  EXPECT_EQ((*rows)[0][3].AsBlob(), blob);
  EXPECT_EQ((*rows)[1][0].AsInt(), small);
  EXPECT_TRUE((*rows)[1][1].is_null());
  EXPECT_TRUE((*rows)[1][2].is_null());
  EXPECT_EQ((*rows)[1][3].AsBlob(), "");
  EXPECT_EQ(rows->columns, (std::vector<std::string>{"id", "name", "score", "data"}));
}

TEST_P(DatabaseConformanceTest, PlaceholdersInsideQuotesAreLiteral) {
  auto rows = QueryOnce(db(), "SELECT 'what?' , ? ", {"x"});
  ASSERT_TRUE(rows.has_value()) << rows.error();
  EXPECT_EQ((*rows)[0][0].AsText(), "what?");
  EXPECT_EQ((*rows)[0][1].AsText(), "x");
}

TEST_P(DatabaseConformanceTest, ExecuteReportsChangedRows) {
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(ExecuteOnce(db(), "INSERT INTO items (id, name) VALUES (?, ?)",
                            {i, "n" + std::to_string(i)})
                    .has_value());
  }
  auto n = ExecuteOnce(db(), "UPDATE items SET score = 1 WHERE id < ?", {3});
  ASSERT_TRUE(n.has_value()) << n.error();
  EXPECT_EQ(*n, 3);
  std::vector<int64_t> deleted;
  ASSERT_TRUE(db().Transact(TxMode::kWrite,
                            [&](Session& s) -> Status {
                              KY_ASSIGN_OR_RETURN(
                                  Rows r,
                                  s.Query("DELETE FROM items WHERE id >= ? RETURNING id", {3}));
                              for (const Row& row : r.rows) deleted.push_back(row[0].AsInt());
                              return OkStatus();
                            })
                  .ok());
  std::sort(deleted.begin(), deleted.end());
  EXPECT_EQ(deleted, (std::vector<int64_t>{3, 4}));
}

TEST_P(DatabaseConformanceTest, UniqueViolationIsAlreadyExists) {
  ASSERT_TRUE(ExecuteOnce(db(), "INSERT INTO items (id, name) VALUES (1, 'a')").has_value());
  auto dup_pk = ExecuteOnce(db(), "INSERT INTO items (id, name) VALUES (1, 'b')");
  ASSERT_FALSE(dup_pk.has_value());
  EXPECT_EQ(dup_pk.error().code(), StatusCode::kAlreadyExists) << dup_pk.error();
  auto dup_name = ExecuteOnce(db(), "INSERT INTO items (id, name) VALUES (2, 'a')");
  ASSERT_FALSE(dup_name.has_value());
  EXPECT_EQ(dup_name.error().code(), StatusCode::kAlreadyExists);
}

TEST_P(DatabaseConformanceTest, AReadOnlyDatabaseIsUnavailableNotAConflict) {
  // A write refused because the database is read-only (a PostgreSQL standby after a failover,
  // a SQLite file on a read-only mount) is Unavailable with reason "read_only": 503, not 409.
  Status refused = db().Transact(TxMode::kWrite, [&](Session& s) -> Status {
    const bool pg = s.dialect() == Dialect::kPostgres;
    KY_TRY(s.Execute(pg ? "SET TRANSACTION READ ONLY" : "PRAGMA query_only = 1"));
    Status st = StatusOf(s.Execute("INSERT INTO items (id, name) VALUES (7, 'ro')"));
    if (!pg) KY_TRY(s.Execute("PRAGMA query_only = 0"));
    return st;
  });
  EXPECT_EQ(refused.code(), StatusCode::kUnavailable) << refused;
  EXPECT_EQ(refused.reason(), "read_only") << refused;
  // Nothing was written, and the database takes writes again.
  EXPECT_TRUE(QueryOnce(db(), "SELECT id FROM items")->empty());
  EXPECT_TRUE(ExecuteOnce(db(), "INSERT INTO items (id, name) VALUES (7, 'rw')").has_value());
}

TEST_P(DatabaseConformanceTest, BadSqlIsAnErrorValue) {
  auto r = QueryOnce(db(), "SELEKT nonsense");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kInternal);
}

// A batch joins this thread's transactions into one: a failing body (even one whose statement
// failed in the engine, as a duplicate key does) undoes only its own writes; the batch commits
// the rest at once; a failing batch undoes everything; nested batches join the outer one.
TEST_P(DatabaseConformanceTest, BatchJoinsTransactionsWithSavepoints) {
  auto insert = [&](int id, const std::string& name) {
    return ExecuteOnce(db(), "INSERT INTO items (id, name) VALUES (?, ?)",
                       {static_cast<long long>(id), name});
  };
  Status st = db().Batch([&]() -> Status {
    EXPECT_TRUE(insert(1, "a").has_value());
    EXPECT_EQ(insert(2, "a").error().code(), StatusCode::kAlreadyExists);  // engine error
    Status mine = db().Transact(TxMode::kWrite, [](Session& s) -> Status {
      KY_TRY(s.Execute("INSERT INTO items (id, name) VALUES (3, 'c')"));
      return InvalidArgumentError("changed my mind");
    });
    EXPECT_EQ(mine.code(), StatusCode::kInvalidArgument);
    KY_TRY(db().Batch([&]() -> Status { return StatusOf(insert(4, "d")); }));
    // Reads inside the batch see its writes.
    EXPECT_EQ((*QueryOnce(db(), "SELECT COUNT(*) FROM items"))[0][0].AsInt(), 2);
    return OkStatus();
  });
  ASSERT_TRUE(st.ok()) << st;
  auto rows = QueryOnce(db(), "SELECT id FROM items ORDER BY id");
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0][0].AsInt(), 1);
  EXPECT_EQ((*rows)[1][0].AsInt(), 4);

  st = db().Batch([&]() -> Status {
    EXPECT_TRUE(insert(5, "e").has_value());
    return UnavailableError("disk full");
  });
  EXPECT_EQ(st.code(), StatusCode::kUnavailable);
  EXPECT_EQ((*QueryOnce(db(), "SELECT COUNT(*) FROM items"))[0][0].AsInt(), 2);
}

TEST_P(DatabaseConformanceTest, FailedBodyRollsBack) {
  Status st = db().Transact(TxMode::kWrite, [](Session& s) -> Status {
    KY_TRY(s.Execute("INSERT INTO items (id, name) VALUES (1, 'a')"));
    return InvalidArgumentError("changed my mind");
  });
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*QueryOnce(db(), "SELECT COUNT(*) FROM items"))[0][0].AsInt(), 0);
}

TEST_P(DatabaseConformanceTest, BodyIgnoringAFailedStatementDoesNotCommitHalf) {
  Status st = db().Transact(TxMode::kWrite, [](Session& s) -> Status {
    KY_TRY(s.Execute("INSERT INTO items (id, name) VALUES (1, 'a')"));
    (void)s.Execute("INSERT INTO items (id, name) VALUES (1, 'dup')");  // ignored failure
    return OkStatus();
  });
  // SQLite keeps the transaction usable after a failed statement; PostgreSQL aborts it. Either
  // the first insert is committed (SQLite) or nothing is and an error is reported (PostgreSQL).
  auto count = (*QueryOnce(db(), "SELECT COUNT(*) FROM items"))[0][0].AsInt();
  if (GetParam() == "postgresql") {
    EXPECT_FALSE(st.ok());
    EXPECT_EQ(count, 0);
  } else {
    EXPECT_TRUE(st.ok()) << st;
    EXPECT_EQ(count, 1);
  }
}

TEST_P(DatabaseConformanceTest, ConcurrentWritersLoseNoUpdate) {
  ASSERT_TRUE(ExecuteOnce(db(), "INSERT INTO items (id, score) VALUES (1, 0)").has_value());
  constexpr int kThreads = 4, kIncrements = 50;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        Status st = db().Transact(TxMode::kWrite, [](Session& s) -> Status {
          KY_TRY(s.Execute("UPDATE items SET score = score + 1 WHERE id = 1"));
          return OkStatus();
        });
        if (!st.ok()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_DOUBLE_EQ((*QueryOnce(db(), "SELECT score FROM items WHERE id = 1"))[0][0].AsReal(),
                   kThreads * kIncrements);
}

TEST_P(DatabaseConformanceTest, ReadersSeeOnlyCommittedData) {
  std::atomic<bool> inserted{false}, checked{false};
  std::thread writer([&] {
    (void)db().Transact(TxMode::kWrite, [&](Session& s) -> Status {
      KY_TRY(s.Execute("INSERT INTO items (id, name) VALUES (7, 'uncommitted')"));
      inserted = true;
      while (!checked) std::this_thread::yield();
      return OkStatus();
    });
  });
  while (!inserted) std::this_thread::yield();
  auto rows = QueryOnce(db(), "SELECT COUNT(*) FROM items");
  checked = true;
  writer.join();
  ASSERT_TRUE(rows.has_value()) << rows.error();
  EXPECT_EQ((*rows)[0][0].AsInt(), 0);
  EXPECT_EQ((*QueryOnce(db(), "SELECT COUNT(*) FROM items"))[0][0].AsInt(), 1);
}

TEST_P(DatabaseConformanceTest, CommittedDataSurvivesReopen) {
  ASSERT_TRUE(ExecuteOnce(db(), "INSERT INTO items (id, name) VALUES (42, 'kept')").has_value());
  t_->db.reset();
  auto reopened = OpenDatabase(t_->options);
  ASSERT_TRUE(reopened.has_value()) << reopened.error();
  t_->db = std::move(*reopened);
  auto rows = QueryOnce(db(), "SELECT name FROM items WHERE id = 42");
  ASSERT_TRUE(rows.has_value());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0][0].AsText(), "kept");
}

INSTANTIATE_TEST_SUITE_P(Backends, DatabaseConformanceTest,
                         ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

TEST(OpenDatabaseTest, RejectsUnknownSchemesAndBadOptions) {
  StorageOptions o;
  o.uri = "mysql://x";
  auto r = OpenDatabase(o);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.error().field(), "storage.uri");
  o.uri = "sqlite:";
  EXPECT_EQ(OpenDatabase(o).error().code(), StatusCode::kInvalidArgument);
  o.uri = "sqlite::memory:";
  o.sqlite_synchronous = "sometimes";
  EXPECT_EQ(OpenDatabase(o).error().field(), "storage.sqlite_synchronous");
  o.sqlite_synchronous = "full";
  o.pool_size = 0;
  EXPECT_EQ(OpenDatabase(o).error().code(), StatusCode::kInvalidArgument);
}

TEST(OpenDatabaseTest, UnreachablePostgresIsUnavailable) {
  StorageOptions o;
  o.uri = "postgresql://kycloud@127.0.0.1:1/none";
  o.busy_timeout_ms = 1000;
  auto r = OpenDatabase(o);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kUnavailable) << r.error();
}

TEST(OpenDatabaseTest, MemorySqliteWorks) {
  StorageOptions o;
  o.uri = "sqlite::memory:";
  auto db = OpenDatabase(o);
  ASSERT_TRUE(db.has_value()) << db.error();
  EXPECT_TRUE((*db)->Ping().ok());
}

TEST(OpenDatabaseTest, DetectsPasswordsInUris) {
  EXPECT_TRUE(UriHasPassword("postgresql://u:secret@h/db"));
  EXPECT_TRUE(UriHasPassword("postgresql://h/db?password=x"));
  EXPECT_FALSE(UriHasPassword("postgresql://u@h:5432/db"));
  EXPECT_FALSE(UriHasPassword("postgresql://h:5432/db"));
  EXPECT_FALSE(UriHasPassword("sqlite:./var/x.db"));
}

TEST(PostgresPlaceholderTest, RewritesOutsideQuotesAndComments) {
  EXPECT_EQ(PostgresDatabase::RewritePlaceholders("SELECT ?, '?''?', \"a?\", ? -- ?\n, ?"),
            "SELECT $1, '?''?', \"a?\", $2 -- ?\n, $3");
}

}  // namespace
}  // namespace kycloud::storage
