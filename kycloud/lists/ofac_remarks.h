// The OFAC remarks mini-language: the free-text "Remarks" column of SDN.CSV / CONS_PRIM.CSV (and
// its continuation in SDN_COMMENTS.CSV) holds ';'-separated facts such as
//   DOB 10 Dec 1948; POB Giza, Egypt; nationality Egypt; Passport 1084010 (Egypt);
//   alt. Passport 19820215; a.k.a. 'BNC'; Email Address x@y.com;
//   Digital Currency Address - XBT 1A1zP1...; Linked To: SOME COMPANY.
// ApplyOfacRemarks() parses them into the entity (aliases from remarks are weak aliases, as OFAC
// marks them), keeps the full text in `remarks`, and never fails: unknown facts stay in the text.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kycloud/lists/list_entity.h"

namespace kycloud::lists {

void ApplyOfacRemarks(std::string_view remarks, ListEntity& entity);

// "10 Dec 1948" -> "1948-12-10", "Dec 1948" -> "1948-12", "circa 1955" -> "1955",
// "1955 to 1957" -> the three years. Empty when not a date.
std::vector<std::string> ParseOfacDates(std::string_view text);

// Splits on ';' outside quotes and parentheses.
std::vector<std::string_view> SplitRemarks(std::string_view remarks);

}  // namespace kycloud::lists
