// Verification resolutions (R9, R10): what an officer or an identity-verification provider
// found when it verified a customer's identity, as kycloud takes it over the API:
//   {"outcome": "verified" | "failed" | "reopened",
//    "method": "documentary" | "non_documentary"   (verified and failed),
//    "evidence": ["<reference>", ...]             (verified and failed: at least one reference
//                                                   to the documents or checks, e.g. a vendor's
//                                                   check id; kycloud stores them sealed),
//    "resolution": "deny" | "restrict_and_monitor" | "close"
//                                                  (failed only; default: the CIP policy's
//                                                   [verification] failed action),
//    "note": "..."}
// "reopened" starts a re-verification (the state goes back to pending).
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kycloud/base/result.h"
#include "kycloud/cip/cip_policy.h"

namespace kycloud::cip {

struct VerificationRequest {
  std::string outcome;
  std::string method;
  std::vector<std::string> evidence;
  std::string resolution;
  std::string note;

  // {"evidence": [...], "note": "..."}: the part kept sealed.
  std::string DetailsJson() const;
};

// Errors: InvalidArgument naming the field (JSON pointer) and the rule (reason "cip.*").
Result<VerificationRequest> ParseVerificationRequest(std::string_view body, const CipPolicy& cip);

}  // namespace kycloud::cip
