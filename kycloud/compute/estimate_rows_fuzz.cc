// Fuzz target: `kycloud compute estimate --input RUNS.csv` rows: the header's columns, then
// every row with the right number of fields estimated. Invariant: an estimate is finite and
// ordered (0 <= low <= central <= high).
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "kycloud/base/csv_reader.h"
#include "kycloud/compute/estimate_rows.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  kycloud::CsvReader reader(text, "fuzz.csv");
  std::vector<std::string> header, row;
  auto first = reader.Next(header);
  if (!first || !*first) return 0;
  auto columns = kycloud::compute::EstimateColumnsOf(header, "fuzz.csv");
  if (!columns) return 0;
  for (int n = 0; n < 1000; ++n) {
    auto more = reader.Next(row);
    if (!more || !*more) break;
    if (row.size() != header.size()) continue;
    kycloud::compute::ResolvedHardware hw;
    auto e = kycloud::compute::EstimateRow(row, *columns, hw);
    if (!e) continue;
    if (!std::isfinite(e->central) || e->low < 0 || e->low > e->central * (1 + 1e-9) ||
        e->central > e->high * (1 + 1e-9)) {
      std::abort();
    }
  }
  return 0;
}
