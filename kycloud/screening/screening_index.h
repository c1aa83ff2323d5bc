// ScreeningIndex: an immutable, searchable view of a ListSnapshot. Every name of every entity is
// prepared once (text/prepared_name.h) and indexed under its tokens, the joins of adjacent tokens
// and a phonetic key per token (first letter plus consonant skeleton: "mohammed", "muhammad" and
// "mahmoud" share "md"), so that candidates are found for reordered, joined, split and
// transliteration-variant names without scanning the lists. Token weights are inverse document
// frequencies over all names: rare tokens weigh more.
//
// Candidate search does bounded work per query: very common keys are skipped when the query has
// rarer ones, and only the best `max_candidates` names (by accumulated token weight) are
// returned for full scoring.
//
// Thread-safety: immutable after Build(); share it by shared_ptr and swap the pointer to update.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "kycloud/lists/list_snapshot.h"
#include "kycloud/screening/name_scorer.h"
#include "kycloud/text/prepared_name.h"

namespace kycloud::screening {

struct IndexedName {
  std::uint32_t entity;  // index into snapshot().entities()
  std::uint32_t name;    // index into that entity's names
  text::PreparedName prepared;
};

class ScreeningIndex {
 public:
  static std::shared_ptr<const ScreeningIndex> Build(
      std::shared_ptr<const lists::ListSnapshot> snapshot);

  const lists::ListSnapshot& snapshot() const { return *snapshot_; }
  const std::vector<IndexedName>& names() const { return names_; }
  // Name `id` ready for scoring (weights and alignment units computed once at build, kept in
  // flat arrays so that a candidate's data lies together).
  ScoringView Scoring(std::uint32_t id) const;
  // The entity (index into snapshot().entities()) of name `id`.
  std::uint32_t Entity(std::uint32_t id) const { return scored_[id].entity; }
  // Hints that name `id` is scored next: `stage` 0 fetches where its data lies, 1 the data (after
  // a stage 0 some time before). Scoring candidates is bound by memory, not arithmetic.
  void Prefetch(std::uint32_t id, int stage) const;
  // Inverse document frequency weight of a token, by kind (legal forms and prefixes are light).
  double Weight(const text::NameToken& token) const;
  // Ids (into names()) of the best candidates for `query`, best first.
  std::vector<std::uint32_t> Candidates(const text::PreparedName& query,
                                        size_t max_candidates) const;

  static std::string PhoneticKey(std::string_view token);

 private:
  std::shared_ptr<const lists::ListSnapshot> snapshot_;
  std::vector<IndexedName> names_;
  struct Scored {  // per name, where its units and texts lie
    std::uint32_t units, unit_count, texts, token_count;
    double total_weight;
    std::uint32_t entity;
    bool person;
    text::Script script;
  };
  std::vector<Scored> scored_;
  std::vector<ScoringUnit> units_;
  std::string texts_;
  std::unordered_map<std::string, std::vector<std::uint32_t>> postings_;      // token or join
  std::unordered_map<std::string, std::vector<std::uint32_t>> key_postings_;  // phonetic key
  std::unordered_map<std::string, std::uint32_t> df_;
  double log_n_ = 0;
};

}  // namespace kycloud::screening
