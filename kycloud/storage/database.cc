#include "kycloud/storage/database.h"

namespace kycloud::storage {

std::string_view DialectName(Dialect d) { return d == Dialect::kSqlite ? "sqlite" : "postgresql"; }

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

}  // namespace kycloud::storage
