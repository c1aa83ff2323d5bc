// The rows of `kycloud compute estimate --input RUNS.csv` (the command-line contract in
// ARCHITECTURE.md): the header's columns (accelerator, count, hours; optional precision and
// utilization) and one row's estimate, or the reason there is none. Fuzzed by
// estimate_rows_fuzz.
//
// Thread-safety: pure functions over the bundled estimator.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kycloud/base/result.h"
#include "kycloud/compute/estimator.h"

namespace kycloud::compute {

struct EstimateColumns {
  int accelerator = -1, count = -1, hours = -1;
  int precision = -1, utilization = -1;  // -1: not given
};

// Errors: InvalidArgument "ORIGIN:1: needs columns accelerator, count and hours".
Result<EstimateColumns> EstimateColumnsOf(const std::vector<std::string>& header,
                                          std::string_view origin);

// Precondition: `row` has as many fields as the header. Errors: InvalidArgument naming the column
// (a bad number, a negative duration, an unknown precision or accelerator). `hw` receives the
// resolved hardware (for --explain).
Result<Estimate> EstimateRow(const std::vector<std::string>& row, const EstimateColumns& columns,
                             ResolvedHardware& hw);

}  // namespace kycloud::compute
