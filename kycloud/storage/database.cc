#include "kycloud/storage/database.h"

namespace kycloud::storage {

std::string_view DialectName(Dialect d) { return d == Dialect::kSqlite ? "sqlite" : "postgresql"; }

Status Database::Ping() {
  return Transact(TxMode::kRead, [](Session& s) -> Status {
    KY_ASSIGN_OR_RETURN(Rows r, s.Query("SELECT 1"));
    return r.size() == 1 ? OkStatus() : InternalError("SELECT 1 returned no row");
  });
}

namespace {

// The batch this thread has open, if any (Database::Batch).
struct OpenBatch {
  const Database* db = nullptr;
  Session* session = nullptr;
  Status broken;  // a savepoint could not be undone: the engine dropped the transaction
};
thread_local OpenBatch t_batch;

}  // namespace

Status Database::Batch(const std::function<Status()>& work) {
  if (t_batch.db == this) return work();
  if (t_batch.db != nullptr) {
    return FailedPreconditionError("a batch on another database is open on this thread");
  }
  return Transact(TxMode::kWrite, [&](Session& s) -> Status {
    t_batch = {this, &s, OkStatus()};
    struct Reset {
      ~Reset() { t_batch = {}; }
    } reset;  // also when `work` throws
    Status st = work();
    if (st.ok() && !t_batch.broken.ok()) st = t_batch.broken;
    return st;
  });
}

Status Database::Transact(TxMode mode, const std::function<Status(Session&)>& body) {
  if (t_batch.db == this) {
    if (!t_batch.broken.ok()) return t_batch.broken;
    Session& s = *t_batch.session;
    // One name for every level: SAVEPOINT, ROLLBACK TO and RELEASE act on the latest savepoint
    // of that name (SQLite and PostgreSQL alike), so nested work unwinds in order, and the
    // statements stay the same, prepared once per connection.
    KY_TRY(StatusOf(s.Execute("SAVEPOINT ky_batch", {})));
    Status st = body(s);
    if (!st.ok()) {
      Status undo = StatusOf(s.Execute("ROLLBACK TO SAVEPOINT ky_batch", {}));
      if (!undo.ok()) {
        // The engine gave up the whole transaction (SQLite on a full disk): nothing more of the
        // batch may run, or it would commit piecemeal outside it.
        t_batch.broken = undo.Annotate("rolling back a batch savepoint");
        return t_batch.broken;
      }
    }
    Status release = StatusOf(s.Execute("RELEASE SAVEPOINT ky_batch", {}));
    if (!release.ok()) {
      // The savepoint stays on the stack: an outer ROLLBACK TO would stop at it. Nothing more of
      // the batch may run.
      t_batch.broken = release.Annotate("releasing a batch savepoint");
      return t_batch.broken;
    }
    return st;
  }
  Status st;
  for (int attempt = 0; attempt < 3; ++attempt) {
    st = TransactOnce(mode, body);
    if (st.code() != StatusCode::kAborted) break;
  }
  return st;
}

Result<std::int64_t> ExecuteOnce(Database& db, std::string_view sql, const Params& params) {
  std::int64_t changed = 0;
  KY_TRY(db.Transact(TxMode::kWrite, [&](Session& s) -> Status {
    KY_ASSIGN_OR_RETURN(changed, s.Execute(sql, params));
    return OkStatus();
  }));
  return changed;
}

Result<Rows> QueryOnce(Database& db, std::string_view sql, const Params& params) {
  Rows rows;
  KY_TRY(db.Transact(TxMode::kRead, [&](Session& s) -> Status {
    KY_ASSIGN_OR_RETURN(rows, s.Query(sql, params));
    return OkStatus();
  }));
  return rows;
}

std::string Placeholders(size_t n) {
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) out += i ? ",?" : "?";
  return out;
}

}  // namespace kycloud::storage
