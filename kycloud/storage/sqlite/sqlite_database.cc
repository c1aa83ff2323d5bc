#include "kycloud/storage/sqlite/sqlite_database.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <filesystem>
#include <list>
#include <unordered_map>

namespace kycloud::storage {

namespace {

Status SqliteError(sqlite3* db, int rc, std::string_view what) {
  int ext = db ? sqlite3_extended_errcode(db) : rc;
  std::string msg =
      fmt::format("{}: {} (sqlite {})", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc), ext);
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return AlreadyExistsError(std::move(msg));
      }
      return FailedPreconditionError(std::move(msg));
    case SQLITE_FULL:
      return UnavailableError(std::move(msg)).WithReason("disk_full");
    case SQLITE_READONLY:
      return UnavailableError(std::move(msg)).WithReason("read_only");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
      return UnavailableError(std::move(msg));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return DataLossError(std::move(msg));
    default:
      return InternalError(std::move(msg));
  }
}

}  // namespace

// One sqlite3 handle with its statement cache. Used by one transaction at a time.
class SqliteConnection final : public Session {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  Dialect dialect() const override { return Dialect::kSqlite; }

  Result<std::int64_t> Execute(std::string_view sql, const Params& params) override {
    KY_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql, params));
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
    Status st = rc == SQLITE_DONE ? OkStatus() : SqliteError(db_, rc, "execute");
    sqlite3_reset(stmt);
    if (!st.ok()) return Err(st);
    return static_cast<std::int64_t>(sqlite3_changes64(db_));
  }

  Result<Rows> Query(std::string_view sql, const Params& params) override {
    KY_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql, params));
    Rows out;
    int ncol = sqlite3_column_count(stmt);
    for (int i = 0; i < ncol; ++i) out.columns.emplace_back(sqlite3_column_name(stmt, i));
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      Row row;
      row.values.reserve(ncol);
      for (int i = 0; i < ncol; ++i) {
        switch (sqlite3_column_type(stmt, i)) {
          case SQLITE_INTEGER:
            row.values.emplace_back(static_cast<long long>(sqlite3_column_int64(stmt, i)));
            break;
          case SQLITE_FLOAT:
            row.values.emplace_back(sqlite3_column_double(stmt, i));
            break;
          case SQLITE_TEXT:
            row.values.emplace_back(
                std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, i)),
                            static_cast<size_t>(sqlite3_column_bytes(stmt, i))));
            break;
          case SQLITE_BLOB: {
            const void* p = sqlite3_column_blob(stmt, i);
            int n = sqlite3_column_bytes(stmt, i);
            row.values.push_back(Value::Blob(p ? std::string(static_cast<const char*>(p), n) : ""));
            break;
          }
          default:
            row.values.emplace_back();
        }
      }
      out.rows.push_back(std::move(row));
    }
    Status st = rc == SQLITE_DONE ? OkStatus() : SqliteError(db_, rc, "query");
    sqlite3_reset(stmt);
    if (!st.ok()) return Err(st);
    return out;
  }

  Status ExecuteScript(std::string_view sql) override {
    char* err = nullptr;
    std::string text(sql);
    int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      Status st = SqliteError(db_, rc, "script");
      sqlite3_free(err);
      return st;
    }
    return OkStatus();
  }

  sqlite3* handle() { return db_; }

 private:
  static constexpr size_t kMaxCached = 128;

  Result<sqlite3_stmt*> Prepare(std::string_view sql, const Params& params) {
    sqlite3_stmt* stmt = nullptr;
    auto it = cache_.find(std::string(sql));
    if (it != cache_.end()) {
      stmt = it->second;
      sqlite3_clear_bindings(stmt);
    } else {
      int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                  SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
      if (rc != SQLITE_OK) {
        // The statement names what failed; a long one (an IN list) is cut for the log.
        const std::string_view shown = std::string_view(sql).substr(0, 200);
        return Err(SqliteError(
            db_, rc, fmt::format("prepare '{}{}'", shown, sql.size() > 200 ? "..." : "")));
      }
      if (cache_.size() >= kMaxCached) {
        for (auto& [k, s] : cache_) sqlite3_finalize(s);
        cache_.clear();
      }
      cache_.emplace(std::string(sql), stmt);
    }
    int expected = sqlite3_bind_parameter_count(stmt);
    if (expected != static_cast<int>(params.size())) {
      return Err(InternalError(fmt::format("statement '{}' takes {} parameters, {} given", sql,
                                           expected, params.size())));
    }
    for (int i = 0; i < expected; ++i) {
      const Value& v = params[i];
      int rc = SQLITE_OK;
      switch (v.type()) {
        case Value::Type::kNull:
          rc = sqlite3_bind_null(stmt, i + 1);
          break;
        case Value::Type::kInt:
          rc = sqlite3_bind_int64(stmt, i + 1, v.AsInt());
          break;
        case Value::Type::kReal:
          rc = sqlite3_bind_double(stmt, i + 1, v.AsReal());
          break;
        case Value::Type::kText:
          rc = sqlite3_bind_text64(stmt, i + 1, v.AsText().data(), v.AsText().size(),
                                   SQLITE_TRANSIENT, SQLITE_UTF8);
          break;
        case Value::Type::kBlob:
          rc = sqlite3_bind_blob64(stmt, i + 1, v.AsBlob().data(), v.AsBlob().size(),
                                   SQLITE_TRANSIENT);
          break;
      }
      if (rc != SQLITE_OK) return Err(SqliteError(db_, rc, "bind"));
    }
    return stmt;
  }

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

