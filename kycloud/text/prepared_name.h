// PreparedName: a name ready for indexing and scoring — transliterated to normalised Latin and
// split into tokens, each tagged with what it is. Legal forms are recognised (longest phrase
// first, in any of rigour's languages) and replaced by their comparison form ("obshchestvo s
// ogranichennoi otvetstvennostiu" -> one token "ooo"), never dropped; honorific prefixes at the
// start of a person's name ("mr", "dr", "sheikh") are tagged; tokens with digits are numbers.
//
// Thread-safety: pure function over immutable tables.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kycloud/text/name_tables.h"
#include "kycloud/text/normalizer.h"

namespace kycloud::text {

enum class TokenKind { kWord, kLegalForm, kPrefix, kNumber };
std::string_view TokenKindName(TokenKind k);

struct NameToken {
  std::string text;
  TokenKind kind = TokenKind::kWord;
  friend bool operator==(const NameToken&, const NameToken&) = default;
};

struct PreparedName {
  std::string latin;                 // ToLatin() of the input
  std::vector<NameToken> tokens;     // in order
  bool person = false;               // prepared as a person's name
  Script script = Script::kUnknown;  // the script the name was written in (DetectScript)
  // The tokens joined with spaces (after legal-form replacement).
  std::string Joined() const;
};

PreparedName PrepareName(std::string_view raw, bool person,
                         const NameTables& tables = NameTables::Default());

}  // namespace kycloud::text
