// The batch files of `kycloud screen` and `kycloud match-names` (ARCHITECTURE.md's command-line
// contracts): parsed into rows, each with its line and, when bad, an error naming the file, line
// and field, so that one bad row never stops the others. Fuzzed by screening_batch_fuzz.
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kycloud/base/result.h"
#include "kycloud/lists/list_entity.h"
#include "kycloud/screening/screener.h"

namespace kycloud::server {

// One query of `kycloud screen --input`.
struct BatchQuery {
  int line = 0;
  nlohmann::json original;  // the row as given (a CSV row as an object of its columns)
  screening::ScreeningQuery query;
  std::string error;  // "" when the row is good
};

// JSON lines when `jsonl` (one query object per line, blank lines skipped), else CSV with a
// header row naming the query's fields. An unterminated quote ends the file with an error row.
// `origin` names the file in errors. Errors: InvalidArgument for a header that cannot be read.
Result<std::vector<BatchQuery>> ReadBatchQueries(std::string_view text, const std::string& origin,
                                                 bool jsonl);

// One row of `kycloud match-names --input` (CSV with columns name1, name2 and optional schema).
struct NamePairRow {
  int line = 0;
  std::vector<std::string> fields;
  std::optional<lists::Schema> schema;
  std::string error;
};
struct NamePairs {
  std::vector<std::string> header;
  int name1 = -1, name2 = -1;
  std::vector<NamePairRow> rows;
  bool truncated = false;  // an unterminated quote ended the file (the last row's error says so)
};
// Errors: InvalidArgument for an empty file or a header without name1 and name2.
Result<NamePairs> ReadNamePairs(std::string_view text, const std::string& origin);

}  // namespace kycloud::server
