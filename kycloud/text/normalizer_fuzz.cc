// Fuzz target: normalisation, transliteration, script detection and name preparation on
// arbitrary bytes (invalid UTF-8 included).
#include <cstdint>
#include <string>

#include "kycloud/text/normalizer.h"
#include "kycloud/text/prepared_name.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string s(reinterpret_cast<const char*>(data), size);
  (void)kycloud::text::Normalize(s);
  (void)kycloud::text::ToLatin(s);
  (void)kycloud::text::DetectScript(s);
  (void)kycloud::text::PrepareName(s, size % 2 == 0);
  return 0;
}
