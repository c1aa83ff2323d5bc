// Screen(): a party (name and optional context) against a ScreeningIndex, returning the listed
// entities that may be that party, best first, each with an explanation.
//
// Score = the best name score over the entity's names (name_scorer.h), then context:
//   - schema: a person query against a vessel/aircraft/company, or the reverse: -0.15
//   - date of birth: same year (or same full date): +0.05; every listed year more than a year
//     away: -0.20 (a contradicting DOB lowers the score, it does not remove the hit)
//   - identifier: a query id equal to a listed id (ignoring spaces, dashes, case) is decisive: 1.0
//   - weak aliases alone never reach the top band: capped just below the threshold
// The result is clamped to [0, 1]. Hits at or above `threshold` are returned, up to `limit`.
//
// Thread-safety: pure function of an immutable index.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "kycloud/lists/list_entity.h"
#include "kycloud/screening/name_scorer.h"
#include "kycloud/screening/screening_index.h"

namespace kycloud::screening {

// The engine's recommended review threshold (one global value for every list and schema).
inline constexpr double kDefaultThreshold = 0.80;

struct ScreeningQuery {
  std::string name;
  std::optional<lists::Schema> schema;
  std::string date_of_birth;  // ISO, possibly partial ("1965", "1965-03-01")
  std::string country;        // nationality or country, free text or ISO code
  std::string id;             // an identifier (passport, registration, wallet address...)
  std::string subject_id;     // the caller's id of the screened party (customer, owner...)
};

// The subject that officers' dispositions are remembered for: "id:<subject_id>" when the caller
// names the party, else "name:<the name in normalised Latin>" with "|dob:<date>" when a date of
// birth is given (so "VLADIMIR PUTIN" and "Vladimir  Putin" are one subject).
std::string SubjectKey(const ScreeningQuery& query);

struct Hit {
  std::uint32_t entity = 0;  // into index.snapshot().entities()
  std::string matched_name;  // the entity's name that matched best
  lists::NameKind matched_kind = lists::NameKind::kPrimary;
  double score = 0;                   // final
  double name_score = 0;              // before context features
  NameScore detail;                   // alignment of the best name
  std::vector<std::string> features;  // e.g. "dob_match:+0.05", "weak_alias_cap"
};

struct ScreenOptions {
  double threshold = kDefaultThreshold;  // hits below are dropped
  size_t limit = 10;                     // most hits returned
  size_t max_candidates = 64;            // names scored in full per query
  // Cross-script comparison when screening (name_scorer.h). A query is compared with up to
  // `max_candidates` names, so a model match that is good enough for one pair (0.80, about 1% of
  // hard negatives) would alert on many innocent names: screening asks for 0.95, and leaves Han
  // and Hangul names (whose models, learned from foreign names transcribed syllable by syllable,
  // are lenient) to their ICU romanisation. On the 50,000 multi-script synthetic negatives the
  // pairwise setting raised the share of Han queries with a false alert from 4.8% to 42%
  // (docs/benchmarks.md).
  CrossScriptOptions cross_script = {.min_similarity = 0.95, .syllabic_scripts = false};
};

std::vector<Hit> Screen(const ScreeningIndex& index, const ScreeningQuery& query,
                        const ScreenOptions& options = {});

// Name-only score of two names, with the index's token weights (for `kycloud match-names`).
NameScore MatchNames(const ScreeningIndex& index, std::string_view name1, std::string_view name2,
                     std::optional<lists::Schema> schema);

}  // namespace kycloud::screening
