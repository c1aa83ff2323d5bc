// The compute reference data of data/compute/, compiled in (PROVENANCE.md there).
#pragma once

#include <string_view>

namespace kycloud::compute {

std::string_view MlHardwareCsv();            // Epoch AI's ml_hardware.csv (CC-BY 4.0)
std::string_view AcceleratorOverridesCsv();  // reviewed corrections with sources
std::string_view AcceleratorAliasesCsv();
std::string_view InstanceTypesCsv();
std::string_view TpuSlicesCsv();
std::string_view UtilizationPriorCsv();
std::string_view ComputeThresholdsToml();  // policy/compute-thresholds.toml  // fitted by
                                           // scripts/fit-utilization-prior

}  // namespace kycloud::compute
