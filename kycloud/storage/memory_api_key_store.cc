#include "kycloud/storage/memory_api_key_store.h"

#include <algorithm>

namespace kycloud::storage {

Status MemoryApiKeyStore::InsertLocked(const ApiKeyRecord& key) {
  for (const auto& k : keys_) {
    if (k.id == key.id || k.secret_hash == key.secret_hash) {
      return AlreadyExistsError("API key id or secret already exists");
    }
  }
  keys_.push_back(key);
  return OkStatus();
}

Status MemoryApiKeyStore::Insert(const ApiKeyRecord& key) {
  std::lock_guard<std::mutex> lock(mu_);
  return InsertLocked(key);
}

Result<bool> MemoryApiKeyStore::InsertBootstrapKey(const ApiKeyRecord& key) {
  std::lock_guard<std::mutex> lock(mu_);
  if (bootstrapped_) return false;
  KY_TRY(InsertLocked(key));
  bootstrapped_ = true;
  return true;
}

Result<ApiKeyRecord> MemoryApiKeyStore::FindBySecretHash(std::string_view secret_hash) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& k : keys_) {
    if (k.secret_hash == secret_hash) return k;
  }
  return Err(NotFoundError("no such API key"));
}

Result<ApiKeyRecord> MemoryApiKeyStore::Get(std::string_view id) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& k : keys_) {
    if (k.id == id) return k;
  }
  return Err(NotFoundError("no such API key"));
}

Result<std::vector<ApiKeyRecord>> MemoryApiKeyStore::List() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<ApiKeyRecord> out = keys_;
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.created_at != b.created_at ? a.created_at < b.created_at : a.id < b.id;
  });
  return out;
}

Status MemoryApiKeyStore::Revoke(std::string_view id, Timestamp at) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& k : keys_) {
    if (k.id != id) continue;
    if (k.revoked_at) return FailedPreconditionError("API key is already revoked");
    k.revoked_at = at;
    return OkStatus();
  }
  return NotFoundError("no such API key");
}

}  // namespace kycloud::storage
