#include "kycloud/screening/name_scorer.h"

#include <rapidfuzz/distance/Indel.hpp>
#include <rapidfuzz/distance/JaroWinkler.hpp>

#include <algorithm>
#include <cmath>
#include <optional>

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

// The model comparing names in scripts `q` and `c` if exactly one of them is a non-Latin script
// with a model; `query_is_source` tells which side that is.
const text::TransliterationModel* CrossScriptModel(text::Script q, text::Script c,
                                                   bool& query_is_source) {
  const auto& models = text::TransliterationModels::Default();
  if (!IsLatinLike(q) && IsLatinLike(c)) {
    query_is_source = true;
    return models.For(q);
  }
  if (IsLatinLike(q) && !IsLatinLike(c)) {
    query_is_source = false;
    return models.For(c);
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

struct UnitScorers {
  // One per unit of the name; empty for joined units (compared with Indel, not Jaro-Winkler).
  std::vector<std::optional<rapidfuzz::CachedJaroWinkler<char>>> jaro_winkler;
};

namespace {

// TokenSimilarity with the Jaro-Winkler computation given (cached or not: the same figure).
template <typename JaroWinklerFn>
double TokenSimilarityWith(std::string_view a, TokenKind a_kind, std::string_view b,
                           TokenKind b_kind, bool abbreviations,
                           const JaroWinklerFn& jaro_winkler) {
  if (a == b) return 1.0;
  if (a_kind == TokenKind::kNumber || b_kind == TokenKind::kNumber) return 0.0;
  if (a_kind == TokenKind::kLegalForm || b_kind == TokenKind::kLegalForm) return 0.0;
  if (a.size() == 1 || b.size() == 1) {
    std::string_view shorter = a.size() == 1 ? a : b;
    std::string_view longer = a.size() == 1 ? b : a;
    return longer.size() > 1 && longer[0] == shorter[0] ? 0.75 : 0.0;
  }
  double jw = jaro_winkler();
  if (jw < kMinSimilarity) jw = 0.0;
  if (abbreviations && jw < 0.85 && a_kind == TokenKind::kWord && b_kind == TokenKind::kWord &&
      (IsAbbreviationOf(a, b) || IsAbbreviationOf(b, a))) {
    return 0.85;
  }
  return jw;
}

}  // namespace

double TokenSimilarity(const NameToken& a, const NameToken& b, bool abbreviations) {
  return TokenSimilarityWith(a.text, a.kind, b.text, b.kind, abbreviations, [&] {
    return rapidfuzz::jaro_winkler_normalized_similarity(a.text, b.text, 0.1, kMinSimilarity);
  });
}

NameScore ScoreNames(const text::PreparedName& q, const text::PreparedName& c,
                     const TokenWeightFn& weight) {
  std::vector<double> wq(q.tokens.size()), wc(c.tokens.size());
  for (size_t i = 0; i < q.tokens.size(); ++i) wq[i] = weight(q.tokens[i]);
  for (size_t j = 0; j < c.tokens.size(); ++j) wc[j] = weight(c.tokens[j]);
  return ScoreNames(q, wq, c, wc);
}

namespace {

std::uint64_t Letters(std::string_view text) {
  std::uint64_t bits = 0;
  for (char c : text) bits |= std::uint64_t{1} << (static_cast<unsigned char>(c) & 63);
  return bits;
}

// False when Jaro-Winkler of `a` and `b` (both longer than one byte) is surely below 0.80, known
// from the letters alone. Jaro = (m/|a| + m/|b| + (m - t)/m) / 3 for m matching characters, and
// rapidfuzz adds the prefix bonus only above 0.7: reaching 0.80 needs m/|a| + m/|b| > 1.1. Every
// matching character of `a` has its letter in `b` (`b_letters`, bytes folded to 64 bits: a
// collision only loosens the bound).
bool MayReachJaroWinkler(std::string_view a, std::string_view b, std::uint64_t b_letters) {
  size_t m = 0;
  for (char c : a) m += (b_letters >> (static_cast<unsigned char>(c) & 63)) & 1;
  const double la = static_cast<double>(a.size()), lb = static_cast<double>(b.size());
  return m / la + m / lb > 1.1 - 1e-9;
}

}  // namespace

double AppendScoringUnits(const text::PreparedName& p, const std::vector<double>& w,
                          std::vector<ScoringUnit>& units, std::string& texts) {
  const size_t base = texts.size();
  std::vector<std::uint32_t> offsets;
  offsets.reserve(p.tokens.size());
  for (const auto& t : p.tokens) {
    offsets.push_back(static_cast<std::uint32_t>(texts.size() - base));
    texts += t.text;
  }
  double total = 0;
  for (size_t i = 0; i < p.tokens.size(); ++i) {
    const auto first = static_cast<std::uint32_t>(i);
    const auto size = static_cast<std::uint32_t>(p.tokens[i].text.size());
    total += w[i];
    units.push_back(
        {w[i], Letters(p.tokens[i].text), offsets[i], size, first, 1, p.tokens[i].kind});
    if (i + 1 < p.tokens.size() && p.tokens[i].kind != TokenKind::kPrefix &&
        p.tokens[i + 1].kind != TokenKind::kPrefix) {
      const auto joined = static_cast<std::uint32_t>(size + p.tokens[i + 1].text.size());
      units.push_back({w[i] + w[i + 1], Letters(p.tokens[i].text + p.tokens[i + 1].text),
                       offsets[i], joined, first, 2, TokenKind::kWord});
    }
  }
  return total;
}

ScoringName MakeScoringName(const text::PreparedName& p, const std::vector<double>& w,
                            bool cache_scorers) {
  ScoringName out;
  out.name = &p;
  out.total_weight = AppendScoringUnits(p, w, out.units, out.texts);
  if (cache_scorers) {
    auto scorers = std::make_shared<UnitScorers>();
    scorers->jaro_winkler.resize(out.units.size());
    for (size_t u = 0; u < out.units.size(); ++u) {
      const ScoringUnit& unit = out.units[u];
      if (unit.count == 1) {
        scorers->jaro_winkler[u].emplace(std::string_view(out.texts).substr(unit.text, unit.size),
                                         0.1);
      }
    }
    out.scorers = std::move(scorers);
  }
  return out;
}

ScoringView ScoringName::View() const {
  ScoringView v;
  v.name = name;
  v.units = units.data();
  v.unit_count = static_cast<std::uint32_t>(units.size());
  v.token_count = static_cast<std::uint32_t>(name->tokens.size());
  v.texts = texts.data();
  v.total_weight = total_weight;
  v.person = name->person;
  v.script = name->script;
  v.scorers = scorers.get();
  return v;
}

NameScore ScoreNames(const text::PreparedName& q, const std::vector<double>& wq,
                     const text::PreparedName& c, const std::vector<double>& wc) {
  ScoringName sq = MakeScoringName(q, wq), sc = MakeScoringName(c, wc);
  return ScoreNames(sq.View(), sc.View());
}

NameScore ScoreNames(const ScoringView& sq, const ScoringView& sc,
                     const CrossScriptOptions& cross_script, bool explain) {
  NameScore out;
  if (sq.token_count == 0 || sc.token_count == 0) return out;
  double total_q = sq.total_weight, total_c = sc.total_weight;
  const bool abbreviations = !sq.person && !sc.person;
  // A person's name needs a closer word agreement: at 0.85 the false-alert rate on the synthetic
  // negatives with DOB rose from 0.49% to 0.56% (cross-script recall rose too; see
  // docs/benchmarks.md), so persons keep 0.90.
  const double substantive_similarity = (sq.person || sc.person) ? 0.90 : 0.85;
  const ScoringUnit* uq = sq.units;
  const ScoringUnit* uc = sc.units;
  bool query_is_source = false;
  const text::TransliterationModel* model =
      cross_script.min_similarity <= 1.0 ? CrossScriptModel(sq.script, sc.script, query_is_source)
                                         : nullptr;
  // Han and Hangul are romanised one syllable per token: too short for the model word by word
  // (syllables agree by chance); their names are compared whole.
  const text::Script source_script = query_is_source ? sq.script : sc.script;
  const bool syllabic =
      source_script == text::Script::kHan || source_script == text::Script::kHangul;
  if (syllabic && !cross_script.syllabic_scripts) model = nullptr;
  const bool word_model = !syllabic;
  const double min_model_similarity = cross_script.min_similarity;

  struct Candidate {
    std::uint32_t a, b;
    double sim, value;
    bool modelled = false;  // similarity from the transliteration model
  };
  thread_local std::vector<Candidate> pairs;  // reused: this runs for every candidate name
  pairs.clear();
  // Per word, its best similarity to any word of the other name, the model's below its floor
  // included: the whole-name comparison of several words needs every word to agree a little.
  std::vector<double> best_q(model ? sq.token_count : 0), best_c(model ? sc.token_count : 0);
  for (std::uint32_t a = 0; a < sq.unit_count; ++a) {
    const ScoringUnit& ua = uq[a];
    const std::string_view ta = sq.Text(ua);
    const auto* cached = sq.scorers && ua.count == 1 && sq.scorers->jaro_winkler[a]
                             ? &*sq.scorers->jaro_winkler[a]
                             : nullptr;
    for (std::uint32_t b = 0; b < sc.unit_count; ++b) {
      const ScoringUnit& ub = uc[b];
      if (ua.count == 2 && ub.count == 2) continue;
      const std::string_view tb = sc.Text(ub);
      double sim;
      if (ua.count == 2 || ub.count == 2) {
        // Joins compare whole strings (Jaro-Winkler would reward a mere shared prefix). The
        // Indel ratio is at most 1 - |la - lb| / (la + lb): below 0.92 it cannot reach it.
        const std::uint32_t la = ua.size, lb = ub.size;
        if (25 * (la > lb ? la - lb : lb - la) > 2 * (la + lb)) continue;
        sim = rapidfuzz::indel_normalized_similarity(ta, tb, kJoinSimilarity);
        if (sim < kJoinSimilarity) continue;
      } else {
        sim = TokenSimilarityWith(ta, ua.kind, tb, ub.kind, abbreviations, [&] {
          if (!MayReachJaroWinkler(ta, tb, ub.letters)) return 0.0;
          return cached
                     ? cached->normalized_similarity(tb, kMinSimilarity)
                     : rapidfuzz::jaro_winkler_normalized_similarity(ta, tb, 0.1, kMinSimilarity);
        });
      }
      bool modelled = false;
      if (model && word_model && sim < 1.0 && ua.count == 1 && ub.count == 1 &&
          ua.kind == TokenKind::kWord && ub.kind == TokenKind::kWord) {
        double m = query_is_source ? model->Similarity(ta, tb) : model->Similarity(tb, ta);
        best_q[ua.first] = std::max({best_q[ua.first], m, sim});
        best_c[ub.first] = std::max({best_c[ub.first], m, sim});
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
      if (sim < 1.0 && !modelled && ua.count == 1 && ub.count == 1 && ta.size() > 1 &&
          tb.size() > 1 &&
          !(abbreviations && (IsAbbreviationOf(ta, tb) || IsAbbreviationOf(tb, ta)))) {
        credit = std::max(0.0, 1.0 - kInexactPenalty * (1.0 - sim));
      }
      pairs.push_back({a, b, sim, credit * (ua.weight + ub.weight) / 2, modelled});
    }
  }
  std::sort(pairs.begin(), pairs.end(), [](const Candidate& x, const Candidate& y) {
    return x.value != y.value ? x.value > y.value : x.sim > y.sim;
  });
  thread_local std::vector<bool> used_q, used_c;
  used_q.assign(sq.token_count, false);
  used_c.assign(sc.token_count, false);
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
    if (a.kind == TokenKind::kWord && b.kind == TokenKind::kWord &&
        (p.sim >= substantive_similarity || p.modelled)) {
      substantive = true;
    }
    auto text_of = [](const text::PreparedName& n, const ScoringUnit& u) {
      return u.count == 1 ? n.tokens[u.first].text
                          : n.tokens[u.first].text + "+" + n.tokens[u.first + 1].text;
    };
    if (explain)
      out.aligned.push_back({text_of(*sq.name, a), text_of(*sc.name, b), p.sim, p.value});
  }
  const text::PreparedName* q = sq.name;
  const text::PreparedName* c = sc.name;
  for (size_t i = 0; explain && i < q->tokens.size(); ++i) {
    if (!used_q[i]) out.unmatched_query.push_back(q->tokens[i].text);
  }
  for (size_t j = 0; explain && j < c->tokens.size(); ++j) {
    if (!used_c[j]) out.unmatched_candidate.push_back(c->tokens[j].text);
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
  if (model && (syllabic || sq.token_count == 1 || sc.token_count == 1 ||
                (every_word_agrees(*q, best_q) && every_word_agrees(*c, best_c)))) {
    out.cross_script =
        query_is_source ? WholeNameSimilarity(*model, *q, *c) : WholeNameSimilarity(*model, *c, *q);
    if (out.cross_script >= min_model_similarity) out.score = std::max(out.score, out.cross_script);
  }
  return out;
}

}  // namespace kycloud::screening
