// Onboarding: the CIP decision at sign-up and on every change of a record (R2-R11, R25, R30).
//
// Create(): validate and normalise the record against the CIP policy of the version in force
// (422 naming the field and the rule; nothing stored on any error) → classify US/foreign with
// evidence (R7) → screen the customer, owners and parent (R27; no side effect yet; 503 while the
// lists load) → seal the personal data (PiiCipher, bound to "customers/<id>") and store the row,
// idempotent by key (409 for a reused key or an existing id) → derive the party's policy facts
// (countries, headquarters and parent, owners and shares, reseller and end users, US person,
// verification, the screening status) and let the provisioning service compute its standing
// → raise the screening alerts → decide:
//   reject   a reason that denies any request (embargo, SDN, the 50% rule, a prohibition)
//   review   a reason that denies controlled accelerators (headquarters rule, Entity List) or any
//            review reason (an open screening hit, linked evidence, a reseller's end users)
//   verify   verification required (a foreign customer or owner) and not done
//   approve  otherwise
// → score the risk from the CIP policy's rules (risk_score.h; a level at or above the policy's
// review_at sends approve and verify to review; the level sets the re-verification date)
// → store the decision with the policy version → one alert for review and reject (source "cip").
// Update() (PATCH) applies changed top-level fields and runs the same; a new beneficial owner
// re-triggers verification (R11).
//
// Thread-safety: safe from many threads (the stores' transactions; revisions guard updates).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kycloud/base/clock.h"
#include "kycloud/cases/case_manager.h"
#include "kycloud/cip/cip_policy.h"
#include "kycloud/cip/customer.h"
#include "kycloud/cip/customer_links.h"
#include "kycloud/cip/party_screener.h"
#include "kycloud/cip/us_person_classifier.h"
#include "kycloud/provisioning/provisioning_service.h"
#include "kycloud/storage/customer_store.h"
#include "kycloud/storage/pii_cipher.h"

namespace kycloud::cip {

struct OnboardingResult {
  storage::CustomerRow row;
  Customer customer;
  bool created = false;  // false: an idempotent replay (or an update)
  std::vector<policy::Reason> reasons;
  std::optional<std::string> alert_id;
  std::optional<ScreeningOutcome> screening;  // when a screener is set
  std::optional<LinkedEvidence> links;        // when account linking is set
};

// A record validated, classified, screened and sealed, not yet stored (Onboarding::Prepare): the
// CPU-heavy half of Create, safe to run on many threads ahead of the writes.
struct PreparedCustomer {
  Customer customer;
  Classification classification;
  std::optional<ScreeningOutcome> screening;
  storage::CustomerRow row;
  std::string idempotency_key;
  std::string request_hash;
};

class Onboarding {
 public:
  // The references (and `cases`, which may be null) must outlive the onboarding.
  Onboarding(storage::CustomerStore& customers, const storage::PiiCipher& cipher,
             provisioning::ProvisioningService& provisioning, cases::CaseManager* cases,
             const Clock& clock);

  // Errors: InvalidArgument naming the field and rule (reason "cip.*"); AlreadyExists (reason
  // "customer_exists" or "idempotency_key_reused"); the stores'.
  Result<OnboardingResult> Create(std::string_view json, std::string_view idempotency_key,
                                  const std::string& actor);
  // Create() in two halves: Prepare() writes nothing (it reads the policy, the lists and the
  // officers' dispositions; errors: InvalidArgument; Unavailable while the lists load); Commit()
  // stores and decides (errors: as Create; a replay of a record stored but never decided
  // decides it). Bulk import prepares on many threads and commits batches (Database::Batch).
  Result<PreparedCustomer> Prepare(std::string_view json, std::string_view idempotency_key);
  Result<OnboardingResult> Commit(PreparedCustomer p, const std::string& actor);
  // Errors: NotFound; as Create; Aborted on a concurrent update (retry).
  Result<OnboardingResult> Update(const std::string& id, std::string_view patch_json,
                                  const std::string& actor);
  // Decides again on the stored record (after new access-IP countries, a policy change).
  // Errors: NotFound; as Update.
  Result<OnboardingResult> Refresh(const std::string& id, const std::string& actor);
  // Records a verification resolution (verification.h) and decides again (R9, R10): verified
  // sets the state and schedules re-verification by risk level (R12); failed records what the
  // account may do (deny, restrict and monitor, or close — which closes the account and starts
  // the retention clock); reopened starts a re-verification. Errors: InvalidArgument (the
  // request, reason "cip.*"); FailedPrecondition (reason "cip.verification_not_required" for a
  // customer whose parties are all US persons, "cip.closed" for a closed account); as Update.
  Result<OnboardingResult> Verify(const std::string& id, std::string_view body,
                                  const std::string& actor);
  // Closes the account (the retention clock starts, R13). Errors: NotFound; FailedPrecondition
  // (reason "cip.closed") when it is closed; Aborted.
  Result<OnboardingResult> Close(const std::string& id, const std::string& actor);
  // Puts a retention hold on the record (or lifts it): a held record is never purged.
  // Errors: NotFound; Aborted.
  Result<storage::CustomerRow> SetRetentionHold(const std::string& id, bool hold);

  // Opens a stored row's sealed record. Errors: DataLoss/NotFound from the cipher.
  Result<Customer> Open(const storage::CustomerRow& row) const;

  // The CIP policy of the policy version in force. Errors: as CipPolicy::FromPolicy.
  Result<CipPolicy> CipRules() const;

  // Screens every record's parties before deciding (may be null; must outlive the onboarding).
  void SetScreener(PartyScreener* screener) { screener_ = screener; }
  // Links every record before deciding (may be null; must outlive the onboarding): the linked
  // group's countries, listed members and a reseller's end users' countries join the policy
  // facts (R33), and the customers whose linked evidence changed are decided again (Refresh)
  // after the record's own decision is stored.
  void SetLinks(CustomerLinks* links) { links_ = links; }
  CustomerLinks* links() const { return links_; }

  // The stored row and its opened record. Errors: NotFound; DataLoss/NotFound from the cipher.
  Result<std::pair<storage::CustomerRow, Customer>> Get(const std::string& id);

 private:
  // `k` and `ips` (the customer's access countries) as the caller computed them.
  Result<OnboardingResult> Decide(storage::CustomerRow row, Customer c, const Classification& k,
                                  const std::vector<std::string>& ips, bool created,
                                  std::optional<ScreeningOutcome> screening,
                                  const std::string& actor,
                                  const storage::VerificationRow* verification = nullptr);
  Result<std::optional<ScreeningOutcome>> ScreenParties(const Customer& c);

  storage::CustomerStore& customers_;
  const storage::PiiCipher& cipher_;
  provisioning::ProvisioningService& provisioning_;
  cases::CaseManager* cases_;
  const Clock& clock_;
  PartyScreener* screener_ = nullptr;
  CustomerLinks* links_ = nullptr;
};

// The screening queries of a record: each name of the customer, each beneficial owner, the
// ultimate parent, each payment instrument's holder (when not the customer) and institution;
// subject ids "<id>", "<id>/owners/<owner id>", "<id>/parent", "<id>/payers/<i>",
// "<id>/institutions/<i>".
std::vector<screening::ScreeningQuery> ScreeningQueries(const Customer& c);

// The policy facts of a CIP record (party_facts.h), for the provisioning decision. They hold no
// personal data (no names, addresses, contacts): countries, shares, states.
policy::PartyFacts FactsOf(const Customer& c, const Classification& k,
                           const std::string& verification);

}  // namespace kycloud::cip
