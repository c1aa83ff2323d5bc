// CIP records over HTTP (cip/onboarding.h, docs/cip.md):
//   POST  /v1/customers  a CIP record (Idempotency-Key header optional) -> 201 the customer with
//         its decision (approve | verify | review | reject), reasons, verification state,
//         classification evidence, screening (status, hits, alerts) and policy version; 503
//         while the lists load; 200 for an idempotent replay; 422 naming
//         the field (JSON pointer) and the rule (error code "cip.*"); 409 for an existing id or a
//         reused key. Nothing is stored on an error.
//   GET   /v1/customers/{id} -> 200 the record (personal data opened: the read is audited)
//   PATCH /v1/customers/{id}  changed top-level fields -> 200 re-validated, re-classified,
//         re-decided; a new beneficial owner re-triggers verification.
//   POST  /v1/customers/{id}/access-events {"events": [{ip, at, action}]} (up to 10,000) -> 200
//         {received, accepted, errors: [{index, field, message}], countries, decision}; IPs sealed,
//         countries in clear; a new country re-decides the customer (cip/access_log.h).
//   GET   /v1/customers/{id}/access-events?limit=N -> 200 the latest events with their IPs (the
//         read is audited).
//   GET   /v1/customers?status=&country=&verification=&decision=&after=&limit= -> 200 rows
//         without personal data, by id (keyset pagination with `after`).
// Roles: admin, officer and integrator create and change; admin, officer and auditor read.
#pragma once

#include "kycloud/audit/audit_log.h"
#include "kycloud/cip/access_log.h"
#include "kycloud/cip/onboarding.h"
#include "kycloud/server/router.h"
#include "kycloud/storage/customer_store.h"

namespace kycloud::server {

// The references (and `audit`, which may be null) must outlive the router.
void AddCustomerRoutes(Router& router, cip::Onboarding& onboarding,
                       storage::CustomerStore& customers, audit::AuditLog* audit);
// The access-event routes; `cipher` opens the IPs on reads.
void AddAccessEventRoutes(Router& router, cip::AccessLog& log, storage::CustomerStore& customers,
                          const storage::PiiCipher& cipher, audit::AuditLog* audit);

}  // namespace kycloud::server
