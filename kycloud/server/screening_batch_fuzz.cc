// Fuzz target: the batch files of `kycloud screen` (JSON lines and CSV) and `kycloud match-names`
// (CSV). The first byte picks the reader; the rest is the file. Invariant: every row read has a
// positive line number, and a row without an error has a usable query or both names.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "kycloud/server/screening_batch.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
    case 1: {
      auto rows = kycloud::server::ReadBatchQueries(text, "fuzz.in", data[0] % 3 == 0);
      if (!rows) return 0;
      for (const auto& q : *rows) {
        if (q.line <= 0) std::abort();
      }
      break;
    }
    case 2: {
      auto pairs = kycloud::server::ReadNamePairs(text, "fuzz.csv");
      if (!pairs) return 0;
      for (const auto& r : pairs->rows) {
        if (r.line <= 0) std::abort();
        if (r.error.empty() &&
            (r.fields.size() <= static_cast<size_t>(std::max(pairs->name1, pairs->name2)))) {
          std::abort();
        }
      }
      break;
    }
  }
  return 0;
}
