#include "kycloud/text/prepared_name.h"

#include <algorithm>
#include <cctype>

#include "kycloud/text/normalizer.h"

namespace kycloud::text {

std::string_view TokenKindName(TokenKind k) {
  switch (k) {
    case TokenKind::kWord:
      return "word";
    case TokenKind::kLegalForm:
      return "legal_form";
    case TokenKind::kPrefix:
      return "prefix";
    case TokenKind::kNumber:
      return "number";
  }
  return "word";
}

std::string PreparedName::Joined() const {
  std::string out;
  for (const auto& t : tokens) {
    if (!out.empty()) out += ' ';
    out += t.text;
  }
  return out;
}

PreparedName PrepareName(std::string_view raw, bool person, const NameTables& tables) {
  PreparedName p;
  p.person = person;
  p.latin = ToLatin(raw);
  p.script = IsAscii(raw) ? Script::kLatin : DetectScript(raw);
  std::vector<std::string_view> words;
  std::string_view s = p.latin;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find(' ', i);
    if (j == std::string_view::npos) j = s.size();
    if (j > i) words.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  const auto& forms = tables.legal_forms();
  size_t max_len = tables.max_legal_form_tokens();
  for (size_t w = 0; w < words.size();) {
    // Longest legal-form phrase starting here. A single-letter phrase ("s", "a") only counts as
    // part of a longer one ("s a").
    bool matched = false;
    for (size_t len = std::min(max_len, words.size() - w); len >= 1 && !matched; --len) {
      std::string phrase(words[w]);
      for (size_t k = 1; k < len; ++k) {
        phrase += ' ';
        phrase += words[w + k];
      }
      if (len == 1 && phrase.size() < 2) break;
      auto it = forms.find(phrase);
      if (it == forms.end()) continue;
      // "bank", "group", "company" forms only count when the name has other words.
      if (len == words.size()) break;
      p.tokens.push_back({it->second, TokenKind::kLegalForm});
      w += len;
      matched = true;
    }
    if (matched) continue;
    std::string_view word = words[w];
    TokenKind kind = TokenKind::kWord;
    if (std::any_of(word.begin(), word.end(),
                    [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
      kind = TokenKind::kNumber;
    } else if (person && p.tokens.empty() && words.size() > 1 && tables.IsPersonPrefix(word)) {
      kind = TokenKind::kPrefix;
    }
    p.tokens.push_back({std::string(word), kind});
    ++w;
  }
  return p;
}

}  // namespace kycloud::text
