// NameTables: the reference vocabularies used to understand names, compiled in from
// data/text/*.tsv (from opensanctions/rigour, MIT): legal forms in many languages with their
// comparison form ("Общество с ограниченной ответственностью", "OOO", "LLC" -> "llc"...), and
// title/honorific prefixes ("mr", "dr", "general", "sheikh"...). All keys are normalised with
// Normalize() + ToLatin() at load, so they match prepared names exactly.
//
// Thread-safety: immutable after construction; Default() is built once, thread-safely.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace kycloud::text {

class NameTables {
 public:
  static const NameTables& Default();

  // Legal-form phrase (normalised, space-separated tokens) -> comparison form (normalised).
  const std::unordered_map<std::string, std::string>& legal_forms() const { return legal_forms_; }
  // The longest legal-form phrase, in tokens.
  size_t max_legal_form_tokens() const { return max_legal_form_tokens_; }
  bool IsPersonPrefix(std::string_view token) const {
    return person_prefixes_.contains(std::string(token));
  }

 private:
  NameTables();
  std::unordered_map<std::string, std::string> legal_forms_;
  std::unordered_set<std::string> person_prefixes_;
  size_t max_legal_form_tokens_ = 1;
};

}  // namespace kycloud::text
