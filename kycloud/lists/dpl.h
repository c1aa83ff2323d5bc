// BIS Denied Persons List, tab-separated with a header (Name, Street_Address, City, State,
// Country, Postal_Code, Effective_Date, Expiration_Date, Standard_Order, Last_Update, Action,
// FR_Citation). The file has no ids: an entity's id is the first 16 hex digits of the SHA-256 of
// its name and address, stable across updates that do not change them.
//
// Errors: DataLoss "file:line: ...". Thread-safety: pure functions.
#pragma once

#include <string_view>
#include <vector>

#include "kycloud/base/result.h"
#include "kycloud/lists/list_entity.h"

namespace kycloud::lists {

Result<std::vector<ListEntity>> ParseDplTsv(std::string_view text, std::string_view origin);

}  // namespace kycloud::lists
