// ComputePolicy: the large-AI-training thresholds as versioned data (policy/compute-thresholds
// .toml, compiled in; a deployment may load its own file): the reporting threshold and the bio
// threshold, alert tiers, which estimate is compared, rolling windows, the run gap, the report
// clock and the cluster test (R21-R24). Nothing about thresholds is in code.
//
// Thread-safety: a value type; Bundled() is safe from many threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kycloud/base/result.h"

namespace kycloud::compute {

// Which figure of an estimate is compared with thresholds.
enum class EstimateKind { kLow, kCentral, kHigh, kUpperBound };
std::string_view EstimateKindName(EstimateKind k);  // "low", "central", "high", "upper_bound"

// The figure of `kind` among the four.
constexpr double Pick(EstimateKind kind, double low, double central, double high, double upper) {
  switch (kind) {
    case EstimateKind::kLow:
      return low;
    case EstimateKind::kCentral:
      return central;
    case EstimateKind::kHigh:
      return high;
    case EstimateKind::kUpperBound:
      return upper;
  }
  return high;
}

// Which peak the cluster test sums per accelerator.
enum class ClusterPrecision { kBf16, kMaxDense, kSparse };
std::string_view ClusterPrecisionName(ClusterPrecision p);  // "bf16", "max_dense", "sparse"

struct ComputePolicy {
  std::string version;    // e.g. "2026-12-01.1"; recorded with every crossing and report
  std::string effective;  // YYYY-MM-DD
  std::string state;      // in_force | proposed | suspended | dormant
  std::string source;

  double threshold_ops = 1e26;
  double bio_threshold_ops = 1e23;
  std::vector<double> tiers;  // ascending fractions of the threshold, in (0, 1]
  EstimateKind estimate = EstimateKind::kHigh;
  std::vector<int> windows_days;  // ascending
  double run_gap_hours = 6;
  int report_due_days = 15;

  double cluster_min_ops_per_s = 1e20;
  double cluster_min_internode_gbps = 100;
  ClusterPrecision cluster_precision = ClusterPrecision::kMaxDense;

  // Parses the TOML text. Errors: InvalidArgument naming origin:line and the key (a missing or
  // ill-typed key, tiers not ascending in (0,1], an unknown estimate or precision name).
  static Result<ComputePolicy> Parse(std::string_view toml_text, std::string_view origin);
  // policy/compute-thresholds.toml as compiled in.
  static const ComputePolicy& Bundled();

  // Tier ids as they appear in alerts: "1%", "10%", "50%", "100%" (and "bio-1%" ... for bio).
  static std::string TierName(double fraction, bool bio);
};

}  // namespace kycloud::compute
