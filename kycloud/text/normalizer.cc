#include "kycloud/text/normalizer.h"

#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/uscript.h>

#include <array>
#include <memory>

#include "kycloud/base/check.h"

namespace kycloud::text {

namespace {

bool IsApostrophe(UChar32 c) {
  return c == '\'' || c == 0x2019 || c == 0x2018 || c == 0x02BC || c == 0x02BB || c == '`' ||
         c == 0x00B4;
}

std::string NormalizeAscii(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool space = true;  // suppress leading spaces
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (std::isalnum(c)) {
      out += static_cast<char>(std::tolower(c));
      space = false;
    } else if (c == '\'' || c == '`') {
      // dropped: O'BRIEN -> obrien
    } else if (!space) {
      out += ' ';
      space = true;
    }
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

Script ScriptOf(UChar32 c) {
  UErrorCode err = U_ZERO_ERROR;
  UScriptCode sc = uscript_getScript(c, &err);
  switch (sc) {
    case USCRIPT_LATIN:
      return Script::kLatin;
    case USCRIPT_CYRILLIC:
      return Script::kCyrillic;
    case USCRIPT_GREEK:
      return Script::kGreek;
    case USCRIPT_ARABIC:
      return Script::kArabic;
    case USCRIPT_HEBREW:
      return Script::kHebrew;
    case USCRIPT_HAN:
      return Script::kHan;
    case USCRIPT_HANGUL:
      return Script::kHangul;
    case USCRIPT_HIRAGANA:
    case USCRIPT_KATAKANA:
      return Script::kKana;
    case USCRIPT_COMMON:
    case USCRIPT_INHERITED:
      return Script::kUnknown;
    default:
      return Script::kOther;
  }
}

// Per-thread ICU transliterator: ICU's Transliterator::transliterate is not thread-safe.
icu::Transliterator& ThreadTransliterator() {
  thread_local std::unique_ptr<icu::Transliterator> t = [] {
    UErrorCode err = U_ZERO_ERROR;
    // Han gets spaces between syllables so each becomes a token; then everything to ASCII.
    std::unique_ptr<icu::Transliterator> tr(icu::Transliterator::createInstance(
        "Han-Latin/Names; Russian-Latin/BGN; Any-Latin; Latin-ASCII", UTRANS_FORWARD, err));
    if (U_FAILURE(err)) {
      err = U_ZERO_ERROR;
      tr.reset(icu::Transliterator::createInstance("Any-Latin; Latin-ASCII", UTRANS_FORWARD, err));
    }
    KY_CHECK(U_SUCCESS(err)) << "ICU transliterator: " << u_errorName(err);
    return tr;
  }();
  return *t;
}

}  // namespace

std::string_view ScriptName(Script s) {
  static constexpr std::array<std::string_view, 10> kNames = {
      "unknown", "latin", "cyrillic", "greek", "arabic",
      "hebrew",  "han",   "hangul",   "kana",  "other"};
  return kNames[static_cast<size_t>(s)];
}

bool IsAscii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

std::string Normalize(std::string_view text) {
  if (IsAscii(text)) return NormalizeAscii(text);
  UErrorCode err = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(err);
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(err);
  KY_CHECK(U_SUCCESS(err)) << "ICU normalizers: " << u_errorName(err);
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  icu::UnicodeString folded = nfkc_cf->normalize(s, err);
  icu::UnicodeString decomposed = nfd->normalize(folded, err);
  if (U_FAILURE(err)) return NormalizeAscii(text);  // unreachable for valid input
  icu::UnicodeString out;
  bool space = true;
  for (int32_t i = 0; i < decomposed.length();) {
    UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    int8_t type = u_charType(c);
    if (type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK) continue;
    if (u_isalnum(c) || type == U_COMBINING_SPACING_MARK) {
      out.append(c);
      space = false;
    } else if (IsApostrophe(c)) {
      // dropped
    } else if (!space) {
      out.append(static_cast<UChar32>(' '));
      space = true;
    }
  }
  if (out.length() > 0 && out.charAt(out.length() - 1) == ' ') out.truncate(out.length() - 1);
  // Re-compose what survived (Hangul syllables, Kana voicing marks were not stripped above).
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(err);
  icu::UnicodeString composed = nfc->normalize(out, err);
  std::string result;
  composed.toUTF8String(result);
  return result;
}

std::string ToLatin(std::string_view text) {
  std::string normalized = Normalize(text);
  if (IsAscii(normalized)) return normalized;
  // One token per Hangul syllable, as Han-Latin/Names does for Han: Korean names are romanised
  // syllable by syllable ("KIM Jong Un"), not as one word.
  icu::UnicodeString in = icu::UnicodeString::fromUTF8(normalized);
  icu::UnicodeString s;
  for (int32_t i = 0; i < in.length();) {
    UChar32 c = in.char32At(i);
    i += U16_LENGTH(c);
    bool syllable = c >= 0xAC00 && c <= 0xD7A3;
    if (syllable) s.append(static_cast<UChar32>(' '));
    s.append(c);
    if (syllable) s.append(static_cast<UChar32>(' '));
  }
  ThreadTransliterator().transliterate(s);
  std::string latin;
  s.toUTF8String(latin);
  return Normalize(latin);
}

Script DetectScript(std::string_view text) {
  std::array<int, 10> counts{};
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  for (int32_t i = 0; i < s.length();) {
    UChar32 c = s.char32At(i);
    i += U16_LENGTH(c);
    if (!u_isalpha(c)) continue;
    ++counts[static_cast<size_t>(ScriptOf(c))];
  }
  size_t best = 0;
  for (size_t k = 1; k < counts.size(); ++k) {
    if (counts[k] > counts[best]) best = k;
  }
  return counts[best] == 0 ? Script::kUnknown : static_cast<Script>(best);
}

}  // namespace kycloud::text
