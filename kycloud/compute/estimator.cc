#include "kycloud/compute/estimator.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace kycloud::compute {

namespace {

std::optional<std::pair<Precision, double>> First(const Accelerator& a,
                                                  std::initializer_list<Precision> order) {
  for (Precision p : order) {
    if (auto v = a.Peak(p); v && *v > 0) return std::make_pair(p, *v);
  }
  return std::nullopt;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::pair<Precision, double> PeakFor(const Accelerator& a, std::optional<Precision> hint) {
  using P = Precision;
  std::optional<std::pair<P, double>> r;
  const bool tpu = a.type == "TPU";
  switch (hint.value_or(P::kBf16)) {
    case P::kBf16:
      r = First(a, {P::kBf16, P::kFp32, P::kTf32, P::kFp64});
      break;
    case P::kFp32:
      r = tpu ? First(a, {P::kBf16, P::kFp32}) : First(a, {P::kTf32, P::kFp32, P::kBf16});
      break;
    case P::kTf32:
      r = First(a, {P::kTf32, P::kFp32, P::kBf16});
      break;
    case P::kFp8:
      r = First(a, {P::kFp8, P::kBf16, P::kFp32});
      break;
    case P::kInt8:
      r = First(a, {P::kInt8, P::kBf16, P::kFp32});
      break;
    case P::kFp64:
      r = First(a, {P::kFp64, P::kFp32});
      break;
  }
  if (!r) r = First(a, {P::kBf16, P::kFp32, P::kTf32, P::kFp8, P::kInt8, P::kFp64});
  if (r && r->first == P::kBf16 && a.bf16_fp32_accumulate && *a.bf16_fp32_accumulate > 0) {
    r->second = std::min(r->second, *a.bf16_fp32_accumulate);
  }
  return r.value_or(std::make_pair(P::kBf16, 0.0));
}

Estimator::Estimator(const InstanceMap& instances, const UtilizationPrior& prior,
                     EstimatorOptions options)
    : instances_(instances), prior_(prior), options_(options) {}

const Estimator& Estimator::Bundled() {
  static const Estimator* e = new Estimator(InstanceMap::Bundled(), UtilizationPrior::Bundled());
  return *e;
}

Result<ResolvedHardware> Estimator::Resolve(std::string_view what, double count) const {
  if (!(count > 0) || !std::isfinite(count)) {
    return Err(InvalidArgumentError(fmt::format("count {} is not a positive number", count))
                   .WithField("count"));
  }
  ResolvedHardware hw;
  std::vector<std::string_view> parts;
  for (size_t pos = 0; pos <= what.size();) {
    size_t comma = what.find(',', pos);
    if (comma == std::string_view::npos) comma = what.size();
    std::string_view part = Trim(what.substr(pos, comma - pos));
    if (!part.empty()) parts.push_back(part);
    pos = comma + 1;
  }
  if (parts.empty()) {
    return Err(InvalidArgumentError("no accelerator or instance type").WithField("accelerator"));
  }
  for (std::string_view part : parts) {
    auto t = instances_.Resolve(part);
    if (!t) {
      return Err(NotFoundError(fmt::format("unknown accelerator or instance type '{}'", part))
                     .WithField("accelerator"));
    }
    if (t->accelerator->MaxDensePeak() <= 0) {
      return Err(InvalidArgumentError(
                     fmt::format("accelerator '{}' has no known peak", t->accelerator->name))
                     .WithField("accelerator"));
    }
    hw.accelerators.push_back(t->accelerator);
    if (parts.size() == 1) {
      hw.chips = count * t->count;
      hw.internode_gbps = t->internode_gbps;
      hw.provider = t->provider;
    }
  }
  if (parts.size() > 1) hw.chips = count;  // a mix names chips, split evenly
  return hw;
}

Result<Estimate> Estimator::Compute(const ResolvedHardware& hw, const EstimateInputs& in) const {
  auto unit = [](std::optional<double> v, bool open_zero) {
    return !v || (std::isfinite(*v) && *v <= 1 && (open_zero ? *v > 0 : *v >= 0));
  };
  if (!(in.seconds >= 0) || !std::isfinite(in.seconds)) {
    return Err(InvalidArgumentError("seconds must be >= 0").WithField("hours"));
  }
  if (!unit(in.utilization, true)) {
    return Err(InvalidArgumentError("utilization must be in (0, 1]").WithField("utilization"));
  }
  if (!unit(in.tensor_active, false)) {
    return Err(InvalidArgumentError("tensor_active must be in [0, 1]").WithField("tensor_active"));
  }
  if (!unit(in.busy_fraction, false)) {
    return Err(InvalidArgumentError("busy_fraction must be in [0, 1]").WithField("busy_fraction"));
  }
  if (hw.accelerators.empty()) {
    return Err(InvalidArgumentError("no accelerator").WithField("accelerator"));
  }

  Estimate e;
  const double chip_seconds = hw.chips * in.seconds / static_cast<double>(hw.accelerators.size());
  // Operations per unit of utilisation: at the precision's peak (`at_peak`), and as the prior
  // sees it (low-precision peaks discounted to their practical speed-up over 16-bit).
  double at_peak = 0, prior_scaled = 0;
  for (size_t i = 0; i < hw.accelerators.size(); ++i) {
    const Accelerator& a = *hw.accelerators[i];
    auto [precision, peak] = PeakFor(a, in.precision);
    if (i == 0) {
      e.precision_used = precision;
      e.family = std::string(AcceleratorFamily(a, precision));
    }
    double scale = 1;
    if (precision == Precision::kFp8 || precision == Precision::kInt8) {
      if (auto p16 = a.Peak(Precision::kBf16); p16 && *p16 > 0 && peak > 0) {
        scale = std::min(1.0, options_.low_precision_speedup * *p16 / peak);
      }
    }
    e.peak_ops_per_s += peak / static_cast<double>(hw.accelerators.size());
    at_peak += peak * chip_seconds;
    prior_scaled += peak * scale * chip_seconds;
    e.upper_bound += a.MaxDensePeak() * chip_seconds;
  }

  if (in.utilization) {
    const double u = *in.utilization, f = options_.declared_utilization_spread;
    e.method = "declared";
    e.low = at_peak * u / f;
    e.central = at_peak * u;
    e.high = at_peak * u * f;
  } else if (in.tensor_active) {
    const double t = *in.tensor_active;
    e.method = "telemetry";
    e.low = at_peak * t * options_.telemetry_low;
    e.central = at_peak * t;
    e.high = at_peak * t * options_.telemetry_high;
  } else {
    const UtilizationQuantiles& q = prior_.For(e.family);
    const double busy = in.busy_fraction.value_or(1.0);
    e.method = "prior:" + e.family;
    e.low = prior_scaled * q.p5 * busy;
    e.central = prior_scaled * q.p50 * busy;
    e.high = prior_scaled * q.p95 * busy;
  }
  // The ordering the contract promises, whatever the inputs.
  e.high = std::min(e.high, e.upper_bound);
  e.central = std::min(e.central, e.high);
  e.low = std::min(e.low, e.central);
  return e;
}

}  // namespace kycloud::compute
