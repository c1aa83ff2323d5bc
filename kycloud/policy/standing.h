// Standing: what the policy says about one customer on one date, before any particular request —
// the part of every provisioning decision that does not depend on the accelerator or region. It is
// computed ahead (per customer, per policy version and day) so that a decision is a lookup plus a
// few comparisons.
//
// Reasons fall in two sets: `always` (they apply to any request: embargoes, sanctions and the 50%
// rule, special measures, CIP verification) and `controlled` (only when the request includes an
// accelerator that is 3A090/4A090: the headquarters rule, the Entity List, the Affiliates Rule,
// legal holds, reseller end users, remote access). Each reason names its rule id, its regime and
// the action the policy gives it.
//
// Ownership (OFAC 50% rule; the Affiliates Rule with Entity List parties): a party is blocked when
// it is listed itself or when blocked parties own, directly or through blocked intermediaries,
// shares adding up to the regime's `ownership_threshold` (0.5). Headquarters: a customer is flagged
// when it, its declared ultimate parent, or any parent up its `parent_id` chain (or a majority
// owner) is headquartered in the regime's `headquarters` groups; its subsidiaries inherit the flag
// through their own chains.
//
// Thread-safety: PartyDirectory is a value type; EvaluateStanding is a pure function.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kycloud/policy/party_facts.h"
#include "kycloud/policy/policy.h"

namespace kycloud::policy {

struct Reason {
  std::string rule;    // e.g. "ear.headquarters"
  std::string regime;  // e.g. "ear-advanced-computing"
  Action action = Action::kReview;
  std::string text;  // for people: what was found
};

// Every party the policy can consult: customers, their owners and parents.
class PartyDirectory {
 public:
  void Put(PartyFacts p);  // replaces a party with the same id
  const PartyFacts* Find(std::string_view id) const;
  size_t size() const { return parties_.size(); }
  // Every party, in no particular order.
  std::vector<const PartyFacts*> All() const;
  // Parties whose facts refer to `id` (parent_id, owners, reseller_id): their standing depends
  // on it. From an index kept by Put().
  std::vector<std::string> Dependents(std::string_view id) const;

 private:
  static std::vector<std::string> References(const PartyFacts& p);

  std::unordered_map<std::string, PartyFacts> parties_;
  std::unordered_map<std::string, std::set<std::string>> dependents_;  // referenced id -> ids
};

struct Standing {
  std::string customer_id;
  std::string policy_id;
  Date date{};
  bool foreign = true;
  bool diffusion_candidate = false;  // foreign and outside the AI Diffusion regime's trusted groups
  bool closed = false;               // the account is closed: every request is denied
  std::vector<Reason> always;
  std::vector<Reason> controlled;

  // The most severe action of `always` (and of `controlled` when `include_controlled`).
  Action Worst(bool include_controlled) const;
};

Standing EvaluateStanding(const Policy& policy, const PartyDirectory& parties,
                          const PartyFacts& customer, Date date);

// Aggregate share of `party` owned, directly or through owners that are themselves blocked, by
// parties for which `listed` holds; 1 when `party` is listed itself. Cycle-safe.
double BlockedShare(const PartyDirectory& parties, const PartyFacts& party, bool entity_list,
                    double threshold);

}  // namespace kycloud::policy
