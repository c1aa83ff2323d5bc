// CIP certifications (R15, R16; proposed 15 CFR 7.303): the figures a provider certifies to
// Commerce, computed from the records as they stood at `as_of`:
//   customers (total, active, closed; US and foreign; foreign by country),
//   foreign beneficial owners by country (nationality, else residence),
//   foreign resellers (each with its CIP and compliance status; non-compliant ones),
//   unverified foreign accounts (pending or failed, each listed),
//   failed verifications in the period and how each was resolved (R10),
//   re-verifications overdue (R12).
// `initial` covers everything up to as_of; `annual` the year before as_of; `out_of_cycle` a
// period given by `from`. JSON for machines (the fields of a cip_certification report, so it can
// be saved as a draft for officers to complete and approve), HTML for people (CertificationHtml).
//
// Thread-safety: reads only; safe from many threads.
#pragma once

#include <optional>
#include <string>

#include "kycloud/cip/onboarding.h"
#include "kycloud/storage/customer_store.h"
#include "kycloud/storage/reseller_store.h"

namespace kycloud::cip {

struct CertificationRequest {
  std::string kind = "annual";  // initial | annual | out_of_cycle
  Timestamp as_of;
  std::optional<Timestamp> from;  // out_of_cycle: required; annual: default as_of - 365 days
};

// Errors: InvalidArgument (field "kind" or "from"); the stores' and the cipher's.
Result<std::string> BuildCertification(const CertificationRequest& req,
                                       storage::CustomerStore& customers,
                                       storage::ResellerStore& resellers,
                                       const Onboarding& onboarding, const std::string& provider);

// A readable, self-contained HTML page of a certification's JSON.
std::string CertificationHtml(const std::string& report_json);

}  // namespace kycloud::cip
