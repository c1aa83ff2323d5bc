// Re-evaluation: which customers' standing changes between two policy versions (or after a
// special measure is added, changed or expires) — the job that runs when a version is published,
// raising alerts for existing accounts, reseller accounts included, and the engine of
// `kycloud policy simulate` (shadow mode: what would change before publishing).
//
// A customer's standing is compared as a request for controlled accelerators would see it (the
// `always` and `controlled` reasons), by rule id.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "kycloud/policy/policy.h"
#include "kycloud/policy/standing.h"

namespace kycloud::policy {

struct StandingChange {
  std::string customer_id;
  Action before = Action::kAllow;
  Action after = Action::kAllow;
  std::vector<Reason> added;    // reasons under `after` that `before` did not have
  std::vector<Reason> removed;  // reasons under `before` that `after` no longer has
};

// Every party whose standing differs between the two policies on `date` (by rule ids), in id
// order.
std::vector<StandingChange> Reevaluate(const Policy& before, const Policy& after,
                                       const PartyDirectory& parties, Date date);

// The same policy on two dates (a measure that starts or expires, a suspension that ends).
std::vector<StandingChange> ReevaluateDates(const Policy& policy, const PartyDirectory& parties,
                                            Date before, Date after);

}  // namespace kycloud::policy
