// Console sign-in sessions (web/, docs/console.md). A person signs in with an API key once
// (POST /v1/sessions); the server answers with a random session token in an HttpOnly,
// SameSite=Strict cookie, which scripts cannot read, and a CSRF token that the console keeps in
// memory and sends in X-CSRF-Token with every request that changes something. The API key itself
// never stays in the browser.
//
// A session acts with its API key's role and id (audit entries and four-eyes checks see the key),
// lasts SessionOptions::lifetime from sign-in, and ends at sign-out or when its key is revoked
// (checked on every request). Sessions are stored in the database (storage/session_store.h), so
// every instance on it accepts them.
//
// Thread-safety: SessionAuthenticator is safe to use from many threads.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "kycloud/base/clock.h"
#include "kycloud/base/result.h"
#include "kycloud/server/api_key_auth.h"
#include "kycloud/server/http_types.h"
#include "kycloud/storage/api_key_store.h"
#include "kycloud/storage/session_store.h"

namespace kycloud::server {

inline constexpr std::string_view kSessionCookie = "kycloud_session";

struct SessionOptions {
  // How long a session lasts from sign-in. Default: 8 hours.
  std::chrono::minutes lifetime{8 * 60};
  // Adds "Secure" to the cookie: set it when the console is served over HTTPS (directly or
  // behind a TLS proxy). Default: false (the default listen address is loopback HTTP).
  bool secure_cookie = false;
};

struct OpenedSession {
  std::string token;  // the cookie's value; shown once, only its hash is stored
  Principal principal;
  ConsoleSession session;
};

class SessionAuthenticator {
 public:
  // Every argument must outlive the authenticator.
  SessionAuthenticator(storage::SessionStore& sessions, storage::ApiKeyStore& keys,
                       ApiKeyAuthenticator& key_auth, const Clock& clock,
                       SessionOptions options = {});

  // Signs in with an API key's plaintext. Errors: Unauthenticated (malformed, unknown or revoked
  // key); Unavailable when the database cannot be reached.
  Result<OpenedSession> Open(std::string_view api_key);

  // The session named by a Cookie header. Errors: Unauthenticated (no session cookie, unknown,
  // expired or signed-out session, key revoked).
  Result<std::pair<Principal, ConsoleSession>> Authenticate(std::string_view cookie_header);

  // Signs out. Deleting a session that is already gone is not an error.
  Status Close(const ConsoleSession& session);

  // Set-Cookie values that set and clear the session cookie.
  std::string SetCookie(const OpenedSession& opened) const;
  std::string ClearCookie() const;

 private:
  storage::SessionStore& sessions_;
  storage::ApiKeyStore& keys_;
  ApiKeyAuthenticator& key_auth_;
  const Clock& clock_;
  SessionOptions options_;
};

// The value of the session cookie in a Cookie header, or "" when there is none.
std::string_view SessionCookieValue(std::string_view cookie_header);
// Compares two secrets in time that depends only on their lengths.
bool SecretsEqual(std::string_view a, std::string_view b);

}  // namespace kycloud::server
