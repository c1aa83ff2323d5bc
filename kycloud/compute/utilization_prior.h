// UtilizationPrior: what fraction of an accelerator's dense peak a training run sustains (model
// FLOP utilisation, MFU), as a distribution per hardware family — P5, P50 and P95. Fitted on Epoch
// AI's training runs by scripts/fit-utilization-prior, whose output data/compute/
// utilization_prior.csv is compiled in (docs/compute-estimation.md explains the fit).
//
// Families (AcceleratorFamily):
//   tpu           Google TPUs (type TPU in the catalog)
//   scalar        the estimate uses a non-tensor FP32/FP64 peak (pre-tensor-core GPUs)
//   tensor-early  tensor peak of a chip released before 2020 (Volta, Turing)
//   tensor        tensor peak of a chip released in 2020 or later (Ampere, Hopper, Blackwell,
//                 MI200/300, Trainium, Ascend …)
// and `all`, the pooled fit, for anything else.
//
// Thread-safety: immutable after construction; Bundled() is safe from many threads.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "kycloud/base/result.h"
#include "kycloud/compute/accelerator_catalog.h"

namespace kycloud::compute {

struct UtilizationQuantiles {
  double p5 = 0, p50 = 0, p95 = 0;  // fractions of the dense peak, 0 < p5 <= p50 <= p95
  int runs = 0;                     // how many runs the fit saw for this family
};

// The family of a run on `a` whose estimate uses the peak of `precision_used`.
std::string_view AcceleratorFamily(const Accelerator& a, Precision precision_used);

class UtilizationPrior {
 public:
  // CSV `family,runs,p5,p50,p95` (lines starting with '#' are comments); must contain `all`.
  // Errors: InvalidArgument naming file:line (not numbers, not 0 < p5 <= p50 <= p95 <= 1.5).
  static Result<UtilizationPrior> Parse(std::string_view csv);
  static const UtilizationPrior& Bundled();

  // The family's quantiles, or `all`'s when the family has none.
  const UtilizationQuantiles& For(std::string_view family) const;
  const std::map<std::string, UtilizationQuantiles, std::less<>>& families() const {
    return families_;
  }

 private:
  std::map<std::string, UtilizationQuantiles, std::less<>> families_;
};

}  // namespace kycloud::compute
