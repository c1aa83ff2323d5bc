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
// {"group" (null when linked to no one), "members" (the others), "countries"}: the customer's
// linked group (account linking, R33) as GET /v1/customers/{id} shows it (officers, auditors;
// not in the create and update responses integrators see: they could probe who holds a card).
nlohmann::json LinkedGroupJson(const cip::LinkedEvidence& e);

}  // namespace kycloud::server
