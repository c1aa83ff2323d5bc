#include "kycloud/storage/postgres/postgres_database.h"

#include <fmt/format.h>
#include <libpq-fe.h>

#include <cstdlib>
#include <cstring>

namespace kycloud::storage {

namespace {

// Type OIDs from pg_type.dat (stable across PostgreSQL versions).
constexpr Oid kBoolOid = 16, kByteaOid = 17, kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23,
              kOidOid = 26, kFloat4Oid = 700, kFloat8Oid = 701, kNumericOid = 1700;

Status StatusFromSqlState(const char* sqlstate, std::string msg) {
  std::string_view s = sqlstate ? sqlstate : "";
  if (s == "23505") return AlreadyExistsError(std::move(msg));
  if (s.starts_with("23")) return FailedPreconditionError(std::move(msg));
  if (s == "40001" || s == "40P01") return AbortedError(std::move(msg));
  // A read-only transaction or server (a standby, default_transaction_read_only).
  if (s == "25006") return UnavailableError(std::move(msg)).WithReason("read_only");
  if (s == "53100") return UnavailableError(std::move(msg)).WithReason("disk_full");
  if (s.starts_with("08") || s.starts_with("57") || s.starts_with("53") || s == "55P03") {
    return UnavailableError(std::move(msg));
  }
  return InternalError(std::move(msg));
}

std::string TrimmedError(PGconn* conn) {
  std::string m = PQerrorMessage(conn);
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

// Removes the password from a URI for display.
std::string StripPassword(std::string_view uri) {
  std::string out(uri);
  auto scheme = out.find("://");
  if (scheme != std::string::npos) {
    auto at = out.find('@', scheme + 3);
    auto slash = out.find('/', scheme + 3);
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
      auto colon = out.find(':', scheme + 3);
      if (colon != std::string::npos && colon < at) out.replace(colon, at - colon, ":***");
    }
  }
  return out;
}

}  // namespace

class PostgresConnection final : public Session {
 public:
  explicit PostgresConnection(PGconn* conn) : conn_(conn) {}
  ~PostgresConnection() override { PQfinish(conn_); }

  Dialect dialect() const override { return Dialect::kPostgres; }

  Result<std::int64_t> Execute(std::string_view sql, const Params& params) override {
    KY_ASSIGN_OR_RETURN(PGresult * res, Run(sql, params));
    const char* n = PQcmdTuples(res);
    std::int64_t changed = (n && *n) ? std::strtoll(n, nullptr, 10) : 0;
    PQclear(res);
    return changed;
  }

  Result<Rows> Query(std::string_view sql, const Params& params) override {
    KY_ASSIGN_OR_RETURN(PGresult * res, Run(sql, params));
    Rows out;
    int ncol = PQnfields(res), nrow = PQntuples(res);
    for (int c = 0; c < ncol; ++c) out.columns.emplace_back(PQfname(res, c));
    out.rows.reserve(nrow);
    for (int r = 0; r < nrow; ++r) {
      Row row;
      row.values.reserve(ncol);
      for (int c = 0; c < ncol; ++c) {
        if (PQgetisnull(res, r, c)) {
          row.values.emplace_back();
          continue;
        }
        const char* v = PQgetvalue(res, r, c);
        int len = PQgetlength(res, r, c);
        switch (PQftype(res, c)) {
          case kInt8Oid:
          case kInt4Oid:
          case kInt2Oid:
          case kOidOid:
            row.values.emplace_back(static_cast<long long>(std::strtoll(v, nullptr, 10)));
            break;
          case kBoolOid:
            row.values.emplace_back(v[0] == 't' ? 1 : 0);
            break;
          case kFloat4Oid:
          case kFloat8Oid:
          case kNumericOid:
            row.values.emplace_back(std::strtod(v, nullptr));
            break;
          case kByteaOid: {
            size_t n = 0;
            unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(v), &n);
            row.values.push_back(Value::Blob(std::string(reinterpret_cast<char*>(raw), n)));
            PQfreemem(raw);
            break;
          }
          default:
            row.values.emplace_back(std::string(v, static_cast<size_t>(len)));
        }
      }
      out.rows.push_back(std::move(row));
    }
    PQclear(res);
    return out;
  }

  Status ExecuteScript(std::string_view sql) override {
    std::string text(sql);
    PGresult* res = PQexec(conn_, text.c_str());
    Status st = Check(res, "script");
    PQclear(res);
    return st;
  }

  // Re-establishes a broken connection. Returns false if it is still broken.
  bool EnsureConnected() {
    if (PQstatus(conn_) == CONNECTION_OK) return true;
    PQreset(conn_);
    return PQstatus(conn_) == CONNECTION_OK;
  }
  PGconn* handle() { return conn_; }
  std::string LastError() { return TrimmedError(conn_); }

