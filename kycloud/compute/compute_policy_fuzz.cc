// Fuzz target: the compute-threshold policy file (policy/compute-thresholds.toml) on arbitrary
// bytes. Invariants of an accepted file, as the header promises: tiers ascending in (0, 1],
// windows ascending and positive, positive thresholds.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kycloud/compute/compute_policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using kycloud::compute::ComputePolicy;
  auto p = ComputePolicy::Parse(std::string_view(reinterpret_cast<const char*>(data), size),
                                "compute-thresholds.toml");
  if (!p) return 0;
  double last = 0;
  for (double t : p->tiers) {
    if (!(t > last && t <= 1)) std::abort();
    last = t;
  }
  int last_window = 0;
  for (int w : p->windows_days) {
    if (!(w > last_window)) std::abort();
    last_window = w;
  }
  if (!(p->threshold_ops > 0) || !(p->bio_threshold_ops > 0)) std::abort();
  return 0;
}
