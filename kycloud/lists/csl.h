// trade.gov Consolidated Screening List (CSV, plain or gzipped): 29 named columns, multi-values
// separated by ';'. Each `source` becomes its own list (Entity List, Denied Persons, Unverified,
// MEU, SDN, ...), named by CslListId(). Entities are keyed by the CSL `_id` (or entity_number).
//
// Errors: DataLoss "file:line: ..." (missing columns, malformed row, unknown header).
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "kycloud/base/result.h"
#include "kycloud/lists/list_entity.h"

namespace kycloud::lists {

// "Entity List (EL) - Bureau of Industry and Security" -> "us_bis_entity_list", and so on;
// an unknown source becomes "us_csl_" + its abbreviation in lower case.
std::string CslListId(std::string_view source);
// A human title for a CSL list id ("Entity List (BIS)").
std::string CslListTitle(std::string_view list_id, std::string_view source);

struct CslParseResult {
  std::map<std::string, std::vector<ListEntity>> by_list;  // list id -> entities
  std::map<std::string, std::string> sources;              // list id -> CSL source text
};

Result<CslParseResult> ParseCslCsv(std::string_view text, std::string_view origin);

}  // namespace kycloud::lists
