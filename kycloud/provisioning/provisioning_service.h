// ProvisioningService: the policy in force, every party's policy facts and the provisioning
// decision, for the service (server/policy_routes) — the composition of policy/ (the rules),
// compute/ (what an instance type holds, its export class), storage/ (published versions, facts)
// and cases/ (alerts).
//
// Start: Load() takes the last published version (the bundled policy when none was published, or
// when the stored one no longer parses — logged) and every party's facts.
// Publish(): parses and validates the files; a malformed version is refused (InvalidArgument
// "FILE:LINE: reason") and the service keeps serving the version it had. A valid one is stored
// (never edited in place), switched to, and every party is re-evaluated: each customer whose
// standing gains a reason gets one alert (source "policy", kind "policy.standing"). The same runs
// when the date moves (ReevaluateDates: a measure starts or expires, a suspension ends).
//
// Thread-safety: safe from many threads (the authorizer's lock; Publish and PutParty serialise
// on a mutex).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "kycloud/audit/audit_log.h"
#include "kycloud/base/clock.h"
#include "kycloud/cases/case_manager.h"
#include "kycloud/compute/estimator.h"
#include "kycloud/policy/authorizer.h"
#include "kycloud/policy/reevaluation.h"
#include "kycloud/provisioning/decision_log.h"
#include "kycloud/storage/policy_store.h"

namespace kycloud::provisioning {

struct AuthorizeInput {
  std::string customer_id;
  std::string instance_type;  // or accelerator (exactly one)
  std::string accelerator;
  double count = 1;  // instances for an instance type, chips for an accelerator
  std::string region;
  std::optional<policy::Date> at;
};

struct PublishResult {
  std::string policy_id;
  bool published = false;  // false: this exact version was already published
  std::vector<policy::StandingChange> changes;
  std::vector<std::string> alert_ids;
};

class ProvisioningService {
 public:
  // The references (and `cases` and `audit`, which may be null: no alerts, no audit entries)
  // must outlive the service. Each publication appends "policy.published" to `audit`.
  ProvisioningService(storage::PolicyStore& store, cases::CaseManager* cases, const Clock& clock,
                      const compute::Estimator& estimator, audit::AuditLog* audit = nullptr);

  Status Load();
  // Every decision of Authorize() is recorded in `log` (may be null; must outlive the service).
  void SetDecisionLog(DecisionLog* log) { decision_log_ = log; }
  // A customer's latest recorded decisions, newest first.
  Result<std::vector<storage::DecisionRecord>> DecisionsOf(const std::string& id, size_t limit) {
    return store_.DecisionsOf(id, limit);
  }

  // Errors: InvalidArgument naming the field (customer_id, an unknown or missing
  // instance_type/accelerator, count).
  Result<policy::Decision> Authorize(const AuthorizeInput& in) const;

  // Validates `facts_json` (its id must be `id` when present), stores it and recomputes the
  // standings that depend on it. Errors: InvalidArgument naming the JSON pointer.
  Result<policy::Standing> PutParty(const std::string& id, std::string_view facts_json);
  // The same for facts built in-process from validated data (onboarding): no JSON round trip.
  Result<policy::Standing> PutParty(policy::PartyFacts facts);
  std::optional<policy::Standing> StandingOf(const std::string& id) const;

  Result<PublishResult> Publish(std::vector<policy::PolicyFile> files, const std::string& actor);
  // Re-evaluates every party between two dates of the policy in force; alerts as Publish.
  Result<PublishResult> ReevaluateDates(policy::Date before, policy::Date after,
                                        const std::string& actor);

  // Another instance's changes (cluster/change_follower.h), re-read from the store: the version
  // in force (switched to without alerts: the publishing instance raised them), and the facts of
  // these parties. Errors: the store's; a stored version or facts that do not parse are logged
  // and skipped.
  Status FollowPolicy();
  Status FollowParties(const std::vector<std::string>& ids);

  std::shared_ptr<const policy::Policy> policy() const { return authorizer_.policy(); }
  const policy::Authorizer& authorizer() const { return authorizer_; }

 private:
  Result<std::vector<std::string>> RaiseAlerts(const std::string& policy_id,
                                               const std::vector<policy::StandingChange>& changes,
                                               const std::string& actor);

  storage::PolicyStore& store_;
  cases::CaseManager* cases_;
  audit::AuditLog* audit_;
  const Clock& clock_;
  const compute::Estimator& estimator_;
  policy::Authorizer authorizer_;
  DecisionLog* decision_log_ = nullptr;
  std::mutex write_mu_;
};

// The JSON forms the API and the CLI return.
std::string DecisionJson(const policy::Decision& d);
std::string StandingJson(const policy::Standing& s);
// {customer_id, before, after, added: [reason], removed: [reason]}
std::string StandingChangeJson(const policy::StandingChange& c);
// The version (policy_version, version, hash), and on date `at`: regimes with their status,
// country groups, embargoes, special measures (active or not), accelerator legal status, regions.
std::string PolicyJson(const policy::Policy& p, policy::Date at);

}  // namespace kycloud::provisioning
