// UsageRecord: one interval during which an account held accelerators — kycloud's own usage
// format (JSON lines, docs/usage-records.md) and what every provider format (CSV, AWS Cost and
// Usage Report, Slurm sacct, ...) is parsed into. TelemetrySample: one utilisation reading from
// NVIDIA's DCGM exporter, a signal that refines estimates of the usage it matches (by resource id).
//
// A record names either an instance type (resolved through the InstanceMap, which gives the
// accelerator and its count per instance) or an accelerator with a count. `record_id` makes
// ingestion idempotent: the same id applied twice counts once.
//
// Thread-safety: value types.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kycloud/base/result.h"
#include "kycloud/base/time.h"
#include "kycloud/compute/accelerator_catalog.h"

namespace kycloud::compute {

struct UsageRecord {
  std::string record_id;        // required; unique per source (idempotency key)
  std::string account_id;       // required; the provider's account (or Slurm account/user)
  std::string payer_id;         // optional: payment account / payer (AWS payer account)
  std::string organization_id;  // optional: organisation the account belongs to
  std::string resource_id;      // optional: instance id, job id, pod — what telemetry names
  std::string instance_type;    // either this ...
  std::string accelerator;      // ... or this (catalog name or alias) with accelerator_count
  // Accelerators (chips) per instance: 0 = take the instance type's count. With an accelerator
  // and no instance type, the number of chips.
  int accelerator_count = 0;
  // Instances (nodes) of the instance type; total chips = instance_count x per-instance count.
  int instance_count = 1;
  Timestamp start;  // required, start < end
  Timestamp end;
  std::string region;                   // optional: provider region ("us-east-1")
  std::string cluster;                  // optional: cluster / placement group / Slurm cluster
  std::optional<double> utilization;    // optional hint in [0,1]: model FLOP utilisation
  std::optional<Precision> precision;   // optional hint: the training precision
  std::optional<double> tensor_active;  // optional in [0,1]: mean DCGM PIPE_TENSOR_ACTIVE
  std::string source;                   // the format it came from: jsonl, csv, cur, sacct, ...

  double Seconds() const;  // (end - start) in seconds
};

// Checks what every record needs: record_id, account_id, an instance type or accelerator,
// instance_count in [1, 1e6], accelerator_count in [0, 1e6], start < end, hints in [0,1].
// Errors: InvalidArgument naming the field.
Status ValidateUsageRecord(const UsageRecord& r);

struct TelemetrySample {
  std::string resource_id;      // pod, or job id when the exporter labels jobs (else the hostname)
  std::string gpu;              // GPU UUID or index
  std::string model;            // modelName label, e.g. "NVIDIA H100 80GB HBM3"
  std::optional<Timestamp> at;  // the sample's timestamp when the text gives one
  std::optional<double> tensor_active;  // DCGM_FI_PROF_PIPE_TENSOR_ACTIVE, ratio 0..1
  std::optional<double> gpu_util;       // DCGM_FI_DEV_GPU_UTIL, as a ratio 0..1 (exported in %)
};

// A parse error at a place in the input; parsing goes on past it.
struct ParseError {
  int line = 0;         // 1-based line of the input (0 when the whole input is at fault)
  std::string message;  // names the field, e.g. "start: not an RFC 3339 time"
};

// What a parser returns: every record it could read, and an error per line it could not.
struct ParsedUsage {
  std::vector<UsageRecord> records;
  std::vector<TelemetrySample> samples;  // DCGM only
  std::vector<ParseError> errors;
};

}  // namespace kycloud::compute
