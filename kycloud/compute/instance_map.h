// InstanceMap: cloud instance types → accelerator, count and inter-node bandwidth, for AWS,
// Azure, GCP, OCI and Lambda (data/compute/instance_types.csv), plus Google Cloud TPU slice names
// (`v5p-128` counts TensorCores: 64 chips; `v5litepod-16` counts chips), from
// data/compute/tpu_slices.csv. Resolve() also accepts a bare accelerator name or alias (count 1),
// so usage records may name either.
//
// Thread-safety: immutable after construction; Bundled() is safe from many threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kycloud/base/result.h"
#include "kycloud/compute/accelerator_catalog.h"

namespace kycloud::compute {

struct InstanceType {
  std::string provider;  // aws, azure, gcp, oci, lambda
  std::string name;      // as the provider writes it, e.g. "p5.48xlarge"
  const Accelerator* accelerator = nullptr;
  int count = 0;                         // accelerators (chips) per instance
  std::optional<double> internode_gbps;  // network between instances; nullopt = none or unknown
  std::string source;
};

struct TpuSliceRule {
  std::string prefix;  // "v5p-"
  const Accelerator* accelerator = nullptr;
  std::string unit;                      // "tensorcore" or "chip": what the slice number counts
  int units_per_chip = 1;                // 2 TensorCores per chip for v2, v3, v4, v5p
  std::optional<double> internode_gbps;  // inter-chip interconnect per chip
  std::string source;
};

class InstanceMap {
 public:
  // Errors: InvalidArgument naming file:line (an unknown accelerator, a bad count).
  static Result<InstanceMap> Parse(const AcceleratorCatalog& catalog,
                                   std::string_view instances_csv, std::string_view tpu_csv);
  // The bundled map over AcceleratorCatalog::Bundled().
  static const InstanceMap& Bundled();

  // An instance type (case-insensitive), a TPU slice name, or an accelerator name/alias (count
  // 1, no provider). nullopt when none of these.
  std::optional<InstanceType> Resolve(std::string_view name) const;

  const std::vector<InstanceType>& instances() const { return instances_; }
  const std::vector<TpuSliceRule>& tpu_slices() const { return tpu_; }

 private:
  const AcceleratorCatalog* catalog_ = nullptr;
  std::vector<InstanceType> instances_;
  std::unordered_map<std::string, size_t> by_name_;  // lower-cased instance type
  std::vector<TpuSliceRule> tpu_;
};

}  // namespace kycloud::compute
