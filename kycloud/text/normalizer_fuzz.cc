// Fuzz target: normalisation, transliteration, script detection, name preparation, the
// transliteration models' TSV parser and their scoring on arbitrary bytes (invalid UTF-8
// included).
#include <cstdint>
#include <string>

#include "kycloud/text/normalizer.h"
#include "kycloud/text/prepared_name.h"
#include "kycloud/text/transliteration_model.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string s(reinterpret_cast<const char*>(data), size);
  (void)kycloud::text::Normalize(s);
  (void)kycloud::text::ToLatin(s);
  (void)kycloud::text::DetectScript(s);
  (void)kycloud::text::PrepareName(s, size % 2 == 0);
  auto models = kycloud::text::TransliterationModels::Parse(s);
  if (models.has_value()) (void)models->Serialize();
  // Score the input against itself split in two, under a bundled model.
  if (const auto* m =
          kycloud::text::TransliterationModels::Default().For(kycloud::text::Script::kArabic)) {
    (void)m->Similarity(s.substr(0, size / 2), s.substr(size / 2));
  }
  return 0;
}
