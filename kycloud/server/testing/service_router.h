// ServiceRouter(): every route `kycloud serve` registers (the same Add*Routes functions
// apps/kycloud calls), over in-memory and throw-away SQLite stores, for tests and fuzz targets
// that need the whole API without a process: the OpenAPI and role-matrix tests and routes_fuzz.
//
// Thread-safety: the stores behind it are process-wide singletons, created on first call.
#pragma once

#include "kycloud/server/api_key_auth.h"
#include "kycloud/server/router.h"
#include "kycloud/storage/memory_api_key_store.h"

namespace kycloud::server::testing {

// The API keys the router's authenticator checks (tests add keys of each role here).
storage::MemoryApiKeyStore& Keys();
ApiKeyAuthenticator& Auth();
// A new router over the shared stores.
Router ServiceRouter();

}  // namespace kycloud::server::testing
