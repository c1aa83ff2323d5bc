// Roll-ups of metered usage for an account or a linked group: totals over all time and over
// rolling windows ending now, a daily series for charts, and the threshold tiers a measure has
// reached. A record partly inside a window or day counts pro rata to its time inside (every
// estimate is linear in time), so adding usage never lowers any total.
//
// Thread-safety: pure functions.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "kycloud/base/time.h"
#include "kycloud/compute/compute_policy.h"
#include "kycloud/compute/metered_usage.h"

namespace kycloud::compute {

struct UsageTotals {
  size_t records = 0;  // records with any time inside
  double chip_seconds = 0;
  double low = 0, central = 0, high = 0, upper_bound = 0;
  double Get(EstimateKind k) const;
  void Add(const MeteredUsage& u, double share);  // share of the record's time, 0..1
};

struct WindowTotals {
  int days = 0;
  UsageTotals totals;
};

struct Rollup {
  UsageTotals all_time;
  std::vector<WindowTotals> windows;  // one per policy window, [now - days, now]
};

Rollup RollUp(std::span<const MeteredUsage> usage, Timestamp now, std::span<const int> windows);

// The largest total of `kind` over any window of `days` (ending anywhere in time, not only now):
// what a rolling-window threshold compares, so late-arriving or historical usage counts. Exact
// for pro-rata totals: the windowed sum is piecewise linear in the window's end, so its maximum
// lies where a record starts or ends at either edge; O(n log n).
double MaxWindowTotal(std::span<const MeteredUsage> usage, int days, EstimateKind kind);

struct DailyPoint {
  std::string day;  // YYYY-MM-DD (UTC)
  double chip_hours = 0;
  double central = 0, high = 0, upper_bound = 0;
};
// One point per UTC day from the first usage to the last, days without usage included (at most
// `max_days`, the most recent kept).
std::vector<DailyPoint> DailySeries(std::span<const MeteredUsage> usage, int max_days = 1096);

struct Tier {
  std::string name;  // ComputePolicy::TierName
  double fraction = 0;
  double threshold_ops = 0;  // fraction x (bio ? bio threshold : threshold)
  bool bio = false;
};
// Every tier of the policy (and the bio tiers when `bio`), ascending.
std::vector<Tier> Tiers(const ComputePolicy& policy, bool bio);
// The tiers `measure` (operations) has reached.
std::vector<Tier> ReachedTiers(double measure, const ComputePolicy& policy, bool bio);

}  // namespace kycloud::compute
