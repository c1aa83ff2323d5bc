// Training runs: usage segmented into candidate runs, and the cluster test.
//
// SegmentRuns groups metered usage by owner (an account, or a linked group of accounts — the
// caller says which through `owner_of`), location (region/cluster: one datacenter, one placement
// group) and accelerator, sorts each group by start and merges intervals into one run while the
// gap between them stays at most `gap_hours` (checkpoint-restart, preemption, maintenance).
// Usage on several nodes at once (overlapping intervals) is one run. A run's estimates are the
// sums of its intervals', so a run split over linked accounts totals what the unsplit run would.
//
// The cluster test (R22): the run's largest number of chips in use at one time, times the
// per-chip peak the policy names, against min_ops_per_s; and the inter-node bandwidth against
// min_internode_gbps (unknown bandwidth leaves the test "unknown" when the compute part is met).
//
// Thread-safety: pure functions.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "kycloud/compute/compute_policy.h"
#include "kycloud/compute/metered_usage.h"

namespace kycloud::compute {

struct ClusterTest {
  double max_concurrent_chips = 0;
  double ops_per_s_bf16 = 0;  // theoretical peaks of the chips in use at the busiest moment
  double ops_per_s_max_dense = 0;
  double ops_per_s_sparse = 0;
  std::optional<double> internode_gbps;  // the smallest known; nullopt = unknown
  std::string result;                    // "met", "not_met" or "unknown"
  std::string reason;                    // one line
};

struct TrainingRun {
  std::string id;     // stable: owner|location|accelerator|start (RFC 3339)
  std::string owner;  // account id or group id
  std::string location;
  std::string accelerator;
  std::set<std::string> accounts;
  size_t records = 0;
  Timestamp start, end;
  double chip_seconds = 0;
  double low = 0, central = 0, high = 0, upper_bound = 0;
  ClusterTest cluster;

  double Estimate(EstimateKind k) const;
};

// Runs of `usage` (any order), ordered by start then owner. `owner_of` maps a record to its
// owner ("" = the record's account).
std::vector<TrainingRun> SegmentRuns(
    std::span<const MeteredUsage> usage, double gap_hours, const ComputePolicy& policy,
    const std::function<std::string(const MeteredUsage&)>& owner_of = nullptr);

// The cluster test over one run's intervals.
ClusterTest TestCluster(std::span<const MeteredUsage* const> intervals,
                        const ComputePolicy& policy);

}  // namespace kycloud::compute
