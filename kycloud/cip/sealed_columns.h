// Where CIP keeps personal data sealed (storage/pii_cipher.h), and the associated data each
// value is sealed with: the one list the sealing code (onboarding, access log, verification)
// and the data-key rotation (storage/sealed_values.h, `kycloud keys rotate-data-key`) share.
#pragma once

#include <string_view>
#include <vector>

#include "kycloud/storage/sealed_values.h"

namespace kycloud::cip {

// Associated data = prefix + customer id.
inline constexpr std::string_view kCustomerSealPrefix = "customers/";          // the CIP record
inline constexpr std::string_view kAccessSealPrefix = "access/";               // an access IP
inline constexpr std::string_view kVerificationSealPrefix = "verifications/";  // its details

std::vector<storage::SealedColumn> SealedColumns();

}  // namespace kycloud::cip
