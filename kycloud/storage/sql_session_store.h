// SqlSessionStore: SessionStore on a Database (SQLite or PostgreSQL), table console_sessions.
//
// Thread-safety: as SessionStore.
#pragma once

#include "kycloud/storage/database.h"
#include "kycloud/storage/session_store.h"

namespace kycloud::storage {

class SqlSessionStore final : public SessionStore {
 public:
  // `db` must outlive the store.
  explicit SqlSessionStore(Database& db) : db_(db) {}
  Status Insert(const SessionRecord& session) override;
  Result<SessionRecord> Find(std::string_view token_hash) override;
  Status Delete(std::string_view token_hash) override;
  Result<int64_t> DeleteForKey(std::string_view key_id) override;
  Result<int64_t> DeleteExpired(Timestamp now) override;

 private:
  Database& db_;
};

}  // namespace kycloud::storage
