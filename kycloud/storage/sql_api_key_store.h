// SqlApiKeyStore: ApiKeyStore on a Database (SQLite or PostgreSQL), table api_keys.
//
// Thread-safety: as ApiKeyStore.
#pragma once

#include "kycloud/storage/api_key_store.h"
#include "kycloud/storage/database.h"

namespace kycloud::storage {

class SqlApiKeyStore final : public ApiKeyStore {
 public:
  // `db` must outlive the store.
  explicit SqlApiKeyStore(Database& db) : db_(db) {}

  Status Insert(const ApiKeyRecord& key) override;
  Result<bool> InsertBootstrapKey(const ApiKeyRecord& key) override;
  Result<ApiKeyRecord> FindBySecretHash(std::string_view secret_hash) override;
  Result<ApiKeyRecord> Get(std::string_view id) override;
  Result<std::vector<ApiKeyRecord>> List() override;
  Status Revoke(std::string_view id, Timestamp at) override;

 private:
  Result<ApiKeyRecord> FindOne(std::string_view column, std::string_view value);
  Database& db_;
};

}  // namespace kycloud::storage
