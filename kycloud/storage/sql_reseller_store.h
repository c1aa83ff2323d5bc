// SqlResellerStore: ResellerStore on a Database (SQLite or PostgreSQL), table resellers.
//
// Thread-safety: as ResellerStore.
#pragma once

#include "kycloud/storage/database.h"
#include "kycloud/storage/reseller_store.h"

namespace kycloud::storage {

class SqlResellerStore final : public ResellerStore {
 public:
  // `db` must outlive the store.
  explicit SqlResellerStore(Database& db) : db_(db) {}

  Result<ResellerRow> Put(const ResellerRow& row) override;
  Result<ResellerRow> Get(std::string_view customer_id) override;
  Result<std::vector<ResellerRow>> List(const std::optional<std::string>& status) override;

 private:
  Database& db_;
};

}  // namespace kycloud::storage
