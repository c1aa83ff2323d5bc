// Scoring a linking against ground truth: pairwise precision and recall (a pair is predicted
// when its two records share a cluster, true when they share an entity) and B-cubed precision and
// recall over records (per record, the overlap of its predicted and true clusters).
//
// Thread-safety: pure function.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace kycloud::linking {

struct LinkingScores {
  size_t true_pairs = 0, predicted_pairs = 0, correct_pairs = 0;
  double precision = 0, recall = 0, f1 = 0;
  double bcubed_precision = 0, bcubed_recall = 0;
};

// `predicted[i]` and `truth[i]`: cluster labels of record i (any strings).
LinkingScores ScoreLinking(const std::vector<std::string>& predicted,
                           const std::vector<std::string>& truth);

}  // namespace kycloud::linking
