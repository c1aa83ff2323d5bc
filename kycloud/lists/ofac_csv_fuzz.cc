// Fuzz target: the OFAC legacy CSV parsers (primary, ALT, ADD, comments) on arbitrary bytes.
#include <cstdint>
#include <string>

#include "kycloud/lists/ofac.h"
#include "kycloud/lists/source_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text =
      kycloud::lists::ToCleanUtf8(std::string(reinterpret_cast<const char*>(data), size));
  kycloud::lists::EntityMap m;
  (void)kycloud::lists::ParseOfacPrimaryCsv(text, "fuzz", "l", m);
  (void)kycloud::lists::ParseOfacAltCsv(text, "fuzz", m);
  (void)kycloud::lists::ParseOfacAddCsv(text, "fuzz", m);
  (void)kycloud::lists::ParseOfacCommentsCsv(text, "fuzz", m);
  (void)kycloud::lists::ParseOfacJson(text, "fuzz", "l", m);
  return 0;
}
