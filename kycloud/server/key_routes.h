// API key management over HTTP (admin only):
//   POST   /v1/keys       {"name", "role"} -> 201 with the key, shown this once
//   GET    /v1/keys       -> every key (never secrets)
//   GET    /v1/keys/{id}  -> one key
//   DELETE /v1/keys/{id}  -> revokes it; refusing to revoke the last active admin key (409)
#pragma once

#include "kycloud/audit/audit_log.h"
#include "kycloud/base/clock.h"
#include "kycloud/server/api_key_auth.h"
#include "kycloud/server/router.h"
#include "kycloud/storage/api_key_store.h"

namespace kycloud::server {

// The arguments must outlive the router.
// With `audit`, creating and revoking a key append "key.created" / "key.revoked" entries.
void AddKeyRoutes(Router& router, storage::ApiKeyStore& store, ApiKeyAuthenticator& auth,
                  const Clock& clock, audit::AuditLog* audit = nullptr);

}  // namespace kycloud::server
