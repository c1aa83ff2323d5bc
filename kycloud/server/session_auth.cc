#include "kycloud/server/session_auth.h"

#include <fmt/format.h>

#include "kycloud/base/log.h"
#include "kycloud/base/random.h"
#include "kycloud/base/sha256.h"

namespace kycloud::server {

namespace {
constexpr size_t kTokenChars = 43;  // about 256 bits from [0-9A-Za-z]
constexpr size_t kCsrfChars = 32;
}  // namespace

std::string_view SessionCookieValue(std::string_view header) {
  while (!header.empty()) {
    size_t semi = header.find(';');
    std::string_view part = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.size() > kSessionCookie.size() && part.starts_with(kSessionCookie) &&
        part[kSessionCookie.size()] == '=') {
      return part.substr(kSessionCookie.size() + 1);
    }
  }
  return {};
}

bool SecretsEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

SessionAuthenticator::SessionAuthenticator(storage::SessionStore& sessions,
                                           storage::ApiKeyStore& keys,
                                           ApiKeyAuthenticator& key_auth, const Clock& clock,
                                           SessionOptions options)
    : sessions_(sessions), keys_(keys), key_auth_(key_auth), clock_(clock), options_(options) {}

Result<OpenedSession> SessionAuthenticator::Open(std::string_view api_key) {
  KY_ASSIGN_OR_RETURN(Principal principal,
                      key_auth_.Authenticate(fmt::format("Bearer {}", api_key)));
  Timestamp now = clock_.Now();
  if (auto swept = sessions_.DeleteExpired(now); !swept.has_value()) {
    KY_LOG_WARN("could not delete expired console sessions: {}", swept.error().ToString());
  }
  OpenedSession out;
  out.token = RandomAlphanumeric(kTokenChars);
  storage::SessionRecord record{
      Sha256Hex(out.token), principal.key_id, RandomAlphanumeric(kCsrfChars), now,
      now + std::chrono::duration_cast<std::chrono::microseconds>(options_.lifetime)};
  KY_TRY(sessions_.Insert(record));
  out.principal = std::move(principal);
  out.session = {record.token_hash, record.csrf_token, FormatRfc3339(record.expires_at)};
  return out;
}

Result<std::pair<Principal, ConsoleSession>> SessionAuthenticator::Authenticate(
    std::string_view cookie_header) {
  std::string_view token = SessionCookieValue(cookie_header);
  if (token.empty()) {
    return Err(UnauthenticatedError("sign in first: no API key and no session cookie"));
  }
  if (token.size() != kTokenChars) return Err(UnauthenticatedError("malformed session cookie"));
  auto record = sessions_.Find(Sha256Hex(token));
  if (!record.has_value()) {
    if (record.error().code() == StatusCode::kNotFound) {
      return Err(UnauthenticatedError("the session has ended: sign in again"));
    }
    return Err(record.error());
  }
  if (record->expires_at <= clock_.Now()) {
    return Err(UnauthenticatedError("the session has expired: sign in again"));
  }
  auto key = keys_.Get(record->key_id);
  if (!key.has_value()) {
    if (key.error().code() == StatusCode::kNotFound) {
      return Err(UnauthenticatedError("the session's API key no longer exists"));
    }
    return Err(key.error());
  }
  if (!key->active()) return Err(UnauthenticatedError("the session's API key has been revoked"));
  return std::make_pair(
      Principal{key->id, key->name, key->role},
      ConsoleSession{record->token_hash, record->csrf_token, FormatRfc3339(record->expires_at)});
}

Status SessionAuthenticator::Close(const ConsoleSession& session) {
  return sessions_.Delete(session.token_hash);
}

std::string SessionAuthenticator::SetCookie(const OpenedSession& opened) const {
  return fmt::format("{}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Strict{}", kSessionCookie,
                     opened.token,
                     std::chrono::duration_cast<std::chrono::seconds>(options_.lifetime).count(),
                     options_.secure_cookie ? "; Secure" : "");
}

std::string SessionAuthenticator::ClearCookie() const {
  return fmt::format("{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict{}", kSessionCookie,
                     options_.secure_cookie ? "; Secure" : "");
}

}  // namespace kycloud::server
