// ApiKeyStore: the API keys that authenticate callers of /v1. Only a hash of each secret is
// stored; the plaintext is shown once, when the key is created.
//
// Thread-safety: implementations are safe to use from many threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kycloud/base/result.h"
#include "kycloud/base/time.h"

namespace kycloud::storage {

struct ApiKeyRecord {
  std::string id;           // public identifier, "kyc_" + 8 characters of the key
  std::string name;         // what the key is for, e.g. "billing-integration"
  std::string role;         // admin, officer, auditor, integrator, ingest
  std::string secret_hash;  // lower-case hex SHA-256 of the whole key
  Timestamp created_at;
  std::string created_by;  // id of the key that created it, or "bootstrap" / "cli"
  std::optional<Timestamp> revoked_at;

  bool active() const { return !revoked_at.has_value(); }
  friend bool operator==(const ApiKeyRecord&, const ApiKeyRecord&) = default;
};

class ApiKeyStore {
 public:
  virtual ~ApiKeyStore() = default;
  // Errors: AlreadyExists if the id or the secret hash is taken.
  virtual Status Insert(const ApiKeyRecord& key) = 0;
  // Inserts `key` only if no bootstrap key was ever created (atomic across processes sharing the
  // database). Returns true if inserted.
  virtual Result<bool> InsertBootstrapKey(const ApiKeyRecord& key) = 0;
  // Errors: NotFound.
  virtual Result<ApiKeyRecord> FindBySecretHash(std::string_view secret_hash) = 0;
  virtual Result<ApiKeyRecord> Get(std::string_view id) = 0;
  // All keys, revoked ones included, oldest first.
  virtual Result<std::vector<ApiKeyRecord>> List() = 0;
  // Errors: NotFound; FailedPrecondition if already revoked.
  virtual Status Revoke(std::string_view id, Timestamp at) = 0;
};

}  // namespace kycloud::storage
