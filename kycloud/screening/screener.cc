#include "kycloud/screening/screener.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <unordered_map>

namespace kycloud::screening {

namespace {

int YearOf(std::string_view date) {
  if (date.size() < 4) return 0;
  int y = 0;
  for (size_t i = 0; i < 4; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(date[i]))) return 0;
    y = y * 10 + (date[i] - '0');
  }
  return y;
}

std::string CanonicalId(std::string_view id) {
  std::string out;
  for (char c : id) {
    if (std::isalnum(static_cast<unsigned char>(c))) out += static_cast<char>(std::toupper(c));
  }
  return out;
}

// A matching year of birth raises a score by this much: the largest raise short of an identifier.
constexpr double kDobMatchBonus = 0.05;

bool IsPersonLike(lists::Schema s) { return s == lists::Schema::kPerson; }
bool IsThing(lists::Schema s) {
  return s == lists::Schema::kVessel || s == lists::Schema::kAirplane;
}

}  // namespace

std::string SubjectKey(const ScreeningQuery& q) {
  if (!q.subject_id.empty()) return "id:" + q.subject_id;
  std::string key = "name:" + text::ToLatin(q.name);
  if (!q.date_of_birth.empty()) key += "|dob:" + q.date_of_birth;
  return key;
}

NameScore MatchNames(const ScreeningIndex& index, std::string_view name1, std::string_view name2,
                     std::optional<lists::Schema> schema) {
  bool person = schema && *schema == lists::Schema::kPerson;
  auto a = text::PrepareName(name1, person);
  auto b = text::PrepareName(name2, person);
  return ScoreNames(a, b, [&](const text::NameToken& t) { return index.Weight(t); });
}

std::vector<Hit> Screen(const ScreeningIndex& index, const ScreeningQuery& query,
                        const ScreenOptions& options) {
  bool person = query.schema && *query.schema == lists::Schema::kPerson;
  text::PreparedName q = text::PrepareName(query.name, person);
  std::vector<Hit> hits;
  if (q.tokens.empty()) return hits;
  std::vector<double> query_weights;
  for (const auto& t : q.tokens) query_weights.push_back(index.Weight(t));
  const ScoringName scoring_name = MakeScoringName(q, query_weights, true);
  const ScoringView scoring_query = scoring_name.View();
  const auto& entities = index.snapshot().entities();

  // Best name per entity, by score alone (the alignment is worked out below for hits only).
  struct Best {
    std::uint32_t name = 0;
    double score = 0;
  };
  std::unordered_map<std::uint32_t, Best> best;
  const std::vector<std::uint32_t> candidates = index.Candidates(q, options.max_candidates);
  for (size_t i = 0; i < candidates.size(); ++i) {
    // The candidates lie all over the index: fetch the next ones' data while scoring this one.
    if (i + 2 < candidates.size()) index.Prefetch(candidates[i + 2], 0);
    if (i + 1 < candidates.size()) index.Prefetch(candidates[i + 1], 1);
    const std::uint32_t id = candidates[i];
    const double s =
        ScoreNames(scoring_query, index.Scoring(id), options.cross_script, false).score;
    auto [slot, inserted] = best.try_emplace(index.Entity(id), Best{id, s});
    if (!inserted && s > slot->second.score) slot->second = {id, s};
  }
  int query_year = YearOf(query.date_of_birth);
  std::string query_id = CanonicalId(query.id);
  // No adjustment below raises a score by more than a matching year of birth, except an
  // identifier match: without one, a name score that far below the threshold is no hit.
  for (const auto& [entity_index, b] : best) {
    if (query_id.empty() && b.score + kDobMatchBonus < options.threshold) continue;
    const lists::ListEntity& e = entities[entity_index];
    const IndexedName& n = index.names()[b.name];
    const auto& name = e.names[n.name];
    double score = b.score;
    std::vector<std::string> features;
    if (query.schema && *query.schema != lists::Schema::kLegalEntity &&
        e.schema != lists::Schema::kLegalEntity && *query.schema != e.schema &&
        (IsPersonLike(*query.schema) != IsPersonLike(e.schema) ||
         IsThing(*query.schema) != IsThing(e.schema))) {
      score -= 0.15;
      features.push_back("schema_mismatch:-0.15");
    }
    if (query_year > 0 && !e.dates_of_birth.empty()) {
      bool same = false, near = false;
      for (const auto& d : e.dates_of_birth) {
        int y = YearOf(d);
        if (y == 0) continue;
        if (y == query_year) same = true;
        if (std::abs(y - query_year) <= 1) near = true;
      }
      if (same) {
        score += kDobMatchBonus;
        features.push_back("dob_match:+0.05");
      } else if (!near) {
        score -= 0.20;
        features.push_back("dob_mismatch:-0.20");
      }
    }
    bool id_match = false;
    if (!query_id.empty()) {
      for (const auto& id : e.ids) {
        if (CanonicalId(id.value) == query_id) {
          score = 1.0;
          id_match = true;
          features.push_back("id_match:" + id.type);
          break;
        }
      }
    }
    if (name.kind == lists::NameKind::kWeakAlias && score >= options.threshold && !id_match) {
      score = std::max(0.0, options.threshold - 0.01);
      features.push_back("weak_alias_cap");
    }
    score = std::clamp(score, 0.0, 1.0);
    if (score < options.threshold) continue;
    Hit hit;
    hit.entity = entity_index;
    hit.matched_name = name.text;
    hit.matched_kind = name.kind;
    hit.name_score = b.score;
    hit.score = score;
    hit.detail = ScoreNames(scoring_query, index.Scoring(b.name), options.cross_script, true);
    hit.features = std::move(features);
    hits.push_back(std::move(hit));
  }
  std::sort(hits.begin(), hits.end(), [&](const Hit& a, const Hit& b) {
    if (a.score != b.score) return a.score > b.score;
    const auto& ea = entities[a.entity];
    const auto& eb = entities[b.entity];
    return ea.list != eb.list ? ea.list < eb.list : ea.id < eb.id;
  });
  if (hits.size() > options.limit) hits.resize(options.limit);
  return hits;
}

}  // namespace kycloud::screening
