// UN Security Council Consolidated List (XML): INDIVIDUAL and ENTITY records with all name parts
// (FIRST..FOURTH_NAME), NAME_ORIGINAL_SCRIPT, aliases with QUALITY (Good -> alias, Low -> weak
// alias), dates of birth (DATE, YEAR, FROM_YEAR..TO_YEAR), places of birth, nationalities,
// documents, addresses, the UN list type as program. Entity id: the REFERENCE_NUMBER
// ("CDi.001"), falling back to DATAID.
//
// Errors: DataLoss "file:line: ..." for malformed XML or a record without a name.
// Thread-safety: pure functions.
#pragma once

#include <string_view>
#include <vector>

#include "kycloud/base/result.h"
#include "kycloud/lists/list_entity.h"

namespace kycloud::lists {

struct UnParseResult {
  std::vector<ListEntity> entities;
  std::string date_generated;  // from the root element, e.g. "2026-02-27"
};

Result<UnParseResult> ParseUnXml(std::string_view text, std::string_view origin);

}  // namespace kycloud::lists
