// CipRequests (R17; proposed 15 CFR 7.302): the Department may ask a provider for its CIP and its
// foreign resellers' CIPs, to be produced within 10 days (the policy's [requests] response_days).
// kycloud registers each request with its deadline (the end of the UTC day `response_days` after
// the day of receipt), shows the clock on the due list, and produces
// the package:
//   - the provider's CIP: the cip.toml of the policy version in force (required fields,
//     verification and its resolutions, re-verification by risk, risk rules, retention, reseller
//     and request clocks), with the version and its SHA-256;
//   - per reseller asked for: whose CIP it runs; an adopted CIP points at the provider's (which
//     then goes with the package even when the provider's own was not asked for), an own
//     CIP at the document on file in the reseller registry (`cip_document`), with its contract
//     flow-down, report pass-through and compliance status.
// A package is produced only when complete: a reseller with its own CIP and no document on file
// fails the production (FailedPrecondition, reason "cip.request_incomplete", naming it) until the
// registry has the reference. Each production is audited ("cip.request_produced", with the
// package's SHA-256); the request records the first production and its hash.
//
// Requests (JSON): open {"requester" (required), "reference", "received_on" ("YYYY-MM-DD" or RFC
// 3339; default now; not in the future), "provider" (default true), "resellers" (customer ids, or
// "all": every registered reseller not terminated), "note"}; withdraw {"reason"}.
//
// Thread-safety: safe from many threads (the stores'; revisions guard updates).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kycloud/audit/audit_log.h"
#include "kycloud/base/clock.h"
#include "kycloud/provisioning/provisioning_service.h"
#include "kycloud/storage/cip_request_store.h"
#include "kycloud/storage/reseller_store.h"

namespace kycloud::cip {

struct CipRequestView {
  storage::CipRequestRow row;
  // Calendar days (UTC) from today to the due day, for an open request: 0 on the due day,
  // negative once overdue.
  std::optional<int> days_left;
  bool overdue = false;  // open past due_at

  // The API's JSON object.
  std::string Json() const;
};

struct CipPackage {
  CipRequestView request;
  std::string json;    // the package handed over
  std::string sha256;  // of `json`
};

class CipRequests {
 public:
  // The references (and `audit`, which may be null) must outlive this.
  CipRequests(storage::CipRequestStore& requests, storage::ResellerStore& resellers,
              const provisioning::ProvisioningService& provisioning, audit::AuditLog* audit,
              const Clock& clock, std::string provider);

  // Errors: InvalidArgument naming the field and the rule ("cip.*"; an unregistered reseller is
  // "cip.unknown_reseller"); FailedPrecondition when the policy has no cip.toml.
  Result<CipRequestView> Open(std::string_view body, const std::string& actor);
  // Errors: NotFound.
  Result<CipRequestView> Get(const std::string& id);
  Result<std::vector<CipRequestView>> List(const std::optional<std::string>& status);
  // Open requests with days left and overdue as of `as_of` (the due list), by deadline.
  Result<std::vector<CipRequestView>> Due(Timestamp as_of);
  // Errors: NotFound; FailedPrecondition (withdrawn; "cip.request_incomplete"); Aborted on a
  // concurrent update.
  Result<CipPackage> Produce(const std::string& id, const std::string& actor);
  // Errors: InvalidArgument (no reason); NotFound; FailedPrecondition when not open.
  Result<CipRequestView> Withdraw(const std::string& id, std::string_view body,
                                  const std::string& actor);

 private:
  static CipRequestView View(storage::CipRequestRow row, Timestamp as_of);

  storage::CipRequestStore& requests_;
  storage::ResellerStore& resellers_;
  const provisioning::ProvisioningService& provisioning_;
  audit::AuditLog* audit_;
  const Clock& clock_;
  std::string provider_;
};

}  // namespace kycloud::cip
