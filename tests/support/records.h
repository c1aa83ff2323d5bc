// CIP records that integration tests send to a running service.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace kycloud::testing {

// A Singapore company (incorporated and located there, one Singaporean owner of 60%, a card issued
// there) with its own e-mail domain: shared `phone` or `card` values link companies together.
nlohmann::json SingaporeCompany(const std::string& id, const std::string& name,
                                const std::string& phone, const std::string& card);

}  // namespace kycloud::testing
