// Screening over HTTP:
//   POST /v1/screen  {"queries": [query, ...] (1 to 1,000), "threshold"?: 0..1, "limit"?: 1..100}
//                    -> {"results": [{"query", "hits", "alerts"}], "lists_hash", "threshold"} in
//                    input order; hits carry "suppressed" (and "disposition") from officers'
//                    dispositions (disposition_routes.h), "alerts" counts the others;
//                    422 naming the field of a bad query, 413 for more than 1,000 queries,
//                    503 while the lists are still loading. Roles: admin, officer, integrator.
//   GET  /v1/lists   -> the loaded lists (entities, names, data dates, files), the snapshot hash
//                    and the loader's notes. Any role.
#pragma once

#include "kycloud/screening/index_holder.h"
#include "kycloud/server/router.h"
#include "kycloud/storage/disposition_store.h"

namespace kycloud::server {

inline constexpr size_t kMaxScreenBatch = 1000;

// `holder` and `dispositions` must outlive the router.
void AddScreenRoutes(Router& router, const screening::IndexHolder& holder,
                     storage::DispositionStore& dispositions);

}  // namespace kycloud::server
