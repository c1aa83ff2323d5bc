#include "kycloud/storage/settings_store.h"

namespace kycloud::storage {

Result<std::optional<std::string>> SqlSettingsStore::Get(std::string_view key) {
  KY_ASSIGN_OR_RETURN(Rows rows, QueryOnce(db_, "SELECT value FROM settings WHERE key = ?", {key}));
  if (rows.empty()) return std::optional<std::string>();
  return std::optional<std::string>(rows[0][0].AsText());
}

Result<std::string> SqlSettingsStore::PutIfAbsent(std::string_view key, std::string_view value) {
  std::string stored;
  KY_TRY(db_.Transact(TxMode::kWrite, [&](Session& s) -> Status {
    KY_TRY(s.Execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
                     {key, value}));
    KY_ASSIGN_OR_RETURN(Rows rows, s.Query("SELECT value FROM settings WHERE key = ?", {key}));
    if (rows.empty()) return InternalError("setting missing after its insert");
    stored = rows[0][0].AsText();
    return OkStatus();
  }));
  return stored;
}

Result<bool> SqlSettingsStore::Replace(std::string_view key, std::string_view expected,
                                       std::string_view value) {
  KY_ASSIGN_OR_RETURN(std::int64_t n,
                      ExecuteOnce(db_, "UPDATE settings SET value = ? WHERE key = ? AND value = ?",
                                  {value, key, expected}));
  return n == 1;
}

}  // namespace kycloud::storage
