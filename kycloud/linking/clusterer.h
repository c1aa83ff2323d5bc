// Clusterer: scored links -> groups of records (one hidden party each), with an over-merge
// guard and officers' judgements.
//
//   - Links at or above the threshold join records, strongest first.
//   - Guard: two groups of two or more records are joined by one link only when it is strong
//     (at least `strong_weight`); otherwise they need at least two links between them. One weak
//     bridge (a shared phone between two otherwise unrelated networks) joins nothing.
//   - Judgements override scores: "same" joins whatever the score; "not same" keeps the two
//     records in different groups — no link joins the groups that hold them, and a later
//     re-linking keeps them apart.
//   - The result is independent of the input order: ties are broken by record ids, and a group
//     is named by its smallest record id.
//
// Thread-safety: pure function.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kycloud::linking {

struct ScoredLink {
  std::uint32_t a, b;  // record indices
  double weight;
};

struct Judgement {
  std::uint32_t a, b;
  bool same;
};

struct ClusterOptions {
  double threshold_weight = 0;  // links below are ignored
  double strong_weight = 10;    // a single link this strong may join two groups
};

// Group of each record (an index into `ids`, the smallest id of its group).
std::vector<std::uint32_t> Cluster(const std::vector<std::string>& ids,
                                   std::vector<ScoredLink> links,
                                   const std::vector<Judgement>& judgements,
                                   const ClusterOptions& options);

}  // namespace kycloud::linking
