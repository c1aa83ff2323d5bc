// API keys: generation, hashing, roles, and the authenticator used on every /v1 request.
//
// A key is "kyc_" followed by 40 random characters from [0-9A-Za-z] (about 238 bits). Its id,
// shown in listings and logs, is "kyc_" plus the first 8 of those characters; only the SHA-256 of
// the whole key is stored (a fast hash suffices: the keys are random, not chosen by people).
//
// Thread-safety: ApiKeyAuthenticator is safe to use from many threads.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "kycloud/base/clock.h"
#include "kycloud/base/result.h"
#include "kycloud/server/http_types.h"
#include "kycloud/storage/api_key_store.h"

namespace kycloud::server {

// The roles, in the order of the API documentation.
inline constexpr std::string_view kRoles[] = {"admin", "officer", "auditor", "integrator",
                                              "ingest"};
bool IsValidRole(std::string_view role);

struct NewApiKey {
  std::string plaintext;  // shown once, never stored
  storage::ApiKeyRecord record;
};

// A fresh key for `name` and `role`. Errors: InvalidArgument (field /name or /role).
Result<NewApiKey> GenerateApiKey(std::string_view name, std::string_view role,
                                 std::string_view created_by, const Clock& clock);
std::string HashApiKey(std::string_view plaintext);

// Creates a key and stores it, retrying on the (astronomically unlikely) id collision.
Result<NewApiKey> CreateApiKey(storage::ApiKeyStore& store, std::string_view name,
                               std::string_view role, std::string_view created_by,
                               const Clock& clock);

struct AuthOptions {
  // How long a successful lookup is reused before asking the store again. A revocation made on
  // another server instance takes effect within this time; on this instance, at once.
  // Default: 5 s.
  std::chrono::milliseconds cache_ttl{5000};
};

class ApiKeyAuthenticator {
 public:
  ApiKeyAuthenticator(storage::ApiKeyStore& store, const Clock& clock, AuthOptions options = {});

  // Checks an Authorization header value ("Bearer kyc_..."). Errors: Unauthenticated (missing,
  // malformed, unknown or revoked key); Unavailable when the store cannot be reached.
  Result<Principal> Authenticate(std::string_view authorization_header);

  // Forgets cached lookups of `key_id` (call after revoking it).
  void Invalidate(std::string_view key_id);

 private:
  struct Entry {
    Principal principal;
    std::chrono::steady_clock::time_point fetched;
  };
  storage::ApiKeyStore& store_;
  const Clock& clock_;
  AuthOptions options_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> cache_;  // by secret hash
};

}  // namespace kycloud::server
