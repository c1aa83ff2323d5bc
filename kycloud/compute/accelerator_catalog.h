// AcceleratorCatalog: what each AI accelerator can do, for compute estimates (dense peak per
// precision) and export-control flags (TPP, performance density, the 3A090 numeric test).
// Seeded from Epoch AI's ML hardware table and corrected by a reviewed override table whose every
// row names its source (data/compute/, PROVENANCE.md there); aliases map short and vendor names
// (`h100`, `a100-80gb`, `tpu-v5p`) to Epoch's names.
//
// Lookups ignore case and punctuation: "NVIDIA H100 SXM5 80GB", "nvidia-h100-sxm5-80gb" and the
// alias "h100" find the same accelerator.
//
// Thread-safety: immutable after construction; Bundled() is safe from many threads.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kycloud/base/result.h"
#include "kycloud/compute/export_class.h"

namespace kycloud::compute {

// Number formats of a peak. kBf16 is the 16-bit tensor peak (BF16 or FP16); kInt8 counts
// integer operations.
enum class Precision { kFp64, kFp32, kTf32, kBf16, kFp8, kInt8 };
// In enum order (kPrecisions[i] == Precision(i)).
inline constexpr Precision kPrecisions[] = {Precision::kFp64, Precision::kFp32, Precision::kTf32,
                                            Precision::kBf16, Precision::kFp8,  Precision::kInt8};
// "fp64", "fp32", "tf32", "bf16", "fp8", "int8".
std::string_view PrecisionName(Precision p);
// Also accepts "fp16" and "bfloat16" (as bf16), upper case. Errors: InvalidArgument.
Result<Precision> ParsePrecision(std::string_view text);
// Bits per operand, as the TPP definition counts them.
int PrecisionBits(Precision p);

struct Accelerator {
  std::string name;  // Epoch's "Hardware name" (or the override's name for an addition)
  std::string manufacturer;
  std::string type;          // GPU, TPU, NPU...
  std::string release_date;  // YYYY-MM-DD when known
  // Dense peak operations per second by Precision (index = enum value); nullopt = unknown.
  std::array<std::optional<double>, 6> peak;
  // The 16-bit tensor rate with FP32 accumulation, set where it is below the bf16 peak (GeForce
  // cards run FP16 x FP16 + FP32 at half their FP16-accumulate rate): what mixed-precision
  // training, which accumulates in FP32, can reach. Estimates use it; TPP and bounds do not.
  std::optional<double> bf16_fp32_accumulate;
  std::optional<double> memory_bytes;
  std::optional<double> memory_bandwidth;  // bytes/s
  std::optional<double> die_area_mm2;
  std::optional<double> tdp_w;
  std::optional<double> tpp;                  // Total Processing Performance (bit-TOPS)
  std::optional<double> performance_density;  // TPP per mm² of die
  ExportClass numeric_class = ExportClass::kUnknown;
  std::vector<std::string> aliases;
  std::vector<std::string> overrides;  // "field = value (source)" for each corrected fact

  std::optional<double> Peak(Precision p) const { return peak[static_cast<size_t>(p)]; }
  // The highest dense peak over all precisions (0 when none is known): the hard upper bound.
  double MaxDensePeak() const;
};

class AcceleratorCatalog {
 public:
  // Builds the catalog from Epoch's CSV, the override table (`hardware_name,field,value,source`)
  // and the alias table (`alias,hardware_name`). Errors: InvalidArgument naming file:line and
  // the field (an unknown field, a value that is not a number, an alias to an unknown name).
  static Result<AcceleratorCatalog> Parse(std::string_view epoch_csv,
                                          std::string_view overrides_csv,
                                          std::string_view aliases_csv);
  // The catalog built from the data compiled into kycloud.
  static const AcceleratorCatalog& Bundled();

  // By name or alias; nullptr when unknown.
  const Accelerator* Find(std::string_view name) const;
  const std::vector<Accelerator>& all() const { return items_; }

 private:
  std::vector<Accelerator> items_;
  std::unordered_map<std::string, size_t> by_key_;
};

// The lookup key of a name: lower-case ASCII letters and digits only.
std::string CatalogKey(std::string_view name);

}  // namespace kycloud::compute
