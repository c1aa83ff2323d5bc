// Authorizer: the provisioning decision — may this customer have these accelerators in this
// region on this date? — as allow, deny or review with reasons (rule ids and text) and the policy
// version used (R25, R28-R35).
//
// Decide() is the pure function: the customer's Standing (standing.h; null for an unknown
// customer), the hardware with each item's export class, and the region. An accelerator is
// controlled when its maintained legal status (accelerator-status.toml) says 3A090/4A090 or, with
// no status, when the numeric test flags 3A090.a/.b; an unknown class counts as controlled and
// adds a review. Request-level rules: an unknown customer is denied; an unknown region is
// reviewed; a datacenter in an embargoed country is denied; a controlled accelerator in a licence
// destination is reviewed (licence needed); the AI Diffusion red flag (when switched on) reviews
// foreign requests of at least `min_chips` controlled chips.
//
// Authorizer keeps the precomputed standing of every customer for today under the current policy,
// so Authorize() is a hash lookup plus Decide(). A request for another date (`at`) is evaluated on
// the spot. SetPolicy() recomputes every standing; PutParty() recomputes the party and those whose
// facts refer to it (subsidiaries, owned companies, a reseller's customers).
//
// Thread-safety: Authorizer is safe from many threads (a shared mutex; Authorize() takes it
// shared).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "kycloud/base/clock.h"
#include "kycloud/policy/party_facts.h"
#include "kycloud/policy/policy.h"
#include "kycloud/policy/standing.h"

namespace kycloud::policy {

struct HardwareItem {
  std::string name;           // the accelerator's catalog name
  std::string numeric_class;  // "3A090.a", "3A090.b", "none" or "unknown" (compute catalog)
  double count = 1;           // chips
};

struct AuthorizeRequest {
  std::string customer_id;
  std::vector<HardwareItem> hardware;
  std::string region;  // a cloud region ("us-east-1") or an ISO country code; "" = not checked
  std::optional<Date> at;
};

struct Decision {
  Action outcome = Action::kAllow;
  std::vector<Reason> reasons;  // most severe first
  std::string policy_id;
  std::string customer_id;
  Date date{};
  std::string region_country;  // "" when unknown or not given
  bool controlled = false;
  std::vector<std::string> classes;  // per hardware item: "3A090.a (maintained)", "none (numeric)"
};

Decision Decide(const Policy& policy, const Standing* standing, const AuthorizeRequest& request,
                Date date);

// Today's date (UTC) of a clock.
Date Today(const Clock& clock);

class Authorizer {
 public:
  // `clock` must outlive the authorizer.
  Authorizer(std::shared_ptr<const Policy> policy, const Clock& clock);

  Decision Authorize(const AuthorizeRequest& request) const;

  std::shared_ptr<const Policy> policy() const;
  // Replaces the policy and recomputes every standing.
  void SetPolicy(std::shared_ptr<const Policy> policy);
  // Adds or replaces a party and recomputes the standings that depend on it.
  void PutParty(PartyFacts party);
  // The standing of a customer now (a copy); nullopt if unknown.
  std::optional<Standing> StandingOf(const std::string& customer_id) const;
  // A copy of one party's facts; nullopt if unknown.
  std::optional<PartyFacts> FactsOf(const std::string& id) const;
  // A copy of the parties (for re-evaluation and simulation).
  PartyDirectory Parties() const;
  size_t size() const;

 private:
  void RecomputeLocked(const std::string& id, Date today);
  void RefreshIfNewDayLocked() const;

  const Clock& clock_;
  mutable std::shared_mutex mu_;
  mutable std::mutex policy_ptr_mu_;  // policy_'s pointer for policy(); written under both
  std::shared_ptr<const Policy> policy_;
  PartyDirectory parties_;
  mutable Date standings_date_{};
  mutable std::unordered_map<std::string, Standing> standings_;
};

}  // namespace kycloud::policy
