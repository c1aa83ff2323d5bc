// SqlCipRequestStore: CipRequestStore on a Database (SQLite or PostgreSQL), table cip_requests.
//
// Thread-safety: as CipRequestStore.
#pragma once

#include "kycloud/storage/cip_request_store.h"
#include "kycloud/storage/database.h"

namespace kycloud::storage {

class SqlCipRequestStore final : public CipRequestStore {
 public:
  // `db` must outlive the store.
  explicit SqlCipRequestStore(Database& db) : db_(db) {}

  Result<CipRequestRow> Put(const CipRequestRow& row) override;
  Result<CipRequestRow> Get(std::string_view id) override;
  Result<std::vector<CipRequestRow>> List(const std::optional<std::string>& status) override;

 private:
  Database& db_;
};

}  // namespace kycloud::storage
