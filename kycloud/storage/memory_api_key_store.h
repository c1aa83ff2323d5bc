// MemoryApiKeyStore: an in-memory ApiKeyStore for tests of code that uses keys. It passes the same
// conformance suite as SqlApiKeyStore.
//
// Thread-safety: as ApiKeyStore (one mutex).
#pragma once

#include <mutex>
#include <vector>

#include "kycloud/storage/api_key_store.h"

namespace kycloud::storage {

class MemoryApiKeyStore final : public ApiKeyStore {
 public:
  Status Insert(const ApiKeyRecord& key) override;
  Result<bool> InsertBootstrapKey(const ApiKeyRecord& key) override;
  Result<ApiKeyRecord> FindBySecretHash(std::string_view secret_hash) override;
  Result<ApiKeyRecord> Get(std::string_view id) override;
  Result<std::vector<ApiKeyRecord>> List() override;
  Status Revoke(std::string_view id, Timestamp at) override;

 private:
  Status InsertLocked(const ApiKeyRecord& key);
  std::mutex mu_;
  bool bootstrapped_ = false;
  std::vector<ApiKeyRecord> keys_;  // in insertion order
};

}  // namespace kycloud::storage
