// Reading link records from CSV with a field mapping (the `kycloud link --fields` contract):
// MAPPING is `field=column` pairs separated by commas, fields from: id, given_name, family_name,
// full_name, org_name, street_number, address_line, locality, postcode, region, country,
// date_of_birth, phone, email, national_id, payment_fingerprint, bank_account, wallet, ip,
// beneficial_owner (name, optionally "|YYYY-MM-DD"). A field
// may repeat (two `address_line` columns); `id` is required, once. Header names and values are
// trimmed of surrounding spaces.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kycloud/base/result.h"
#include "kycloud/linking/link_record.h"

namespace kycloud::linking {

struct FieldMapping {
  std::string id_column;
  std::vector<std::pair<Field, std::string>> columns;  // field <- column name
};

// Errors: InvalidArgument naming the pair ("unknown field 'x'", "'id' is required", ...).
Result<FieldMapping> ParseFieldMapping(std::string_view mapping);

// Errors: InvalidArgument "origin: column 'x' (field y) is not in the header", DataLoss
// "origin:line: ..." for a row with fewer columns than the header or an empty id.
Result<std::vector<LinkRecord>> ReadLinkRecords(std::string_view csv, const FieldMapping& mapping,
                                                std::string_view origin);

}  // namespace kycloud::linking
