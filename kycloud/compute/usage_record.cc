#include "kycloud/compute/usage_record.h"

#include <fmt/format.h>

#include <cmath>
#include <string>

namespace kycloud::compute {

namespace {

// Counts above this are not plausible for one record and would overflow chip arithmetic.
constexpr int kMaxCount = 1'000'000;

Status FieldError(std::string_view field, std::string_view problem) {
  return InvalidArgumentError(fmt::format("{}: {}", field, problem))
      .WithField(fmt::format("/{}", field));
}

bool IsRatio(const std::optional<double>& v) {
  return !v || (std::isfinite(*v) && *v >= 0.0 && *v <= 1.0);
}

}  // namespace

double UsageRecord::Seconds() const { return std::chrono::duration<double>(end - start).count(); }

Status ValidateUsageRecord(const UsageRecord& r) {
  if (r.record_id.empty()) return FieldError("record_id", "required");
  if (r.account_id.empty()) return FieldError("account_id", "required");
  if (r.instance_type.empty() && r.accelerator.empty()) {
    return FieldError("instance_type", "an instance type or an accelerator is required");
  }
  if (r.accelerator_count < 0) return FieldError("accelerator_count", "must be >= 0");
  if (r.accelerator_count > kMaxCount) return FieldError("accelerator_count", "too large");
  if (r.instance_count < 1) return FieldError("instance_count", "must be >= 1");
  if (r.instance_count > kMaxCount) return FieldError("instance_count", "too large");
  if (!(r.start < r.end)) return FieldError("end", "must be after start");
  if (!IsRatio(r.utilization)) return FieldError("utilization", "must be in [0, 1]");
  if (!IsRatio(r.tensor_active)) return FieldError("tensor_active", "must be in [0, 1]");
  return OkStatus();
}

}  // namespace kycloud::compute
