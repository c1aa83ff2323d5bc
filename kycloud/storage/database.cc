#include "kycloud/storage/database.h"

namespace kycloud::storage {

std::string_view DialectName(Dialect d) { return d == Dialect::kSqlite ? "sqlite" : "postgresql"; }

Status Database::Ping() {
  return Transact(TxMode::kRead, [](Session& s) -> Status {
    KY_ASSIGN_OR_RETURN(Rows r, s.Query("SELECT 1"));
    return r.size() == 1 ? OkStatus() : InternalError("SELECT 1 returned no row");
  });
}

Status Database::Transact(TxMode mode, const std::function<Status(Session&)>& body) {
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
