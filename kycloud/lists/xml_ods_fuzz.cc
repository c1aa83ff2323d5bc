// Fuzz target: the UN XML parser and the UK .ods (zip + XML) parser on arbitrary bytes.
#include <cstdint>
#include <string>

#include "kycloud/lists/uk_ods.h"
#include "kycloud/lists/un_xml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string raw(reinterpret_cast<const char*>(data), size);
  (void)kycloud::lists::ParseUnXml(raw, "fuzz");
  (void)kycloud::lists::ParseUkOds(raw, "fuzz");
  return 0;
}
