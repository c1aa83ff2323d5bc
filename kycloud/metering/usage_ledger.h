// UsageLedger: where usage lands. Apply() meters a batch of usage records (compute::Meter),
// stores the new ones durably (idempotent by record id: a replay changes nothing), then checks
// the thresholds of every account in the batch and of its linked group:
//   measure  the larger of the busiest rolling window (the policy's longest, anywhere in time)
//            and the largest training run, both in the policy's estimate (P95 by default);
//   tiers    each tier reached is recorded once per account or group (UsageStore::AddCrossing)
//            and raises one compute alert (source "compute", kind "compute.tier"); reaching the
//            reporting tier (100%) for a customer that is foreign or not known to be a US person
//            also drafts a training_run report due report_due_days later.
// A crash between storing and alerting is repaired by the next Apply() touching the account
// (a crossing without its alert raises it), so a replay after a crash loses nothing.
//
// Compute() gives an account's picture: totals (all time and rolling windows ending now, and the
// busiest windows), runs with the cluster test, a daily series for charts, the group and the
// crossings — what GET /v1/accounts/{id}/compute returns.
//
// Thread-safety: safe from many threads and processes (the store serialises; crossings are
// unique per subject and tier, alerts deduplicated by key).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kycloud/base/clock.h"
#include "kycloud/base/result.h"
#include "kycloud/cases/case_manager.h"
#include "kycloud/cases/report_manager.h"
#include "kycloud/compute/compute_policy.h"
#include "kycloud/compute/compute_rollup.h"
#include "kycloud/compute/estimator.h"
#include "kycloud/compute/training_run.h"
#include "kycloud/metering/account_groups.h"
#include "kycloud/storage/usage_store.h"

namespace kycloud::metering {

struct RecordError {
  size_t index = 0;  // position in the batch
  std::string record_id;
  Status status;  // names the field
};

struct TierEvent {
  std::string subject;  // "account:<id>" or "group:<id>"
  std::string tier;
  double measure = 0;
  std::string alert_id;
  std::string report_id;  // "" = none drafted
};

struct ApplyResult {
  size_t received = 0;
  size_t accepted = 0;    // new records stored
  size_t duplicates = 0;  // already stored (or repeated in the batch)
  std::vector<RecordError> errors;
  std::vector<TierEvent> crossings;  // tiers newly crossed (or repaired) by this batch
};

struct LedgerOptions {
  // Whether an account's customer is foreign: true, false, or nullopt when not known (then a
  // report is drafted, as for a foreign person). Default (null): nothing is known until CIP.
  std::function<std::optional<bool>(const std::string& account)> is_foreign;
  // Accounts sharing a payer or organisation id with more than this many others are not grouped
  // through it (AccountGroups). Default 100.
  size_t max_accounts_per_value = 100;
  // Account linking's groups (AccountLink::linked_group), added to the store's links; null: none.
  std::function<std::vector<storage::AccountLink>()> linked_groups;
};

struct SubjectCompute {
  std::string subject;  // "account:<id>" or "group:<id>"
  std::vector<std::string> accounts;
  compute::Rollup totals;                      // all time and windows ending now
  std::vector<compute::WindowTotals> busiest;  // the busiest window of each length, anywhere
  double measure = 0;                          // what the tiers are compared with
  std::vector<compute::TrainingRun> runs;
  std::vector<compute::DailyPoint> series;
  std::vector<storage::TierCrossingRow> crossings;
};

struct AccountCompute {
  std::string account;
  bool bio = false;
  std::optional<bool> foreign;
  SubjectCompute own;
  std::optional<SubjectCompute> group;  // when the account is in a linked group
  std::vector<std::string> group_evidence;
  std::vector<compute::Tier> tiers;  // the policy's tiers for this account
};

class UsageLedger {
 public:
  // Every reference must outlive the ledger; `cases` and `reports` may be null (no alerts or
  // reports: crossings are still recorded).
  UsageLedger(storage::UsageStore& store, cases::CaseManager* cases, cases::ReportManager* reports,
              const compute::Estimator& estimator, const compute::ComputePolicy& policy,
              const Clock& clock, LedgerOptions options = {});

  // Errors: the store's (nothing of the batch is stored then); per-record problems are in
  // ApplyResult::errors and do not stop the others.
  Result<ApplyResult> Apply(const std::vector<compute::UsageRecord>& records,
                            const std::string& actor);
  // Stores DCGM samples (a sample without a time is taken as now). Usage metered later whose
  // resource_id has samples inside its interval is estimated from the measured tensor activity
  // (method "telemetry") instead of the prior. Returns how many samples were stored.
  Result<size_t> ApplyTelemetry(const std::vector<compute::TelemetrySample>& samples);
  // Flags an account as training on biological sequence data (the bio tiers apply).
  Status SetBio(const std::string& account, bool bio, const std::string& actor);
  // Errors: NotFound when the account has no usage; the store's.
  Result<AccountCompute> Compute(const std::string& account);

  const compute::ComputePolicy& policy() const { return policy_; }

 private:
  Result<SubjectCompute> Evaluate(const std::string& subject,
                                  const std::vector<std::string>& accounts,
                                  std::optional<Timestamp> since, bool full);
  // `bound`: an upper bound of the subject's measure (its all-time total);
  // tiers above it cannot be reached, and when every tier below it is done already the usage is
  // not even loaded.
  Status CheckSubject(const std::string& subject, const std::vector<std::string>& accounts,
                      Timestamp since, double bound, const AccountGroups& groups,
                      const std::string& actor, std::vector<TierEvent>& out);
  // Copies of `records` with tensor_active filled from stored telemetry where they have none;
  // empty (no copy) when no record has telemetry to take.
  Result<std::vector<compute::UsageRecord>> WithTelemetry(
      const std::vector<compute::UsageRecord>& records);
  Result<std::string> DraftReport(const std::string& subject,
                                  const std::vector<std::string>& accounts, const SubjectCompute& c,
                                  const compute::Tier& tier, const std::string& actor);

  // The store's payer and organisation links and account linking's groups.
  Result<std::vector<storage::AccountLink>> Links();

  storage::UsageStore& store_;
  cases::CaseManager* cases_;
  cases::ReportManager* reports_;
  const compute::Estimator& estimator_;
  const compute::ComputePolicy& policy_;
  const Clock& clock_;
  LedgerOptions options_;
};

// Conversions between compute's metered usage and the stored row.
storage::UsageRow ToRow(const compute::MeteredUsage& m, Timestamp ingested_at);
compute::MeteredUsage FromRow(const storage::UsageRow& r);

}  // namespace kycloud::metering
