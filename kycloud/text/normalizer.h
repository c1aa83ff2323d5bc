// Name normalisation for matching: the one place where text from lists and queries is brought to
// a comparable form.
//
//   Normalize("Al-Qa'ida  Organisation, S.A.")  -> "al qaida organisation s a"
//   Normalize("Müller-Lüdenscheidt")            -> "muller ludenscheidt"
//   Normalize("ПУТИН Владимир")                 -> "путин владимир"   (script kept)
//   ToLatin("путин владимир")                   -> "putin vladimir"
//   ToLatin("习近平")                             -> "xi jin ping"
//
// Normalize(): Unicode NFKC with case folding (ICU), combining marks removed, apostrophes
// dropped inside words (O'BRIEN -> obrien), every other non-letter, non-digit character a word
// break, runs of spaces collapsed. ASCII input takes a fast path with the same result.
// ToLatin(): Normalize() and then transliteration of every non-Latin script to ASCII Latin with
// ICU (Han -> pinyin without tones, one syllable per token; Cyrillic, Greek, Arabic, Hebrew,
// Hangul, Kana, ...). Latin input is returned unchanged.
//
// Thread-safety: all functions are safe to call from many threads (ICU transliterators are kept
// per thread).
#pragma once

#include <string>
#include <string_view>

namespace kycloud::text {

enum class Script {
  kUnknown,
  kLatin,
  kCyrillic,
  kGreek,
  kArabic,
  kHebrew,
  kHan,
  kHangul,
  kKana,
  kOther
};
std::string_view ScriptName(Script s);  // "latin", "cyrillic", ...

std::string Normalize(std::string_view text);
std::string ToLatin(std::string_view text);
// The script of most letters in `text` (Han wins over Kana only if it has more letters).
Script DetectScript(std::string_view text);
bool IsAscii(std::string_view text);

}  // namespace kycloud::text
