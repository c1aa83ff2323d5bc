#include "kycloud/screening/name_scorer.h"

#include <rapidfuzz/distance/Indel.hpp>
#include <rapidfuzz/distance/JaroWinkler.hpp>

#include <algorithm>
#include <cmath>

#include "kycloud/text/transliteration_model.h"

namespace kycloud::screening {

using text::NameToken;
using text::TokenKind;

namespace {

constexpr double kMinSimilarity = 0.80;
constexpr double kJoinSimilarity = 0.92;
// An inexact word agreement earns 1 - kInexactPenalty * (1 - similarity) of its weight: at 2, the
// synthetic negatives with a false alert fell from 0.69% to 0.48% (0.49% to 0.35% with DOB), UN
// recall and the golden tables unchanged (docs/benchmarks.md).
constexpr double kInexactPenalty = 2.0;
// A word "agrees a little" with another at this similarity (see the whole-name comparison).
constexpr double kWeakAgreement = 0.5;

bool IsLatinLike(text::Script s) {
  return s == text::Script::kLatin || s == text::Script::kUnknown;
}

// The model comparing `q` and `c` if exactly one of them is written in a non-Latin script with a
// model; `query_is_source` tells which side that is.
const text::TransliterationModel* CrossScriptModel(const text::PreparedName& q,
                                                   const text::PreparedName& c,
                                                   bool& query_is_source) {
  const auto& models = text::TransliterationModels::Default();
  if (!IsLatinLike(q.script) && IsLatinLike(c.script)) {
    query_is_source = true;
    return models.For(q.script);
  }
  if (IsLatinLike(q.script) && !IsLatinLike(c.script)) {
    query_is_source = false;
    return models.For(c.script);
  }
  return nullptr;
}

std::string Concat(const std::vector<NameToken>& tokens, size_t rotate) {
  std::string out;
  for (size_t k = 0; k < tokens.size(); ++k) out += tokens[(k + rotate) % tokens.size()].text;
  return out;
}

// Whole-name similarity under the model: the source side's tokens concatenated against the Latin
// side's, in order and with its first token moved to the end or its last to the front.
double WholeNameSimilarity(const text::TransliterationModel& model,
                           const text::PreparedName& source, const text::PreparedName& latin) {
  std::string src = Concat(source.tokens, 0);
  size_t n = latin.tokens.size();
  double best = model.Similarity(src, Concat(latin.tokens, 0));
  if (n >= 2) best = std::max(best, model.Similarity(src, Concat(latin.tokens, 1)));
  if (n >= 3) best = std::max(best, model.Similarity(src, Concat(latin.tokens, n - 1)));
  return best;
}

}  // namespace

bool IsAbbreviationOf(std::string_view s, std::string_view l) {
  if (s.size() < 3 || s.size() * 10 > l.size() * 8 || s[0] != l[0]) return false;
  size_t j = 0;
  for (char c : l) {
    if (j < s.size() && s[j] == c) ++j;
  }
  if (j != s.size()) return false;
  if (s.size() >= 4 && l.compare(0, s.size(), s) == 0) return true;
  int vowels = 0;
  for (char c : s) vowels += c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
  return vowels <= 1;
}

double TokenSimilarity(const NameToken& a, const NameToken& b, bool abbreviations) {
  if (a.text == b.text) return 1.0;
  if (a.kind == TokenKind::kNumber || b.kind == TokenKind::kNumber) return 0.0;
  if (a.kind == TokenKind::kLegalForm || b.kind == TokenKind::kLegalForm) return 0.0;
  if (a.text.size() == 1 || b.text.size() == 1) {
    const std::string& shorter = a.text.size() == 1 ? a.text : b.text;
    const std::string& longer = a.text.size() == 1 ? b.text : a.text;
    return longer.size() > 1 && longer[0] == shorter[0] ? 0.75 : 0.0;
  }
  double jw = rapidfuzz::jaro_winkler_normalized_similarity(a.text, b.text, 0.1, kMinSimilarity);
  if (jw < kMinSimilarity) jw = 0.0;
  if (abbreviations && jw < 0.85 && a.kind == TokenKind::kWord && b.kind == TokenKind::kWord &&
      (IsAbbreviationOf(a.text, b.text) || IsAbbreviationOf(b.text, a.text))) {
    return 0.85;
  }
  return jw;
}

NameScore ScoreNames(const text::PreparedName& q, const text::PreparedName& c,
                     const TokenWeightFn& weight) {
  std::vector<double> wq(q.tokens.size()), wc(c.tokens.size());
  for (size_t i = 0; i < q.tokens.size(); ++i) wq[i] = weight(q.tokens[i]);
  for (size_t j = 0; j < c.tokens.size(); ++j) wc[j] = weight(c.tokens[j]);
  return ScoreNames(q, wq, c, wc);
}

ScoringName MakeScoringName(const text::PreparedName& p, std::vector<double> w) {
  ScoringName out;
  out.name = &p;
  for (size_t i = 0; i < p.tokens.size(); ++i) {
    out.total_weight += w[i];
    out.units.push_back({i, 1, p.tokens[i], w[i]});
    if (i + 1 < p.tokens.size() && p.tokens[i].kind != TokenKind::kPrefix &&
        p.tokens[i + 1].kind != TokenKind::kPrefix) {
      NameToken joined{p.tokens[i].text + p.tokens[i + 1].text, TokenKind::kWord};
      out.units.push_back({i, 2, std::move(joined), w[i] + w[i + 1]});
    }
  }
  out.weights = std::move(w);
  return out;
}

NameScore ScoreNames(const text::PreparedName& q, const std::vector<double>& wq,
                     const text::PreparedName& c, const std::vector<double>& wc) {
  return ScoreNames(MakeScoringName(q, wq), MakeScoringName(c, wc));
}

NameScore ScoreNames(const ScoringName& sq, const ScoringName& sc,
                     const CrossScriptOptions& cross_script, bool explain) {
  NameScore out;
  const text::PreparedName& q = *sq.name;
  const text::PreparedName& c = *sc.name;
  if (q.tokens.empty() || c.tokens.empty()) return out;
  double total_q = sq.total_weight, total_c = sc.total_weight;
  const bool abbreviations = !q.person && !c.person;
  // A person's name needs a closer word agreement: at 0.85 the false-alert rate on the synthetic
  // negatives with DOB rose from 0.49% to 0.56% (cross-script recall rose too; see
  // docs/benchmarks.md), so persons keep 0.90.
  const double substantive_similarity = (q.person || c.person) ? 0.90 : 0.85;
  const std::vector<ScoringUnit>& uq = sq.units;
  const std::vector<ScoringUnit>& uc = sc.units;
  bool query_is_source = false;
  const text::TransliterationModel* model =
      cross_script.min_similarity <= 1.0 ? CrossScriptModel(q, c, query_is_source) : nullptr;
  // Han and Hangul are romanised one syllable per token: too short for the model word by word
  // (syllables agree by chance); their names are compared whole.
  const text::Script source_script = query_is_source ? q.script : c.script;
  const bool syllabic =
      source_script == text::Script::kHan || source_script == text::Script::kHangul;
  if (syllabic && !cross_script.syllabic_scripts) model = nullptr;
  const bool word_model = !syllabic;
  const double min_model_similarity = cross_script.min_similarity;

  struct Candidate {
    size_t a, b;
    double sim, value;
    bool modelled = false;  // similarity from the transliteration model
  };
  thread_local std::vector<Candidate> pairs;  // reused: this runs for every candidate name
  pairs.clear();
  // Per word, its best similarity to any word of the other name, the model's below its floor
  // included: the whole-name comparison of several words needs every word to agree a little.
  std::vector<double> best_q(model ? q.tokens.size() : 0), best_c(model ? c.tokens.size() : 0);
  for (size_t a = 0; a < uq.size(); ++a) {
    for (size_t b = 0; b < uc.size(); ++b) {
      if (uq[a].count == 2 && uc[b].count == 2) continue;
      double sim;
      if (uq[a].count == 2 || uc[b].count == 2) {
        // Joins compare whole strings (Jaro-Winkler would reward a mere shared prefix).
        double la = uq[a].token.text.size(), lb = uc[b].token.text.size();
        if (1.0 - std::abs(la - lb) / (la + lb) < kJoinSimilarity) continue;  // cannot reach it
        sim = rapidfuzz::indel_normalized_similarity(uq[a].token.text, uc[b].token.text,
                                                     kJoinSimilarity);
        if (sim < kJoinSimilarity) continue;
      } else {
        sim = TokenSimilarity(uq[a].token, uc[b].token, abbreviations);
      }
      bool modelled = false;
      if (model && word_model && sim < 1.0 && uq[a].count == 1 && uc[b].count == 1 &&
          uq[a].token.kind == TokenKind::kWord && uc[b].token.kind == TokenKind::kWord) {
        double m = query_is_source ? model->Similarity(uq[a].token.text, uc[b].token.text)
                                   : model->Similarity(uc[b].token.text, uq[a].token.text);
        best_q[uq[a].first] = std::max({best_q[uq[a].first], m, sim});
        best_c[uc[b].first] = std::max({best_c[uc[b].first], m, sim});
        if (m >= std::max(kMinSimilarity, min_model_similarity) && m > sim) {
          sim = m;
          modelled = true;
        }
      }
      if (sim <= 0) continue;
      // An inexact word agreement counts for less than its similarity: Jaro-Winkler rates
      // different names of shared letters highly ("maria" / "mark" 0.85, "ping" / "ying" 0.83).
      double credit = sim;
      // Initials and abbreviations keep their fixed similarity.
      const std::string& ta = uq[a].token.text;
      const std::string& tb = uc[b].token.text;
      if (sim < 1.0 && !modelled && uq[a].count == 1 && uc[b].count == 1 && ta.size() > 1 &&
          tb.size() > 1 &&
          !(abbreviations && (IsAbbreviationOf(ta, tb) || IsAbbreviationOf(tb, ta)))) {
        credit = std::max(0.0, 1.0 - kInexactPenalty * (1.0 - sim));
      }
      pairs.push_back({a, b, sim, credit * (uq[a].weight + uc[b].weight) / 2, modelled});
    }
  }
  std::sort(pairs.begin(), pairs.end(), [](const Candidate& x, const Candidate& y) {
    return x.value != y.value ? x.value > y.value : x.sim > y.sim;
  });
  thread_local std::vector<bool> used_q, used_c;
  used_q.assign(q.tokens.size(), false);
  used_c.assign(c.tokens.size(), false);
  double matched = 0;
  bool substantive = false;
  for (const Candidate& p : pairs) {
    const ScoringUnit& a = uq[p.a];
    const ScoringUnit& b = uc[p.b];
    bool free = true;
    for (size_t k = 0; k < a.count; ++k) free = free && !used_q[a.first + k];
    for (size_t k = 0; k < b.count; ++k) free = free && !used_c[b.first + k];
    if (!free) continue;
    for (size_t k = 0; k < a.count; ++k) used_q[a.first + k] = true;
    for (size_t k = 0; k < b.count; ++k) used_c[b.first + k] = true;
    matched += p.value;
    if (a.token.kind == TokenKind::kWord && b.token.kind == TokenKind::kWord &&
        (p.sim >= substantive_similarity || p.modelled)) {
      substantive = true;
    }
    auto text_of = [](const text::PreparedName& n, const ScoringUnit& u) {
      return u.count == 1 ? n.tokens[u.first].text
                          : n.tokens[u.first].text + "+" + n.tokens[u.first + 1].text;
    };
    if (explain) out.aligned.push_back({text_of(q, a), text_of(c, b), p.sim, p.value});
  }
  for (size_t i = 0; explain && i < q.tokens.size(); ++i) {
    if (!used_q[i]) out.unmatched_query.push_back(q.tokens[i].text);
  }
  for (size_t j = 0; explain && j < c.tokens.size(); ++j) {
    if (!used_c[j]) out.unmatched_candidate.push_back(c.tokens[j].text);
  }
  double denom = (total_q + total_c) / 2;
  out.score = denom > 0 ? std::min(1.0, matched / denom) : 0.0;
  if (!substantive) out.score = std::min(out.score, 0.5);
  // The whole name is compared when the word-by-word alignment cannot do it: a one-word name on
  // either side ("عبد الله" / "Abdullah"), Han and Hangul syllables, or words that all agree a
  // little ("علي" / "Ali": too short for the model alone). Otherwise one shared word would carry
  // the rest ("Владимир Путин" / "Vladimir Biliy").
  auto every_word_agrees = [&](const text::PreparedName& n, const std::vector<double>& best) {
    for (size_t i = 0; i < n.tokens.size(); ++i) {
      if (n.tokens[i].kind == TokenKind::kWord && best[i] < kWeakAgreement) return false;
    }
    return true;
  };
  if (model && (syllabic || q.tokens.size() == 1 || c.tokens.size() == 1 ||
                (every_word_agrees(q, best_q) && every_word_agrees(c, best_c)))) {
    out.cross_script =
        query_is_source ? WholeNameSimilarity(*model, q, c) : WholeNameSimilarity(*model, c, q);
    if (out.cross_script >= min_model_similarity) out.score = std::max(out.score, out.cross_script);
  }
  return out;
}

}  // namespace kycloud::screening
