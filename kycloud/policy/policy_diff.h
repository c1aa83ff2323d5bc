// PolicyDiff: what changes between two policy versions, fact by fact, for the reviewer who
// publishes one (`kycloud policy diff A B`): regimes (state, switch, dates, actions, groups,
// parameters), country-group membership, embargoes, special measures, accelerator legal status and
// cloud regions. Lines start with "+" (added), "-" (removed) or "~" (changed).
//
// Thread-safety: a pure function.
#pragma once

#include <string>
#include <vector>

#include "kycloud/policy/policy.h"

namespace kycloud::policy {

std::vector<std::string> DiffPolicies(const Policy& a, const Policy& b);

}  // namespace kycloud::policy
