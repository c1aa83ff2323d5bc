// Estimator: training operations from accelerator time, by Epoch AI's hardware method
// (chips x dense peak x seconds x utilisation), with an interval.
//
// For each usage interval it gives
//   upper_bound  the dense peak of the chip's fastest precision x chip-seconds: no run on this
//                hardware can have done more (a hard bound, the number to compare with
//                thresholds when nothing else is known);
//   low/central/high  P5, P50 and P95 of the operations actually performed, from the fitted
//                utilisation prior (UtilizationPrior) of the hardware family, at the peak of the
//                run's precision — or, when the usage carries them, from a declared utilisation
//                or measured tensor-core activity (DCGM), which narrow the interval.
// Always 0 <= low <= central <= high <= upper_bound. Every figure is linear in chip-seconds, so
// adding usage never lowers any of them; estimates of intervals of one run add up (utilisation is
// treated as common to the run, so quantiles are additive).
//
// Precision rules (docs/compute-estimation.md): without a hint, the 16-bit tensor peak when the
// chip has one, else FP32. An FP32 hint on a chip with TF32 tensor cores uses the TF32 peak
// (cuDNN and XLA run FP32 matrix maths on them by default); on a TPU, the BF16 peak (the MXU
// multiplies in BF16). FP8/INT8 hints use their peak, at the 16-bit utilisation scaled by the
// speed-up low precision gives in practice (EstimatorOptions::low_precision_speedup). The 16-bit
// peak of a chip that accumulates in FP32 at a lower rate (GeForce) is that lower rate
// (Accelerator::bf16_fp32_accumulate): mixed-precision training accumulates in FP32.
//
// Thread-safety: immutable after construction; Estimate() is safe from many threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kycloud/base/result.h"
#include "kycloud/compute/accelerator_catalog.h"
#include "kycloud/compute/instance_map.h"
#include "kycloud/compute/utilization_prior.h"

namespace kycloud::compute {

struct EstimatorOptions {
  // Throughput gain of FP8/INT8 training over BF16 on the same chip. Default 1.4: NVIDIA's
  // Transformer Engine reports 1.3-1.5x end-to-end for large transformers on H100 while the peak
  // doubles — so utilisation of the FP8 peak is 0.7x that of the BF16 peak.
  double low_precision_speedup = 1.4;
  // Spread around a declared utilisation (a customer's or scheduler's MFU hint): the interval is
  // [u / f, u x f]. Default 1.5.
  double declared_utilization_spread = 1.5;
  // Spread around utilisation measured as tensor-pipe activity (DCGM PIPE_TENSOR_ACTIVE). The
  // counter is the fraction of cycles a tensor pipe is busy, which over-states FLOP utilisation a
  // little and under-states it when work runs outside the tensor cores: [0.6 t, 1.2 t] by default.
  double telemetry_low = 0.6;
  double telemetry_high = 1.2;
};

// What the usage ran on, resolved against the catalog and instance map.
struct ResolvedHardware {
  // One or more accelerators; a mix ("NVIDIA A100,NVIDIA V100") splits the chips evenly.
  std::vector<const Accelerator*> accelerators;
  double chips = 0;                      // total accelerators (chips)
  std::optional<double> internode_gbps;  // from the instance type, when known
  std::string provider;                  // from the instance type ("" for a bare accelerator)
};

struct EstimateInputs {
  double seconds = 0;                   // wall-clock seconds the chips were held
  std::optional<Precision> precision;   // hint
  std::optional<double> utilization;    // declared MFU in (0,1]
  std::optional<double> tensor_active;  // measured tensor-pipe activity in [0,1]
  std::optional<double> busy_fraction;  // measured share of time a kernel ran (DCGM GPU_UTIL)
};

struct Estimate {
  double low = 0, central = 0, high = 0;  // P5, P50, P95 operations
  double upper_bound = 0;                 // dense max-precision peak x chip-seconds
  // How the central figure was made: "prior:<family>", "declared", "telemetry".
  std::string method;
  Precision precision_used = Precision::kBf16;
  std::string family;
  double peak_ops_per_s = 0;  // per chip, at precision_used (mean over a mix)
};

class Estimator {
 public:
  // The references must outlive the estimator.
  Estimator(const InstanceMap& instances, const UtilizationPrior& prior,
            EstimatorOptions options = {});
  // The bundled catalog, instance map and prior with default options.
  static const Estimator& Bundled();

  // `what` is an instance type, TPU slice, accelerator name or alias, or several accelerator
  // names separated by commas; `count` multiplies the instance's chips (instances, or chips for
  // a bare accelerator). Errors: NotFound naming `what`; InvalidArgument for count <= 0, or an
  // accelerator without any known peak.
  Result<ResolvedHardware> Resolve(std::string_view what, double count) const;

  // Errors: InvalidArgument naming the field (seconds < 0, utilisation outside (0,1],
  // tensor_active or busy_fraction outside [0,1]).
  Result<Estimate> Compute(const ResolvedHardware& hw, const EstimateInputs& in) const;

 private:
  const InstanceMap& instances_;
  const UtilizationPrior& prior_;
  EstimatorOptions options_;
};

// The precision whose peak an estimate uses on `a` (the rules above), and that peak.
std::pair<Precision, double> PeakFor(const Accelerator& a, std::optional<Precision> hint);

}  // namespace kycloud::compute
