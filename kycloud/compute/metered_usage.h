// MeteredUsage: a usage record resolved against the catalog and estimated — what kycloud stores
// and sums. Meter() turns a UsageRecord into one: the accelerator and the number of chips, the
// operations estimate (Estimator), and the per-chip peaks the cluster test sums.
//
// Thread-safety: value types and pure functions.
#pragma once

#include <optional>
#include <string>

#include "kycloud/base/result.h"
#include "kycloud/base/time.h"
#include "kycloud/compute/estimator.h"
#include "kycloud/compute/usage_record.h"

namespace kycloud::compute {

struct MeteredUsage {
  std::string record_id;
  std::string account_id;
  std::string payer_id;
  std::string organization_id;
  std::string resource_id;
  std::string instance_type;
  std::string accelerator;  // catalog name
  double chips = 0;
  Timestamp start, end;
  std::string region;
  std::string cluster;
  std::string precision;  // the precision the estimate used ("bf16", ...)
  std::string method;     // Estimate::method
  double low = 0, central = 0, high = 0, upper_bound = 0;  // operations
  // Per-chip peaks for the cluster test (operations per second).
  double peak_bf16 = 0;       // 16-bit tensor peak (FP32 when the chip has none)
  double peak_max_dense = 0;  // fastest dense format
  double peak_sparse = 0;     // with 2:4 structured sparsity where the chip has it, else dense
  std::optional<double> internode_gbps;
  std::string source;

  double Seconds() const;
  double ChipSeconds() const { return chips * Seconds(); }
  // Where the chips were: "region/cluster" ("" parts stay empty).
  std::string Location() const;
  friend bool operator==(const MeteredUsage&, const MeteredUsage&) = default;
};

// Validates, resolves and estimates one record. Errors: the record's (ValidateUsageRecord),
// NotFound naming an unknown accelerator or instance type, the estimator's.
Result<MeteredUsage> Meter(const UsageRecord& r, const Estimator& estimator);

}  // namespace kycloud::compute
