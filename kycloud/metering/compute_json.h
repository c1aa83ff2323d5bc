// JSON forms of compute figures, shared by the HTTP API (GET /v1/accounts/{id}/compute), compute
// alerts and training-run report drafts, so that every place names a figure the same way
// (flop_low, flop_central, flop_high, flop_upper_bound; OpenAPI schemas UsageTotals, TrainingRun,
// SubjectCompute).
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "kycloud/compute/compute_rollup.h"
#include "kycloud/compute/training_run.h"
#include "kycloud/metering/usage_ledger.h"

namespace kycloud::metering {

nlohmann::json TotalsJson(const compute::UsageTotals& t);
// One object per window, with its "days".
nlohmann::json WindowsJson(const std::vector<compute::WindowTotals>& windows);
nlohmann::json RunJson(const compute::TrainingRun& r);
nlohmann::json SubjectJson(const SubjectCompute& s);

}  // namespace kycloud::metering
