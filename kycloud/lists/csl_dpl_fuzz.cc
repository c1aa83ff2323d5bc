// Fuzz target: the CSL CSV, BIS DPL TSV and UK CSV parsers on arbitrary bytes.
#include <cstdint>
#include <string>

#include "kycloud/lists/csl.h"
#include "kycloud/lists/dpl.h"
#include "kycloud/lists/source_file.h"
#include "kycloud/lists/uk_ods.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string raw(reinterpret_cast<const char*>(data), size);
  std::string text = kycloud::lists::ToCleanUtf8(raw);
  (void)kycloud::lists::ParseCslCsv(text, "fuzz");
  (void)kycloud::lists::ParseDplTsv(text, "fuzz");
  (void)kycloud::lists::ParseUkCsv(text, "fuzz");
  (void)kycloud::lists::Gunzip(raw, "fuzz");
  return 0;
}
