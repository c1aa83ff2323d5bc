#include "kycloud/linking/fellegi_sunter.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <nlohmann/json.hpp>

namespace kycloud::linking {

namespace {

// Probabilities are kept off 0 and 1 so that no single comparison can decide alone.
constexpr double kFloor = 1e-5;
// The most of true matches whose date of birth, or national id, differs outright.
constexpr double kMaxIdentityMismatch = 0.05;

// The weight of the prior on m, in matches.
constexpr double kPriorMatches = 20;

double Clamp(double p) { return std::clamp(p, kFloor, 1.0 - kFloor); }

enum class Group { kLocation, kIdentifier, kOther };
Group GroupOf(Comparison c) {
  switch (c) {
    case Comparison::kPhone:
    case Comparison::kEmail:
    case Comparison::kPayment:
    case Comparison::kBankAccount:
    case Comparison::kWallet:
    case Comparison::kIp:
    case Comparison::kOwner:
      return Group::kIdentifier;
    case Comparison::kAddress:
    case Comparison::kStreetNumber:
    case Comparison::kLocality:
    case Comparison::kPostcode:
    case Comparison::kRegion:
    case Comparison::kCountry:
      return Group::kLocation;
    default:
      return Group::kOther;
  }
}

// The least weight of a disagreement on one identifier a party multiplies, and of all such
// disagreements of a pair together; a person's name, birth date or national id says what the
// data says.
constexpr double kMinIdentifierDisagreement = -2.0;
constexpr double kMinLocationDisagreement = -3.0;
// The most a shared IP network (/24, /48) weighs: NAT pools and shared offices put strangers there.
constexpr double kMaxIpNetworkWeight = 8.0;
// The most one shared IP address weighs: dynamic and carrier-grade NAT pools hand an address from
// one stranger to the next, so an address alone never links (the prior is about -14 to -19 bits);
// with a shared office or another identifier it does.
constexpr double kMaxIpAddressWeight = 12.0;
double MinDisagreementWeight(Comparison c) {
  switch (GroupOf(c)) {
    case Group::kIdentifier:
      return -1.0;
    case Group::kLocation:
      return kMinLocationDisagreement;
    default:
      return -1e9;
  }
}

}  // namespace

FellegiSunterModel FellegiSunterModel::Train(
    const std::vector<Levels>& candidates, const std::vector<Levels>& random_pairs,
    std::array<std::unordered_map<std::string, double>, kComparisonCount> term_frequency,
    double all_pairs, const std::array<std::array<double, 4>, kComparisonCount>& known_u,
    int iterations) {
  FellegiSunterModel model;
  model.tf_ = std::move(term_frequency);

  // u from random pairs, with add-one smoothing per level.
  for (size_t c = 0; c < kComparisonCount; ++c) {
    const int n_levels = LevelCount(static_cast<Comparison>(c));
    std::array<double, 4> counts{};
    double total = 0;
    for (const Levels& l : random_pairs) {
      if (l[c] < 0) continue;
      counts[static_cast<size_t>(l[c])] += 1;
      total += 1;
    }
    double known = 0;
    for (int k = 1; k < n_levels; ++k) {
      const auto kk = static_cast<size_t>(k);
      model.levels_[c][kk].u = known_u[c][kk] > 0 ? std::clamp(known_u[c][kk], 1e-15, 0.5)
                                                  : Clamp((counts[kk] + 1.0) / (total + n_levels));
      known += model.levels_[c][kk].u;
    }
    model.levels_[c][0].u = Clamp(1.0 - known);
  }

  // EM over the distinct patterns of the candidate pairs (with their counts).
  std::map<Levels, double> patterns;
  for (const Levels& l : candidates) patterns[l] += 1;
  // Prior m per level (a Dirichlet prior worth kPriorMatches matches, so that EM on data with
  // few true pairs — a population of unrelated companies — cannot make agreement on a card or
  // a phone count against a link): the top level likely among matches, "else" unlikely.
  std::array<std::array<double, 4>, kComparisonCount> prior{};
  for (size_t c = 0; c < kComparisonCount; ++c) {
    const int n_levels = LevelCount(static_cast<Comparison>(c));
    prior[c][0] = 0.05;
    prior[c][static_cast<size_t>(n_levels - 1)] = n_levels == 2 ? 0.95 : 0.80;
    for (int k = 1; k + 1 < n_levels; ++k) {
      prior[c][static_cast<size_t>(k)] = 0.15 / (n_levels - 2);
    }
    for (int k = 0; k < n_levels; ++k) {
      model.levels_[c][static_cast<size_t>(k)].m = prior[c][static_cast<size_t>(k)];
    }
  }
  // u among the candidate pairs' non-matches differs from u among random pairs (candidates
  // share a blocking key, so they agree more): EM estimates both, and keeps the random pairs' u
  // for scoring.
  std::array<std::array<double, 4>, kComparisonCount> u_candidates{};
  for (size_t c = 0; c < kComparisonCount; ++c) {
    for (size_t k = 0; k < 4; ++k) u_candidates[c][k] = model.levels_[c][k].u;
  }
  double lambda = 0.1;
  for (int it = 0; it < iterations && !patterns.empty(); ++it) {
    std::array<std::array<double, 4>, kComparisonCount> m_num{}, u_num{};
    std::array<double, kComparisonCount> m_den{}, u_den{};
    double matches = 0, all = 0;
    for (const auto& [l, count] : patterns) {
      double log_m = std::log(lambda), log_u = std::log(1.0 - lambda);
      for (size_t c = 0; c < kComparisonCount; ++c) {
        if (l[c] < 0) continue;
        log_m += std::log(model.levels_[c][static_cast<size_t>(l[c])].m);
        log_u += std::log(u_candidates[c][static_cast<size_t>(l[c])]);
      }
      const double p = 1.0 / (1.0 + std::exp(log_u - log_m));
      matches += p * count;
      all += count;
      for (size_t c = 0; c < kComparisonCount; ++c) {
        if (l[c] < 0) continue;
        m_num[c][static_cast<size_t>(l[c])] += p * count;
        m_den[c] += p * count;
        u_num[c][static_cast<size_t>(l[c])] += (1 - p) * count;
        u_den[c] += (1 - p) * count;
      }
    }
    lambda = std::clamp(matches / all, 1e-6, 1.0 - 1e-6);
    for (size_t c = 0; c < kComparisonCount; ++c) {
      const int n_levels = LevelCount(static_cast<Comparison>(c));
      for (int k = 0; k < n_levels; ++k) {
        const auto kk = static_cast<size_t>(k);
        model.levels_[c][kk].m =
            Clamp((m_num[c][kk] + kPriorMatches * prior[c][kk]) / (m_den[c] + kPriorMatches));
        u_candidates[c][kk] = Clamp((u_num[c][kk] + 1.0) / (u_den[c] + n_levels));
      }
    }
  }
  // The prior for scoring is over all pairs, as u is: the matches expected among the candidates
  // over the number of pairs.
  model.candidate_lambda_ = lambda;
  const double expected = lambda * static_cast<double>(candidates.size());
  model.lambda_ = std::clamp(all_pairs > 0 ? expected / all_pairs : lambda, 1e-12, 0.5);
  model.prior_weight_ = std::log2(model.lambda_ / (1.0 - model.lambda_));
  for (size_t c = 0; c < kComparisonCount; ++c) {
    // A person's date of birth or national id differs outright in few true matches (entry
    // errors): m of "else" is at most kMaxIdentityMismatch. Learned freely, EM — over a
    // population with few true person matches — takes namesakes in one town for matches and
    // learns that a match's birth date may differ at will.
    const auto comparison = static_cast<Comparison>(c);
    if (comparison == Comparison::kDateOfBirth || comparison == Comparison::kNationalId) {
      model.levels_[c][0].m = std::min(model.levels_[c][0].m, kMaxIdentityMismatch);
    }
    for (auto& lw : model.levels_[c]) {
      if (lw.u > 0) lw.weight = std::log2(lw.m / lw.u);
    }
    // One party holds many phones, cards, addresses and IPs: a pair that differs on one says
    // little (EM, with matches that share different subsets of identifiers, would learn that
    // the accounts of a network share one office and weigh every other difference at -13 bits).
    const double floor = MinDisagreementWeight(static_cast<Comparison>(c));
    model.levels_[c][0].weight = std::max(model.levels_[c][0].weight, floor);
  }
  return model;
}

void FellegiSunterModel::SetM(Comparison c, const std::array<double, 4>& m) {
  const size_t ci = static_cast<size_t>(c);
  for (int k = 0; k < LevelCount(c); ++k) {
    LevelWeight& lw = levels_[ci][static_cast<size_t>(k)];
    lw.m = Clamp(m[static_cast<size_t>(k)]);
    if (lw.u > 0) lw.weight = std::log2(lw.m / lw.u);
  }
  levels_[ci][0].weight = std::max(levels_[ci][0].weight, MinDisagreementWeight(c));
}

double FellegiSunterModel::ComparisonWeight(Comparison c, int level,
                                            std::string_view a_value) const {
  if (level < 0) return 0;
  const size_t ci = static_cast<size_t>(c);
  double w = levels_[ci][static_cast<size_t>(level)].weight;
  if (level == LevelCount(c) - 1 && !a_value.empty() && !tf_[ci].empty()) {
    auto it = tf_[ci].find(std::string(a_value));
    if (it != tf_[ci].end() && it->second > 0) {
      const double adj = std::log2(levels_[ci][static_cast<size_t>(level)].u / it->second);
      w += std::clamp(adj, -kMaxTfAdjustment, kMaxTfAdjustment);
    }
  }
  return w;
}

double FellegiSunterModel::Weight(const Levels& levels, const NormalizedRecord& a,
                                  bool organisations) const {
  double w = prior_weight_;
  // Disagreements within a group are one fact seen several times (another office: another
  // street, postcode and city), not independent evidence: each group's negative sum is bounded.
  double location = 0, identifiers = 0;
  // Between organisations, agreeing address parts are one fact too — the same registered
  // office, which co-tenants of a business centre or a virtual office share: its strongest part
  // counts, not their sum.
  double location_agreement = 0;
  for (size_t c = 0; c < kComparisonCount; ++c) {
    if (levels[c] < 0) continue;
    const auto comparison = static_cast<Comparison>(c);
    double cw = ComparisonWeight(comparison, levels[c], TermValue(a, comparison));
    const Group g = GroupOf(comparison);
    if (comparison == Comparison::kIp) {  // a /24 or /48 and an address are shared by strangers
      cw = std::min(cw, levels[c] == 1 ? kMaxIpNetworkWeight : kMaxIpAddressWeight);
    }
    if (cw < 0 && g == Group::kLocation) {
      location += cw;
    } else if (organisations && g == Group::kLocation) {
      location_agreement = std::max(location_agreement, cw);
    } else if (cw < 0 && g == Group::kIdentifier) {
      identifiers += cw;
    } else {
      w += cw;
    }
  }
  return w + location_agreement + std::max(location, kMinLocationDisagreement) +
         std::max(identifiers, kMinIdentifierDisagreement);
}

double FellegiSunterModel::Probability(double weight) {
  const double odds = std::exp2(weight);
  return odds / (1.0 + odds);
}

double FellegiSunterModel::WeightFor(double probability) {
  return std::log2(probability / (1.0 - probability));
}

std::string FellegiSunterModel::Json() const {
  nlohmann::json j = {{"lambda", lambda_},
                      {"candidate_lambda", candidate_lambda_},
                      {"prior_weight", prior_weight_}};
  nlohmann::json comps = nlohmann::json::object();
  for (size_t c = 0; c < kComparisonCount; ++c) {
    const auto comparison = static_cast<Comparison>(c);
    nlohmann::json levels = nlohmann::json::array();
    for (int k = 0; k < LevelCount(comparison); ++k) {
      const LevelWeight& lw = levels_[c][static_cast<size_t>(k)];
      levels.push_back(
          {{"level", LevelName(comparison, k)}, {"m", lw.m}, {"u", lw.u}, {"weight", lw.weight}});
    }
    comps[std::string(ComparisonName(comparison))] = std::move(levels);
  }
  j["comparisons"] = std::move(comps);
  return j.dump();
}

}  // namespace kycloud::linking
