// Screening over HTTP:
//   POST /v1/screen  {"queries": [query, ...] (1 to 1,000), "threshold"?: 0..1, "limit"?: 1..100}
//                    -> {"results": [{"query", "hits", "alerts"}], "lists_hash", "threshold"} in
//                    input order; hits carry "suppressed" (and "disposition") from officers'
//                    dispositions (disposition_routes.h), "alerts" counts the others;
//                    422 naming the field of a bad query, 413 for more than 1,000 queries,
//                    503 while the lists are still loading. Roles: admin, officer, integrator.
//                    A query with a "subject_id" (a customer, owner, payer...) whose hits are
//                    not suppressed raises one "screening.hit" alert per hit (cases/), listed
//                    in the result's "case_alerts"; ad-hoc queries without one raise none.
//   GET  /v1/lists   -> the loaded lists (entities, names, data dates, files), the snapshot hash
//                    and the loader's notes. Any role.
//   POST /v1/lists/reload -> loads the list directory again now (the server also polls it, see
//                    IndexHolder::Watch) -> {"changed", "lists_hash", "entities"}; a directory
//                    that fails to load keeps the lists in force and answers 409 naming the
//                    file and line.
//                    Role: admin.
#pragma once

#include "kycloud/audit/audit_log.h"
#include "kycloud/cases/case_manager.h"
#include "kycloud/screening/index_holder.h"
#include "kycloud/server/router.h"
#include "kycloud/storage/disposition_store.h"

namespace kycloud::server {

inline constexpr size_t kMaxScreenBatch = 1000;

// `holder` and `dispositions` must outlive the router.
// With `audit`, every POST /v1/screen appends a "screening.result" entry (subjects as PII
// digests, hits, lists hash) and answers its position as "audit": {leaf_index, leaf_hash}.
// With `cases`, unsuppressed hits of queries with a subject_id raise alerts.
// Also adds GET /v1/lists and GET /v1/lists/{list}/entities/{id} (one entry of the snapshot).
void AddScreenRoutes(Router& router, const screening::IndexHolder& holder,
                     storage::DispositionStore& dispositions, audit::AuditLog* audit = nullptr,
                     cases::CaseManager* cases = nullptr);
// Adds POST /v1/lists/reload for the lists in `dir`. `holder` must outlive the router.
void AddListReloadRoute(Router& router, screening::IndexHolder& holder, std::string dir);

}  // namespace kycloud::server