 private:
  Status Check(PGresult* res, std::string_view what) {
    ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) return OkStatus();
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    std::string msg = res ? PQresultErrorMessage(res) : "";
    if (msg.empty()) msg = TrimmedError(conn_);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    if (!state && PQstatus(conn_) != CONNECTION_OK) state = "08006";
    return StatusFromSqlState(state, fmt::format("{}: {}", what, msg));
  }

  Result<PGresult*> Run(std::string_view sql, const Params& params) {
    std::string text = PostgresDatabase::RewritePlaceholders(sql);
    std::vector<std::string> storage(params.size());
    std::vector<const char*> values(params.size());
    std::vector<int> lengths(params.size()), formats(params.size());
    for (size_t i = 0; i < params.size(); ++i) {
      const Value& v = params[i];
      switch (v.type()) {
        case Value::Type::kNull:
          values[i] = nullptr;
          continue;
        case Value::Type::kInt:
          storage[i] = std::to_string(v.AsInt());
          break;
        case Value::Type::kReal:
          storage[i] = fmt::format("{}", v.AsReal());
          break;
        case Value::Type::kText:
          storage[i] = v.AsText();
          break;
        case Value::Type::kBlob:
          storage[i] = v.AsBlob();
          formats[i] = 1;
          break;
      }
      values[i] = storage[i].c_str();
      lengths[i] = static_cast<int>(storage[i].size());
    }
    PGresult* res = PQexecParams(conn_, text.c_str(), static_cast<int>(params.size()), nullptr,
                                 values.data(), lengths.data(), formats.data(), 0);
    Status st = Check(res, "statement");
    if (!st.ok()) {
      PQclear(res);
      return Err(st);
    }
    return res;
  }

  PGconn* conn_;
};

std::string PostgresDatabase::RewritePlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (c == '\'' || c == '"') {  // copy a quoted literal or identifier ('' and "" escape)
      size_t j = i + 1;
      while (j < sql.size()) {
        if (sql[j] == c) {
          if (j + 1 < sql.size() && sql[j + 1] == c) {
            j += 2;
            continue;
          }
          break;
        }
        ++j;
      }
      out.append(sql.substr(i, j - i + 1));
      i = j;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      size_t j = sql.find('\n', i);
      if (j == std::string_view::npos) j = sql.size() - 1;
      out.append(sql.substr(i, j - i + 1));
      i = j;
    } else if (c == '?') {
      out += '$';
      out += std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

Result<std::unique_ptr<Database>> PostgresDatabase::Open(const StorageOptions& options) {
  auto db = std::unique_ptr<PostgresDatabase>(new PostgresDatabase(StripPassword(options.uri)));
  std::string timeout = std::to_string(std::max(1, (options.busy_timeout_ms + 999) / 1000));
  std::string schema = options.postgres_schema;
  for (char c : schema) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) {
      return Err(InvalidArgumentError("storage.postgres_schema may hold only letters, digits, _")
                     .WithField("storage.postgres_schema"));
    }
  }
  for (int i = 0; i < options.pool_size; ++i) {
    std::vector<const char*> keys = {"dbname", "connect_timeout", "application_name"};
    std::vector<const char*> vals = {options.uri.c_str(), timeout.c_str(), "kycloud"};
    if (!options.password.empty()) {
      keys.push_back("password");
      vals.push_back(options.password.c_str());
    }
    keys.push_back(nullptr);
    vals.push_back(nullptr);
    PGconn* raw = PQconnectdbParams(keys.data(), vals.data(), /*expand_dbname=*/1);
    auto conn = std::make_unique<PostgresConnection>(raw);
    if (PQstatus(raw) != CONNECTION_OK) {
      return Err(UnavailableError(
          fmt::format("cannot connect to {}: {}", db->described_uri_, conn->LastError())));
    }
    std::string setup = fmt::format(
        "SET client_min_messages = warning; SET lock_timeout = {}; SET TIME ZONE 'UTC';",
        options.busy_timeout_ms);
    if (!schema.empty()) {
      setup +=
          fmt::format(" CREATE SCHEMA IF NOT EXISTS \"{0}\"; SET search_path TO \"{0}\";", schema);
    }
    if (Status st = conn->ExecuteScript(setup); !st.ok()) {
      // Two connections creating the schema at once may race; retry once.
      if (Status again = conn->ExecuteScript(setup); !again.ok()) return Err(again);
    }
    db->pool_.Add(std::move(conn));
  }
  return std::unique_ptr<Database>(std::move(db));
}

PostgresDatabase::PostgresDatabase(std::string described) : described_uri_(std::move(described)) {}
PostgresDatabase::~PostgresDatabase() = default;

Status PostgresDatabase::TransactOnce(TxMode mode, const std::function<Status(Session&)>& body) {
  auto conn = pool_.Acquire();
  if (!conn->EnsureConnected()) {
    return UnavailableError(
        fmt::format("database {} unreachable: {}", described_uri_, conn->LastError()));
  }
  KY_RETURN_IF_ERROR(conn->ExecuteScript(mode == TxMode::kWrite ? "BEGIN" : "BEGIN READ ONLY"));
  Status st = body(*conn);
  if (st.ok() && PQtransactionStatus(conn->handle()) == PQTRANS_INERROR) {
    // A statement failed and the body carried on: PostgreSQL would turn COMMIT into ROLLBACK.
    st = InternalError("transaction aborted by an earlier failed statement");
  }
  if (st.ok()) {
    st = conn->ExecuteScript("COMMIT");
    if (st.ok()) return st;
  }
  if (PQtransactionStatus(conn->handle()) != PQTRANS_IDLE) (void)conn->ExecuteScript("ROLLBACK");
  return st;
}

}  // namespace kycloud::storage
