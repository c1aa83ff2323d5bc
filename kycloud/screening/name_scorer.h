// Name-to-name scoring: order-free token alignment with rarity weights.
//
// Both names are prepared (text/prepared_name.h). Each token has a weight (rarer tokens weigh
// more; legal forms and honorific prefixes little). Tokens are aligned one-to-one, greedily by
// weighted similarity, order ignored ("PUTIN, Vladimir" = "Vladimir Putin"); two adjacent tokens
// on one side may align with one token on the other ("JSCARGUMENT" = "JSC ARGUMENT",
// "xi jin ping" = "xi jinping"; a join is compared with the Indel ratio, >= 0.92). Token
// similarity: 1 for equal tokens, Jaro-Winkler (rapidfuzz) at or above 0.80 otherwise (0 below), an
// initial matches a token it begins (0.75), numbers and legal forms only match exactly. The score
// is the weighted similarity of aligned tokens over the mean total weight of the two names, in [0,
// 1]. A name pair whose only agreement is in legal forms, prefixes or numbers scores at most 0.5.
//
// Cross-script: when one name was written in a non-Latin script and the other in Latin letters,
// the learned transliteration model of that script (text/transliteration_model.h) also compares
// them: word against word (the better of Jaro-Winkler on the ICU romanisation and the model's
// calibrated similarity; not for Han and Hangul, romanised one syllable per token), and the whole
// name (tokens concatenated, the Latin side also with its first or last token moved) when one
// side is a single word or the other is Han or Hangul. The score is the better of the two.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kycloud/text/prepared_name.h"

namespace kycloud::screening {

// Weight of a token (by its text and kind).
using TokenWeightFn = std::function<double(const text::NameToken&)>;

struct TokenPair {
  std::string query;      // one token, or two joined with '+'
  std::string candidate;  // likewise
  double similarity = 0;
  double weight = 0;
};

struct NameScore {
  double score = 0;
  double cross_script = 0;  // whole-name transliteration-model similarity (0 if not cross-script)
  std::vector<TokenPair> aligned;
  std::vector<std::string> unmatched_query;
  std::vector<std::string> unmatched_candidate;
};

NameScore ScoreNames(const text::PreparedName& query, const text::PreparedName& candidate,
                     const TokenWeightFn& weight);
// The same with the tokens' weights given (one per token, in order), e.g. precomputed by an index.
NameScore ScoreNames(const text::PreparedName& query, const std::vector<double>& query_weights,
                     const text::PreparedName& candidate,
                     const std::vector<double>& candidate_weights);

// A name prepared for repeated scoring: its tokens' weights and its alignment units (each token,
// and each pair of adjacent tokens joined) computed once. An index keeps its names' units in
// flat arrays (screening_index.h): scoring a candidate then reads a few adjacent cache lines.
struct ScoringUnit {
  double weight;
  std::uint64_t letters;  // bit (byte & 63) set for each byte of its text
  std::uint32_t text;     // offset of its text in the name's `texts`
  std::uint32_t size;     // bytes of text (a join: both tokens, which lie next to each other)
  std::uint32_t first;    // first token
  std::uint8_t count;     // 1 or 2
  text::TokenKind kind;
};
struct UnitScorers;  // Jaro-Winkler of each single-token unit, prepared once (name_scorer.cc)
// What ScoreNames reads of a name; it points into a ScoringName or an index and must not
// outlive it.
struct ScoringView {
  const text::PreparedName* name = nullptr;  // for explanations and cross-script comparison
  const ScoringUnit* units = nullptr;
  std::uint32_t unit_count = 0;
  std::uint32_t token_count = 0;
  const char* texts = nullptr;  // the tokens' texts, concatenated in order
  double total_weight = 0;
  bool person = false;
  text::Script script = text::Script::kUnknown;
  // Set for a name scored against many others (a screening query): its words' Jaro-Winkler
  // pattern tables are built once instead of once per pair. Scores are the same either way.
  const UnitScorers* scorers = nullptr;

  std::string_view Text(const ScoringUnit& u) const { return {texts + u.text, u.size}; }
};
// A name with its units, owning them.
struct ScoringName {
  const text::PreparedName* name = nullptr;  // not owned; must outlive this
  std::vector<ScoringUnit> units;
  std::string texts;
  double total_weight = 0;
  std::shared_ptr<const UnitScorers> scorers;

  ScoringView View() const;
};
// `cache_scorers`: prepare `scorers` (worth it for a query, not for a name scored once).
ScoringName MakeScoringName(const text::PreparedName& name, const std::vector<double>& weights,
                            bool cache_scorers = false);
// Appends the units of `name` to `units` (text offsets relative to the start of its texts) and its
// tokens' texts to `texts`; returns the total weight.
double AppendScoringUnits(const text::PreparedName& name, const std::vector<double>& weights,
                          std::vector<ScoringUnit>& units, std::string& texts);
// How the transliteration models take part (see above).
struct CrossScriptOptions {
  // The least model similarity that counts (a word's or the whole name's); below it the model's
  // evidence is ignored. > 1 turns the models off. Pairwise comparison uses the models'
  // calibrated threshold; screening against whole lists asks for more (screener.h).
  double min_similarity = 0.80;
  // Whether names written in Han or Hangul are compared with their models.
  bool syllabic_scripts = true;
};
// With `explain` false only `score` and `cross_script` are filled (no alignment, no unmatched
// words): the same score, without the allocations, for ranking many candidates.
NameScore ScoreNames(const ScoringView& query, const ScoringView& candidate,
                     const CrossScriptOptions& cross_script = {}, bool explain = true);

// Token similarity as described above; `abbreviations` enables abbreviation matching.
double TokenSimilarity(const text::NameToken& a, const text::NameToken& b,
                       bool abbreviations = false);

// True if `shorter` abbreviates `longer`: same first letter, its letters appear in `longer` in
// order, at least 3 letters and at most 80% of the length, and it is either a prefix of at least
// 4 letters ("tech") or has at most one vowel ("grp", "srvces", "intl", "mgmt").
bool IsAbbreviationOf(std::string_view shorter, std::string_view longer);

}  // namespace kycloud::screening
