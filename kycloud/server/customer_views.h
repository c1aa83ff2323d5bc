// The JSON views of CIP records the API returns: a stored row without personal data (RowJson:
// states, countries, dates, classification evidence, risk reasons) and an onboarding result
// (ResultJson: the row, the decision's reasons, screening, and the opened record).
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include "kycloud/cip/onboarding.h"
#include "kycloud/storage/customer_store.h"

namespace kycloud::server {

nlohmann::json RowJson(const storage::CustomerRow& r);
nlohmann::json ResultJson(const cip::OnboardingResult& r);

}  // namespace kycloud::server
