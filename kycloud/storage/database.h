// Database and Session: the SQL seam between kycloud's stores and a storage engine. Stores are
// written once against this interface in the common subset of SQLite and PostgreSQL SQL, with '?'
// placeholders; each backend translates what differs (placeholders, types in migrations, error
// codes). Nothing outside storage/ and the composition root knows which backend is in use.
//
// Errors every backend maps the same way:
//   AlreadyExists      unique or primary-key violation
//   FailedPrecondition foreign-key or check violation
//   Aborted            serialization failure or deadlock (Transact() retries these)
//   Unavailable        cannot connect, database busy past the timeout; disk full (reason
//                      "disk_full"), read-only database (reason "read_only"): the service
//                      answers 503 and keeps what it had
//   Internal           anything else (bad SQL is a programmer error but is still a value)
//
// Thread-safety: a Database is safe to use from many threads; a Session belongs to the one
// Transact() call that received it and must not escape it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "kycloud/base/result.h"
#include "kycloud/storage/value.h"

namespace kycloud::storage {

enum class Dialect { kSqlite, kPostgres };
std::string_view DialectName(Dialect d);  // "sqlite", "postgresql"

// What a transaction may do. Read transactions may run concurrently; write transactions are
// serialised by SQLite and isolated (read committed, row locks) by PostgreSQL.
enum class TxMode { kRead, kWrite };

class Session {
 public:
  virtual ~Session() = default;
  virtual Dialect dialect() const = 0;
  // Runs one statement; returns the number of rows changed (0 for DDL).
  virtual Result<std::int64_t> Execute(std::string_view sql, const Params& params = {}) = 0;
  // Runs one statement that returns rows (SELECT, or INSERT/UPDATE ... RETURNING).
  virtual Result<Rows> Query(std::string_view sql, const Params& params = {}) = 0;
  // Runs several ';'-separated statements without parameters (migrations).
  virtual Status ExecuteScript(std::string_view sql) = 0;
};

class Database {
 public:
  virtual ~Database() = default;
  virtual Dialect dialect() const = 0;
  // The URI with any password removed, for logs and `kycloud info`.
  virtual std::string Describe() const = 0;
  // Checks that the database answers a trivial query (used by /readyz).
  Status Ping();
  // Runs `body` in one transaction: committed if body returns OK, rolled back otherwise (and the
  // body's Status returned). Retries the whole body up to 3 times on Aborted, so a body must
  // have no side effects outside the Session. A write is durable once Transact returns OK.
  Status Transact(TxMode mode, const std::function<Status(Session&)>& body);
  // Bulk work: runs `work` with every Transact() that this thread makes on this database joined
  // into one write transaction, each in its own savepoint (a body that fails rolls back only its
  // own writes and returns its error to its caller as usual). Commits when `work` returns OK,
  // rolls everything back otherwise; a write is durable once Batch returns OK. One disk flush for
  // the lot instead of one per Transact(). Retries `work` on Aborted like Transact(), so `work`
  // must be repeatable. Other threads' write transactions wait for the batch: keep it short.
  // Nested Batch() calls join the outer one.
  Status Batch(const std::function<Status()>& work);

 protected:
  // One attempt of Transact(): BEGIN, body, COMMIT or ROLLBACK.
  virtual Status TransactOnce(TxMode mode, const std::function<Status(Session&)>& body) = 0;
};

// "?,?,?" with n marks, for IN lists and VALUES rows.
std::string Placeholders(size_t n);

// Convenience: a single statement in its own transaction.
Result<std::int64_t> ExecuteOnce(Database& db, std::string_view sql, const Params& params = {});
Result<Rows> QueryOnce(Database& db, std::string_view sql, const Params& params = {});

}  // namespace kycloud::storage
