#include "kycloud/storage/sql_session_store.h"

#include <fmt/format.h>

namespace kycloud::storage {

namespace {

constexpr std::string_view kColumns = "token_hash, key_id, csrf_token, created_at, expires_at";

long long Micros(Timestamp t) { return static_cast<long long>(ToUnixMicros(t)); }

}  // namespace

Status SqlSessionStore::Insert(const SessionRecord& r) {
  return StatusOf(ExecuteOnce(
      db_, fmt::format("INSERT INTO console_sessions ({}) VALUES (?,?,?,?,?)", kColumns),
      {r.token_hash, r.key_id, r.csrf_token, Micros(r.created_at), Micros(r.expires_at)}));
}

Result<SessionRecord> SqlSessionStore::Find(std::string_view token_hash) {
  KY_ASSIGN_OR_RETURN(
      Rows rows,
      QueryOnce(db_, fmt::format("SELECT {} FROM console_sessions WHERE token_hash = ?", kColumns),
                {std::string(token_hash)}));
  if (rows.rows.empty()) return Err(NotFoundError("no such session"));
  const Row& r = rows.rows.front();
  return SessionRecord{r[0].AsText(), r[1].AsText(), r[2].AsText(), FromUnixMicros(r[3].AsInt()),
                       FromUnixMicros(r[4].AsInt())};
}

Status SqlSessionStore::Delete(std::string_view token_hash) {
  return StatusOf(ExecuteOnce(db_, "DELETE FROM console_sessions WHERE token_hash = ?",
                              {std::string(token_hash)}));
}

Result<int64_t> SqlSessionStore::DeleteForKey(std::string_view key_id) {
  return ExecuteOnce(db_, "DELETE FROM console_sessions WHERE key_id = ?", {std::string(key_id)});
}

Result<int64_t> SqlSessionStore::DeleteExpired(Timestamp now) {
  return ExecuteOnce(db_, "DELETE FROM console_sessions WHERE expires_at <= ?", {Micros(now)});
}

}  // namespace kycloud::storage
