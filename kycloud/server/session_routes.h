// Console sign-in over HTTP (server/session_auth.h, docs/console.md):
//   POST   /v1/sessions {"api_key"} -> 201 {"key_id", "name", "role", "csrf_token",
//          "expires_at"} and Set-Cookie: kycloud_session=...; HttpOnly; SameSite=Strict.
//          401 for a bad key; 422 naming /api_key when it is missing. No authentication needed.
//          Audited (session.opened).
//   GET    /v1/sessions/current -> {"key_id", "name", "role", "via": "session"|"api_key",
//          "csrf_token" and "expires_at" (sessions only)}. Any role. The console calls it on load
//          to learn who is signed in and to get its CSRF token back after a reload.
//   DELETE /v1/sessions/current -> 200 {"signed_out": true} and a cookie that clears the session;
//          422 when the request used an API key instead. Any role. Audited (session.closed).
// Requests authenticated by the cookie must send X-CSRF-Token on every method but GET (checked
// by HttpServer before any handler runs).
#pragma once

#include "kycloud/audit/audit_log.h"
#include "kycloud/server/router.h"
#include "kycloud/server/session_auth.h"

namespace kycloud::server {

// `sessions` and `audit` (may be null) must outlive the router.
void AddSessionRoutes(Router& router, SessionAuthenticator& sessions, audit::AuditLog* audit);

}  // namespace kycloud::server
