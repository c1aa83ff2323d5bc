// UsageStore: accelerator usage as metered by compute/ (one row per usage record, with its
// estimates), the accounts' payer and organisation ids (the linked groups until account linking
// lands), DCGM telemetry samples per resource, accounts flagged as training on biological sequence
// data, and the threshold tiers each account or group has crossed (each crossed once).
//
// Idempotent by record id: inserting a record id again changes nothing, so a replay after a crash
// never double-counts. Insert() is one transaction: the rows are durable once it returns OK.
//
// Thread-safety: implementations are safe to use from many threads.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "kycloud/base/result.h"
#include "kycloud/base/time.h"

namespace kycloud::storage {

struct UsageRow {
  std::string record_id;
  std::string account_id;
  std::string payer_id;         // "" = none
  std::string organization_id;  // "" = none
  std::string resource_id;
  std::string instance_type;
  std::string accelerator;
  double chips = 0;
  Timestamp start, end;
  std::string region;
  std::string cluster;
  std::string precision;
  std::string method;
  double low = 0, central = 0, high = 0, upper_bound = 0;
  double peak_bf16 = 0, peak_max_dense = 0, peak_sparse = 0;
  std::optional<double> internode_gbps;
  std::string source;
  Timestamp ingested_at;
  friend bool operator==(const UsageRow&, const UsageRow&) = default;
};

struct AccountLink {
  std::string account_id, payer_id, organization_id;
  std::string linked_group;  // account linking's group of the account (R33); never in the store
  friend bool operator==(const AccountLink&, const AccountLink&) = default;
};

struct TierCrossingRow {
  std::string subject;  // "account:<id>" or "group:<id>"
  std::string tier;     // "1%", "100%", "bio-10%" ...
  double threshold_ops = 0;
  double measure = 0;    // the operations that crossed it
  std::string estimate;  // which estimate: low | central | high | upper_bound
  std::string policy_version;
  Timestamp crossed_at;
  std::string alert_id;   // "" until the alert is raised
  std::string report_id;  // "" = no report drafted
  friend bool operator==(const TierCrossingRow&, const TierCrossingRow&) = default;
};

// One utilisation sample from DCGM for one GPU of a resource (pod, job, host).
struct TelemetryRow {
  std::string resource_id;
  std::string gpu;  // UUID (and MIG instance)
  Timestamp at;
  std::optional<double> tensor_active;  // 0..1
  std::optional<double> gpu_util;       // 0..1
  friend bool operator==(const TelemetryRow&, const TelemetryRow&) = default;
};

// Which estimate a sum adds up.
enum class UsageFigure { kLow, kCentral, kHigh, kUpperBound };

class UsageStore {
 public:
  virtual ~UsageStore() = default;
  // Inserts the rows whose record_id is not yet stored (also within `rows`: the first wins) and
  // their account links. Returns how many were new.
  virtual Result<size_t> Insert(const std::vector<UsageRow>& rows) = 0;
  // The rows of these accounts ending after `since` (all when nullopt), by start, record id.
  virtual Result<std::vector<UsageRow>> ForAccounts(const std::vector<std::string>& accounts,
                                                    std::optional<Timestamp> since) = 0;
  // Per account (those with usage only), the all-time sum of `figure` over its records, kept up
  // to date by Insert() (state per account, not per record): a cheap upper bound of any window
  // or run of the account.
  virtual Result<std::map<std::string, double>> Totals(const std::vector<std::string>& accounts,
                                                       UsageFigure figure) = 0;
  // Every distinct (account, payer, organisation) seen in usage.
  virtual Result<std::vector<AccountLink>> AccountLinks() = 0;
  // Accounts with usage, sorted.
  virtual Result<std::vector<std::string>> Accounts() = 0;
  virtual Result<size_t> CountRecords() = 0;

  // Stores telemetry samples; a sample of the same resource, GPU and time replaces the earlier.
  virtual Status InsertTelemetry(const std::vector<TelemetryRow>& rows) = 0;
  // The samples of these resources taken in [from, to], by resource, time, GPU.
  virtual Result<std::vector<TelemetryRow>> Telemetry(const std::vector<std::string>& resources,
                                                      Timestamp from, Timestamp to) = 0;

  virtual Status SetBio(const std::string& account_id, bool bio) = 0;
  virtual Result<bool> IsBio(const std::string& account_id) = 0;
  // The accounts among `accounts` flagged bio.
  virtual Result<std::set<std::string>> BioAmong(const std::vector<std::string>& accounts) = 0;

  // Records a crossing; false (and nothing changed) when the subject already crossed that tier.
  virtual Result<bool> AddCrossing(const TierCrossingRow& c) = 0;
  // Sets the alert and report ids of a recorded crossing. Errors: NotFound.
  virtual Status SetCrossingRefs(const std::string& subject, const std::string& tier,
                                 const std::string& alert_id, const std::string& report_id) = 0;
  // The crossings of a subject, by threshold.
  virtual Result<std::vector<TierCrossingRow>> Crossings(const std::string& subject) = 0;
};

}  // namespace kycloud::storage
