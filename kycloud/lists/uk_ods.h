// UK Sanctions List as published by the FCDO in OpenDocument spreadsheet form (.ods: a zip with
// content.xml), or the same table as CSV. One row per designated name; rows sharing an
// "OFSI Group ID" (or, when that is empty, a "Unique ID") are one entity, the first row's name
// primary and the others aliases. Columns used: Unique ID, OFSI Group ID, Name, Regime Name, Type
// (Individual / Entity / Ship), Date Designated (DD-MM-YYYY).
//
// Errors: DataLoss "file:line: ..." (row number of the sheet for ODS) for a row without an id
// or a sheet without the expected header.
// Thread-safety: pure functions.
#pragma once

#include <string_view>
#include <vector>

#include "kycloud/base/result.h"
#include "kycloud/lists/list_entity.h"

namespace kycloud::lists {

struct UkParseResult {
  std::vector<ListEntity> entities;
  int rows_without_name = 0;  // the published sheet has a few; they are skipped and reported
};

// `data` is the raw .ods file (zip).
Result<UkParseResult> ParseUkOds(std::string_view data, std::string_view origin);
Result<UkParseResult> ParseUkCsv(std::string_view text, std::string_view origin);

}  // namespace kycloud::lists
