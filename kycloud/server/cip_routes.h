// The CIP workflow over HTTP (cip/onboarding.h, cip/retention.h, cip/certification.h,
// cip/reseller_registry.h; docs/cip.md):
//   POST  /v1/customers/{id}/verifications {outcome, method, evidence[], resolution?, note?}
//         -> 200 the customer re-decided (R9, R10); 422 naming the field and rule; 409 when no
//         verification is needed or the account is closed
//   GET   /v1/customers/{id}/verifications -> 200 each resolution with its evidence (opened; the
//         read is audited)
//   POST  /v1/customers/{id}/close -> 200 the customer, closed (the retention clock starts)
//   PUT   /v1/customers/{id}/retention-hold {"hold": bool, "reason"} -> 200 the row (audited)
//   GET   /v1/cip/due?as_of=&limit= -> 200 re-verifications due (R12) and resellers' termination
//         deadlines (R19)
//   POST  /v1/cip/purge {"as_of"?, "dry_run"?} -> 200 what was (or would be) purged (R13; admin)
//   GET   /v1/reports/cip-certification?kind=initial|annual|out_of_cycle&as_of=&from=&format=
//         json|html -> 200 the certification (R15, R16)
//   POST  /v1/resellers, GET /v1/resellers?status=, GET|PATCH /v1/resellers/{id} (R18-R20)
// Dates: "YYYY-MM-DD" (the end of that day, UTC) or RFC 3339.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "kycloud/audit/audit_log.h"
#include "kycloud/base/clock.h"
#include "kycloud/cip/cip_requests.h"
#include "kycloud/cip/onboarding.h"
#include "kycloud/cip/reseller_registry.h"
#include "kycloud/server/router.h"
#include "kycloud/storage/customer_store.h"
#include "kycloud/storage/pii_cipher.h"
#include "kycloud/storage/reseller_store.h"

namespace kycloud::server {

struct CipRouteDeps {
  cip::Onboarding& onboarding;
  cip::ResellerRegistry& resellers;
  cip::CipRequests& requests;
  storage::CustomerStore& customers;
  storage::ResellerStore& reseller_store;
  const storage::PiiCipher& cipher;
  const Clock& clock;
  audit::AuditLog* audit = nullptr;
  std::string provider = "kycloud";  // named on certifications
  // Called after a purge (not a dry run) with the ids it deleted and the actor: what the service
  // holds of them in memory goes (account linking's index). May be empty.
  std::function<void(const std::vector<std::string>& ids, const std::string& actor)> purged;
};

// The references in `deps` must outlive the router.
void AddCipRoutes(Router& router, const CipRouteDeps& deps);

// "YYYY-MM-DD" (the end of that day, UTC) or an RFC 3339 instant; `fallback` when absent.
Result<Timestamp> AsOfParam(const HttpRequest& req, std::string_view name, Timestamp fallback);

}  // namespace kycloud::server
