// Officers' dispositions of screening hits over HTTP (storage/disposition_store.h):
//   POST /v1/screening/dispositions
//        {"subject_id"? | "query"? {name, date_of_birth?}, "list", "entity_id",
//         "decision"?: "false_positive" (the only one), "reason"}
//        -> 201 {"subject", "list", "entity_id", "entity_fingerprint", "decision", "reason",
//                "decided_by", "decided_at"}
//        The subject is screening::SubjectKey of the subject_id or the query, as POST /v1/screen
//        computes it. 422 naming the field; 404 if the list entity is not in the loaded lists.
//        Roles: admin, officer.
// ApplyDispositions() marks the hits of a POST /v1/screen response: a hit with a false-positive
// disposition whose entity fingerprint is still the entity's gets "suppressed": true and the
// "disposition"; one with a confirmed match ("true_match", from a case closed as a true positive)
// gets "confirmed": true and raises no new alert; one whose entity changed since gets the
// disposition with "stale": true and keeps alerting.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "kycloud/audit/audit_log.h"
#include "kycloud/base/clock.h"
#include "kycloud/screening/index_holder.h"
#include "kycloud/screening/screener.h"
#include "kycloud/server/router.h"
#include "kycloud/storage/disposition_store.h"

namespace kycloud::server {

// `holder`, `store`, `clock` and `audit` must outlive the router. With `audit`, each disposition
// appends a "screening.disposition" entry (subject and reason as digests) before it is stored.
void AddDispositionRoutes(Router& router, const screening::IndexHolder& holder,
                          storage::DispositionStore& store, const Clock& clock,
                          audit::AuditLog* audit = nullptr);

// `results[i]` is the {"query", "hits"} object of `queries[i]`, hits made by HitJson from
// `index`. Adds "alerts" (hits not suppressed) to each result.
Status ApplyDispositions(const screening::ScreeningIndex& index,
                         const std::vector<screening::ScreeningQuery>& queries,
                         storage::DispositionStore& store, nlohmann::json& results);

}  // namespace kycloud::server
