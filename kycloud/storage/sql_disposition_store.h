// SqlDispositionStore: DispositionStore on a Database (SQLite or PostgreSQL), table
// screening_dispositions.
//
// Thread-safety: as DispositionStore.
#pragma once

#include "kycloud/storage/database.h"
#include "kycloud/storage/disposition_store.h"

namespace kycloud::storage {

class SqlDispositionStore final : public DispositionStore {
 public:
  // `db` must outlive the store.
  explicit SqlDispositionStore(Database& db) : db_(db) {}
  Status Put(const DispositionRecord& d) override;
  Result<std::vector<DispositionRecord>> ForSubjects(
      const std::vector<std::string>& subjects) override;

 private:
  Database& db_;
};

}  // namespace kycloud::storage