Result<std::unique_ptr<Database>> SqliteDatabase::Open(const StorageOptions& options) {
  std::string path = options.uri.substr(std::string_view("sqlite:").size());
  if (path.starts_with("//")) path = path.substr(2);  // sqlite:///abs/path
  if (path.empty()) {
    return Err(
        InvalidArgumentError("sqlite URI needs a path: sqlite:PATH").WithField("storage.uri"));
  }
  const std::string& sync = options.sqlite_synchronous;
  if (sync != "full" && sync != "normal") {
    return Err(
        InvalidArgumentError(
            fmt::format("storage.sqlite_synchronous must be 'full' or 'normal', got '{}'", sync))
            .WithField("storage.sqlite_synchronous"));
  }
  bool memory = path == ":memory:";
  if (!memory) {
    std::error_code ec;
    auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) {
      return Err(UnavailableError(
          fmt::format("cannot create directory {}: {}", parent.string(), ec.message())));
    }
  }
  auto db = std::unique_ptr<SqliteDatabase>(new SqliteDatabase(path));
  // An in-memory database exists per connection, so it gets exactly one.
  int connections = memory ? 1 : options.pool_size;
  for (int i = 0; i < connections; ++i) {
    sqlite3* handle = nullptr;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path.c_str(), &handle, flags, nullptr);
    if (rc != SQLITE_OK) {
      Status st = SqliteError(handle, rc, fmt::format("open {}", path));
      sqlite3_close_v2(handle);
      return Err(st);
    }
    auto conn = std::make_unique<SqliteConnection>(handle);
    sqlite3_busy_timeout(handle, options.busy_timeout_ms);
    sqlite3_extended_result_codes(handle, 1);
    std::string pragmas = fmt::format(
        "PRAGMA foreign_keys=ON; PRAGMA synchronous={}; PRAGMA temp_store=MEMORY;", sync);
    if (i == 0 && !memory) pragmas = "PRAGMA journal_mode=WAL; " + pragmas;
    if (Status st = conn->ExecuteScript(pragmas); !st.ok()) {
      return Err(st.Annotate(fmt::format("configure {}", path)));
    }
    db->pool_.Add(std::move(conn));
  }
  return std::unique_ptr<Database>(std::move(db));
}

SqliteDatabase::SqliteDatabase(std::string path) : path_(std::move(path)) {}
SqliteDatabase::~SqliteDatabase() = default;

Status SqliteDatabase::TransactOnce(TxMode mode, const std::function<Status(Session&)>& body) {
  std::unique_lock<std::mutex> write_lock(write_mu_, std::defer_lock);
  if (mode == TxMode::kWrite) write_lock.lock();
  auto conn = pool_.Acquire();
  KY_RETURN_IF_ERROR(conn->ExecuteScript(mode == TxMode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN"));
  Status st = body(*conn);
  if (st.ok()) {
    st = conn->ExecuteScript("COMMIT");
    if (st.ok()) return st;
  }
  if (!sqlite3_get_autocommit(conn->handle())) (void)conn->ExecuteScript("ROLLBACK");
  return st;
}

}  // namespace kycloud::storage
