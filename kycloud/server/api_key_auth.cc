#include "kycloud/server/api_key_auth.h"

#include <fmt/format.h>

#include <algorithm>

#include "kycloud/base/random.h"
#include "kycloud/base/sha256.h"

namespace kycloud::server {

namespace {
constexpr std::string_view kPrefix = "kyc_";
constexpr size_t kSecretChars = 40;
constexpr size_t kIdChars = 8;
constexpr size_t kMaxCacheEntries = 10000;
}  // namespace

bool IsValidRole(std::string_view role) {
  return std::find(std::begin(kRoles), std::end(kRoles), role) != std::end(kRoles);
}

std::string HashApiKey(std::string_view plaintext) { return Sha256Hex(plaintext); }

Result<NewApiKey> GenerateApiKey(std::string_view name, std::string_view role,
                                 std::string_view created_by, const Clock& clock) {
  if (name.empty() || name.size() > 100) {
    return Err(InvalidArgumentError("name must be 1 to 100 characters").WithField("/name"));
  }
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f) {
      return Err(
          InvalidArgumentError("name must not contain control characters").WithField("/name"));
    }
  }
  if (!IsValidRole(role)) {
    return Err(
        InvalidArgumentError(
            fmt::format("unknown role '{}': one of admin, officer, auditor, integrator, ingest",
                        role))
            .WithField("/role"));
  }
  std::string secret = RandomAlphanumeric(kSecretChars);
  NewApiKey key;
  key.plaintext = std::string(kPrefix) + secret;
  key.record.id = std::string(kPrefix) + secret.substr(0, kIdChars);
  key.record.name = std::string(name);
  key.record.role = std::string(role);
  key.record.secret_hash = HashApiKey(key.plaintext);
  key.record.created_at = clock.Now();
  key.record.created_by = std::string(created_by);
  return key;
}

Result<NewApiKey> CreateApiKey(storage::ApiKeyStore& store, std::string_view name,
                               std::string_view role, std::string_view created_by,
                               const Clock& clock) {
  for (int attempt = 0;; ++attempt) {
    KY_ASSIGN_OR_RETURN(NewApiKey key, GenerateApiKey(name, role, created_by, clock));
    Status st = store.Insert(key.record);
    if (st.ok()) return key;
    if (st.code() != StatusCode::kAlreadyExists || attempt == 3) return Err(st);
  }
}

ApiKeyAuthenticator::ApiKeyAuthenticator(storage::ApiKeyStore& store, const Clock& clock,
                                         AuthOptions options)
    : store_(store), clock_(clock), options_(options) {}

Result<Principal> ApiKeyAuthenticator::Authenticate(std::string_view header) {
  constexpr std::string_view kBearer = "Bearer ";
  if (header.empty()) {
    return Err(UnauthenticatedError("missing Authorization header: send 'Bearer kyc_...'"));
  }
  if (header.size() < kBearer.size() ||
      !std::equal(kBearer.begin(), kBearer.end(), header.begin(),
                  [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
    return Err(UnauthenticatedError("Authorization header must use the Bearer scheme"));
  }
  std::string_view key = header.substr(kBearer.size());
  while (!key.empty() && key.front() == ' ') key.remove_prefix(1);
  while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
  if (!key.starts_with(kPrefix) || key.size() != kPrefix.size() + kSecretChars) {
    return Err(UnauthenticatedError("malformed API key"));
  }
  std::string hash = HashApiKey(key);
  auto now = clock_.Monotonic();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = cache_.find(hash);
    if (it != cache_.end() && now - it->second.fetched < options_.cache_ttl) {
      return it->second.principal;
    }
  }
  auto record = store_.FindBySecretHash(hash);
  if (!record.has_value()) {
    if (record.error().code() == StatusCode::kNotFound) {
      return Err(UnauthenticatedError("unknown API key"));
    }
    return Err(record.error());
  }
  if (!record->active()) return Err(UnauthenticatedError("API key has been revoked"));
  Principal p{record->id, record->name, record->role};
  std::lock_guard<std::mutex> lock(mu_);
  if (cache_.size() >= kMaxCacheEntries) cache_.clear();
  cache_[hash] = Entry{p, now};
  return p;
}

void ApiKeyAuthenticator::Invalidate(std::string_view key_id) {
  std::lock_guard<std::mutex> lock(mu_);
  std::erase_if(cache_, [&](const auto& kv) { return kv.second.principal.key_id == key_id; });
}

}  // namespace kycloud::server
