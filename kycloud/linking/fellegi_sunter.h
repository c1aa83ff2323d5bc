// FellegiSunterModel: match weights for comparison vectors (comparisons.h), as in Splink.
//
//   weight(pair) = log2(lambda / (1 - lambda)) + sum over comparisons of log2(m[level] / u[level])
//                  (+ a term-frequency adjustment on exact name, organisation, locality,
//                   postcode and address matches: log2(u[exact] / tf(value)), so that a rare
//                   surname counts more than "smith"; bounded to +-kMaxTfAdjustment)
//
// m (the chance of a level among true matches) is estimated by expectation-maximisation over the
// blocked candidate pairs (with the candidates' own u, which differs from random pairs': they
// share a blocking key), m with a Dirichlet prior worth 20 matches (top
// level 0.80, "else" 0.05: with few true pairs the prior holds, with many the data decides); u (the
// chance among non-matches) for scoring from random pairs. lambda, the prior, is over all pairs:
// EM's expected matches among the candidates over the number of pairs. Levels -1 (missing, generic)
// add nothing. A date of birth or national id differs outright in at most 5% of true matches (m
// of "else" capped: EM would take namesakes for matches). The match probability is 2^w / (1 + 2^w).
// A party multiplies phones, cards, addresses and IPs, so a disagreement on one of them says
// little: each weighs at least -1 bit (phone, e-mail, card, bank account, wallet, IP) or -3 bits
// (address parts, region, country), and each group's disagreements together no less than -2 and -3
// bits (another office is one fact, seen in its street, postcode and city); a shared IP network
// weighs at most 8 bits (NAT pools and shared offices put strangers there). Where an organisation
// is one of the pair, the agreeing address parts count once, as the strongest of them. u of sharing
// an identifier comes from the values' frequencies (exact), not from the random pairs.
//
// Thread-safety: immutable after Train; Weight is safe from many threads.
#pragma once

#include <array>
#include <string>
#include <unordered_map>
#include <vector>

#include "kycloud/linking/comparisons.h"

namespace kycloud::linking {

inline constexpr double kMaxTfAdjustment = 6.0;

struct LevelWeight {
  double m = 0;
  double u = 0;
  double weight = 0;  // log2(m / u)
};

class FellegiSunterModel {
 public:
  // Trains on `candidates` (the blocked pairs' levels) and `random_pairs` (levels of pairs drawn
  // at random, nearly all non-matches); `all_pairs` = n (n - 1) / 2 for n records. `known_u`:
  // u per comparison and level where it is known exactly (> 0), from the values' frequencies —
  // two random accounts sharing a phone is rarer than any sample of random pairs can show.
  // `term_frequency`: per comparison, value -> fraction of records holding it (empty map: no
  // adjustment).
  static FellegiSunterModel Train(
      const std::vector<Levels>& candidates, const std::vector<Levels>& random_pairs,
      std::array<std::unordered_map<std::string, double>, kComparisonCount> term_frequency,
      double all_pairs, const std::array<std::array<double, 4>, kComparisonCount>& known_u = {},
      int iterations = 25);

  // Replaces m of a comparison (per level) and its weights, e.g. with m estimated from labels.
  void SetM(Comparison c, const std::array<double, 4>& m);

  double prior_weight() const { return prior_weight_; }
  // The chance that two records drawn at random match (the scoring prior), and that a candidate
  // pair does (EM's estimate).
  double lambda() const { return lambda_; }
  double candidate_lambda() const { return candidate_lambda_; }
  const LevelWeight& level(Comparison c, int l) const {
    return levels_[static_cast<size_t>(c)][static_cast<size_t>(l)];
  }
  // The weight of one comparison at `level` for values `a` and `b` (the term adjustment needs
  // them); 0 for level -1.
  double ComparisonWeight(Comparison c, int level, std::string_view a_value) const;
  // The whole pair's weight; `a` gives the term values. `organisations`: a record of the pair is
  // an organisation's (IsOrganisation): agreeing address parts count once, as their strongest
  // part (one registered office, which unrelated co-tenants share).
  double Weight(const Levels& levels, const NormalizedRecord& a, bool organisations = false) const;

  static double Probability(double weight);
  static double WeightFor(double probability);

  // The fitted parameters (JSON), for explanations and docs.
  std::string Json() const;

 private:
  double lambda_ = 1e-4;
  double candidate_lambda_ = 0.1;
  double prior_weight_ = 0;
  std::array<std::array<LevelWeight, 4>, kComparisonCount> levels_{};
  std::array<std::unordered_map<std::string, double>, kComparisonCount> tf_;
};

}  // namespace kycloud::linking
