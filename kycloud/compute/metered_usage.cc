#include "kycloud/compute/metered_usage.h"

#include <fmt/format.h>

namespace kycloud::compute {

namespace {

// NVIDIA (Ampere and later) and AMD (CDNA 2 and later) GPUs double their tensor peaks with 2:4
// structured sparsity; TPUs and older chips do not.
bool HasStructuredSparsity(const Accelerator& a) {
  if (a.type != "GPU" || a.release_date.size() < 4) return false;
  const bool vendor = a.manufacturer == "NVIDIA" || a.manufacturer == "AMD";
  return vendor && a.release_date.substr(0, 4) >= "2020" && a.Peak(Precision::kBf16).has_value();
}

}  // namespace

double MeteredUsage::Seconds() const { return std::chrono::duration<double>(end - start).count(); }

std::string MeteredUsage::Location() const { return fmt::format("{}/{}", region, cluster); }

Result<MeteredUsage> Meter(const UsageRecord& r, const Estimator& estimator) {
  KY_TRY(ValidateUsageRecord(r));
  const bool by_instance = !r.instance_type.empty();
  double count = by_instance ? r.instance_count : r.accelerator_count;
  auto hw = estimator.Resolve(by_instance ? r.instance_type : r.accelerator, count);
  if (!hw) {
    return Err(Status(hw.error()).WithField(by_instance ? "instance_type" : "accelerator"));
  }
  // An explicit per-instance chip count overrides the instance type's (a partial allocation).
  if (by_instance && r.accelerator_count > 0 && hw->accelerators.size() == 1) {
    hw->chips = static_cast<double>(r.accelerator_count) * r.instance_count;
  }
  EstimateInputs in;
  in.seconds = r.Seconds();
  in.precision = r.precision;
  in.utilization = r.utilization;
  in.tensor_active = r.tensor_active;
  KY_ASSIGN_OR_RETURN(Estimate e, estimator.Compute(*hw, in));

  MeteredUsage m;
  m.record_id = r.record_id;
  m.account_id = r.account_id;
  m.payer_id = r.payer_id;
  m.organization_id = r.organization_id;
  m.resource_id = r.resource_id;
  m.instance_type = r.instance_type;
  m.chips = hw->chips;
  m.start = r.start;
  m.end = r.end;
  m.region = r.region;
  m.cluster = r.cluster;
  m.precision = std::string(PrecisionName(e.precision_used));
  m.method = e.method;
  m.low = e.low;
  m.central = e.central;
  m.high = e.high;
  m.upper_bound = e.upper_bound;
  m.internode_gbps = hw->internode_gbps;
  m.source = r.source;
  const double n = static_cast<double>(hw->accelerators.size());
  for (const Accelerator* a : hw->accelerators) {
    m.accelerator += (m.accelerator.empty() ? "" : ",") + a->name;
    const double dense = a->MaxDensePeak();
    // The legal capacity: the full 16-bit tensor peak (FP32 on chips without one).
    const auto p16 = a->Peak(Precision::kBf16);
    m.peak_bf16 += (p16 && *p16 > 0 ? *p16 : PeakFor(*a, Precision::kBf16).second) / n;
    m.peak_max_dense += dense / n;
    m.peak_sparse += (HasStructuredSparsity(*a) ? 2 * dense : dense) / n;
  }
  return m;
}

}  // namespace kycloud::compute
