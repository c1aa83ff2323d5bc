#include "kycloud/linking/linker.h"

#include "kycloud/linking/identifier_evidence.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <thread>
#include <unordered_map>
#include <unordered_set>

namespace kycloud::linking {

namespace {

using Clock = std::chrono::steady_clock;

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// Runs fn(begin, end) over [0, n) split into contiguous chunks, one per thread.
void ParallelFor(size_t n, unsigned threads, const std::function<void(size_t, size_t)>& fn) {
  if (threads <= 1 || n < 1024) {
    fn(0, n);
    return;
  }
  std::vector<std::thread> pool;
  const size_t chunk = (n + threads - 1) / threads;
  for (unsigned t = 0; t < threads; ++t) {
    const size_t begin = t * chunk, end = std::min(n, begin + chunk);
    if (begin >= end) break;
    pool.emplace_back([&fn, begin, end] { fn(begin, end); });
  }
  for (auto& th : pool) th.join();
}

// 64-bit mix (splitmix64) of a string hash: the order of records for the random pairs.
std::uint64_t Mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// m of the identifier comparisons from labels the data gives: candidate pairs that share a card,
// a bank account or a wallet (non-generic) are one party's accounts nearly always; among them, how
// often the pair also shares a phone, an e-mail, an IP network or an owner is m for that
// comparison (for a card, the pairs anchored by a bank account or a wallet). EM cannot learn these
// where most candidates share only a place: its match class becomes "the same place", where a
// shared phone is rare. Used when at least kMinAnchors pairs anchor a comparison; FEBRL-style data
// without such identifiers keeps EM's m.
constexpr size_t kMinAnchors = 30;
void MForIdentifiersFromAnchors(const std::vector<Levels>& levels, FellegiSunterModel& model) {
  constexpr Comparison kAnchors[] = {Comparison::kPayment, Comparison::kBankAccount,
                                     Comparison::kWallet};
  constexpr Comparison kTargets[] = {
      Comparison::kPhone,   Comparison::kEmail,       Comparison::kIp,    Comparison::kOwner,
      Comparison::kPayment, Comparison::kBankAccount, Comparison::kWallet};
  auto top = [](Comparison c) { return static_cast<std::int8_t>(LevelCount(c) - 1); };
  for (Comparison c : kTargets) {
    std::array<double, 4> counts{};
    double total = 0;
    for (const Levels& l : levels) {
      const std::int8_t level = l[static_cast<size_t>(c)];
      if (level < 0) continue;
      bool anchored = false;
      for (Comparison a : kAnchors) anchored |= a != c && l[static_cast<size_t>(a)] == top(a);
      if (!anchored) continue;
      counts[static_cast<size_t>(level)] += 1;
      total += 1;
    }
    if (total < kMinAnchors) continue;
    std::array<double, 4> m{};
    const int n_levels = LevelCount(c);
    for (int k = 0; k < n_levels; ++k) {
      m[static_cast<size_t>(k)] = (counts[static_cast<size_t>(k)] + 0.5) / (total + 0.5 * n_levels);
    }
    model.SetM(c, m);
  }
}

// The model of a population: EM for m over the candidate pairs' levels, u from random pairs and
// from the identifier values' counts, term frequencies among the records that have a value.
FellegiSunterModel TrainModel(const std::vector<NormalizedRecord>& records,
                              const Comparator& comparator, const std::vector<Levels>& levels,
                              const LinkOptions& options, unsigned threads) {
  // u: pairs of records next to each other in an order fixed by their ids' hashes.
  std::vector<Levels> random;
  const size_t n = records.size();
  if (n >= 2) {
    std::vector<std::pair<std::uint64_t, std::uint32_t>> order(n);
    const std::hash<std::string> hash;
    for (std::uint32_t i = 0; i < n; ++i) order[i] = {Mix(hash(records[i].id)), i};
    std::sort(order.begin(), order.end());
    const size_t want = std::min(options.random_pairs, n * (n - 1) / 2);
    random.resize(want);
    ParallelFor(want, threads, [&](size_t b, size_t e) {
      for (size_t k = b; k < e; ++k) {
        const size_t i = k % n, step = 1 + k / n;
        const size_t j = (i + step) % n;
        random[k] = comparator.Compare(records[order[i].second], records[order[j].second]);
      }
    });
  }
  std::array<std::unordered_map<std::string, double>, kComparisonCount> tf;
  for (size_t c = 0; c < kComparisonCount; ++c) {
    const auto comparison = static_cast<Comparison>(c);
    std::unordered_map<std::string, double>& m = tf[c];
    // The share among the records that have a value, as u is among pairs that both have one
    // (over all records, a given name would look rarer by the share of organisations).
    double holders = 0;
    for (const NormalizedRecord& r : records) {
      std::string_view v = TermValue(r, comparison);
      if (v.empty()) continue;
      m[std::string(v)] += 1;
      holders += 1;
    }
    for (auto& [v, count] : m) count /= std::max(holders, 1.0);
  }
  // u of sharing an identifier, exactly: the chance that two random records share a value,
  // sum over values of n_v (n_v - 1) / (n (n - 1)); generic values count as missing.
  std::array<std::array<double, 4>, kComparisonCount> known_u{};
  const double all_pairs = static_cast<double>(n) * static_cast<double>(n - 1) / 2;
  if (n >= 2) {
    auto shared = [&](Comparison c, auto values_of, bool network) {
      std::unordered_map<std::uint64_t, double> counts;
      for (const NormalizedRecord& r : records) {
        for (const std::string& v : values_of(r)) ++counts[GenericKey(c, v, network)];
      }
      double pairs = 0;
      for (const auto& [key, k] : counts) {
        if (k <= static_cast<double>(options.generic_min)) pairs += k * (k - 1) / 2;
      }
      return std::max(pairs, 1.0) / all_pairs;
    };
    auto top = [&](Comparison c) -> double& {
      return known_u[size_t(c)][size_t(LevelCount(c) - 1)];
    };
    top(Comparison::kPhone) = shared(
        Comparison::kPhone, [](auto& r) -> auto& { return r.phones; }, false);
    top(Comparison::kEmail) = shared(
        Comparison::kEmail, [](auto& r) -> auto& { return r.emails; }, false);
    known_u[size_t(Comparison::kEmail)][1] = shared(
        Comparison::kEmail, [](auto& r) -> auto& { return r.email_domains; }, true);
    top(Comparison::kPayment) = shared(
        Comparison::kPayment, [](auto& r) -> auto& { return r.payments; }, false);
    top(Comparison::kBankAccount) = shared(
        Comparison::kBankAccount, [](auto& r) -> auto& { return r.bank_accounts; }, false);
    top(Comparison::kWallet) = shared(
        Comparison::kWallet, [](auto& r) -> auto& { return r.wallets; }, false);
    top(Comparison::kIp) = shared(
        Comparison::kIp, [](auto& r) -> auto& { return r.ips; }, false);
    known_u[size_t(Comparison::kIp)][1] = shared(
        Comparison::kIp, [](auto& r) -> auto& { return r.ip_networks; }, true);
    top(Comparison::kOwner) = shared(
        Comparison::kOwner, [](auto& r) -> auto& { return r.owners; }, false);
  }
  FellegiSunterModel model =
      FellegiSunterModel::Train(levels, random, std::move(tf), all_pairs, known_u);
  MForIdentifiersFromAnchors(levels, model);
  return model;
}

}  // namespace

Result<LinkResult> Link(const std::vector<LinkRecord>& input,
                        const std::vector<Judgement>& judgements, const LinkOptions& options) {
  if (!(options.threshold > 0 && options.threshold < 1) ||
      !(options.strong >= options.threshold && options.strong < 1)) {
    return Err(InvalidArgumentError(
        "threshold and strong must be probabilities with 0 < threshold <= strong < 1"));
  }
  const unsigned threads =
      options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  {
    std::unordered_set<std::string_view> seen;
    for (const LinkRecord& r : input) {
      if (r.id.empty()) return Err(InvalidArgumentError("a record has an empty id"));
      if (!seen.insert(r.id).second) {
        return Err(InvalidArgumentError(fmt::format("record id '{}' appears twice", r.id)));
      }
    }
  }
  LinkResult out;
  auto t = Clock::now();
  out.records.resize(input.size());
  ParallelFor(input.size(), threads, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) out.records[i] = Normalize(input[i]);
  });
  std::unordered_set<std::uint64_t> generic = GenericValues(out.records, options.generic_min);
  out.generic_values = generic.size();
  const Comparator comparator(std::move(generic));
  ParallelFor(out.records.size(), threads, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) comparator.Prepare(out.records[i]);
  });
  out.seconds_normalise = Since(t);

  t = Clock::now();
  auto candidates =
      CandidatePairs(out.records, options.max_block, &out.blocking, options.generic_min);
  // Judged pairs are scored too (for their explanation), blocked or not.
  for (const Judgement& j : judgements) {
    if (j.a >= input.size() || j.b >= input.size() || j.a == j.b) {
      return Err(InvalidArgumentError("a judgement names a record that is not in the input"));
    }
    candidates.emplace_back(std::min(j.a, j.b), std::max(j.a, j.b));
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  out.seconds_block = Since(t);

  t = Clock::now();
  std::vector<Levels> levels(candidates.size());
  ParallelFor(candidates.size(), threads, [&](size_t b, size_t e) {
    for (size_t i = b; i < e; ++i) {
      levels[i] =
          comparator.Compare(out.records[candidates[i].first], out.records[candidates[i].second]);
    }
  });
  out.seconds_compare = Since(t);

  t = Clock::now();
  if (options.model) {
    out.model = *options.model;
  } else {
    out.model = TrainModel(out.records, comparator, levels, options, threads);
  }
  out.seconds_train = Since(t);

  t = Clock::now();
  const double threshold = FellegiSunterModel::WeightFor(options.threshold);
  std::vector<ScoredLink> links;
  for (size_t i = 0; i < candidates.size(); ++i) {
    const double w = ScorePair(out.model, levels[i], out.records[candidates[i].first],
                               out.records[candidates[i].second], options.identifier_floor);
    if (w < threshold) continue;
    links.push_back({candidates[i].first, candidates[i].second, w});
    if (options.keep_pairs) {
      out.pairs.push_back({candidates[i].first, candidates[i].second, w,
                           FellegiSunterModel::Probability(w), levels[i]});
    }
  }
  std::vector<std::string> ids;
  ids.reserve(out.records.size());
  for (const NormalizedRecord& r : out.records) ids.push_back(r.id);
  out.group = Cluster(ids, std::move(links), judgements,
                      {.threshold_weight = threshold,
                       .strong_weight = FellegiSunterModel::WeightFor(options.strong)});
  out.seconds_cluster = Since(t);
  return out;
}

bool CountAddressOnce(const Levels& levels, const NormalizedRecord& a, const NormalizedRecord& b) {
  const auto at = [&](Comparison c) { return levels[static_cast<size_t>(c)]; };
  return IsOrganisation(a) || IsOrganisation(b) ||
         (at(Comparison::kDateOfBirth) == 0 && at(Comparison::kNationalId) == 0);
}

double ScorePair(const FellegiSunterModel& model, const Levels& levels, const NormalizedRecord& a,
                 const NormalizedRecord& b, bool identifier_floor) {
  const bool org_a = IsOrganisation(a), org_b = IsOrganisation(b);
  double w = model.Weight(levels, a, CountAddressOnce(levels, a, b));
  if (identifier_floor) {
    const IdentifierEvidence e = IdentifierFloor(levels, org_a && org_b);
    if (e.probability > 0) w = std::max(w, FellegiSunterModel::WeightFor(e.probability));
  }
  return w;
}

std::string ExplainPair(const LinkResult& result, const LinkedPair& pair) {
  return ExplainLink(result.model, result.records[pair.a], result.records[pair.b], pair.levels,
                     pair.weight);
}

std::string ExplainLink(const FellegiSunterModel& model, const NormalizedRecord& a,
                        const NormalizedRecord& b, const Levels& levels, double weight) {
  nlohmann::json evidence = nlohmann::json::array();
  for (size_t c = 0; c < kComparisonCount; ++c) {
    if (levels[c] < 0) continue;
    const auto comparison = static_cast<Comparison>(c);
    evidence.push_back(
        {{"comparison", ComparisonName(comparison)},
         {"level", LevelName(comparison, levels[c])},
         {"weight", model.ComparisonWeight(comparison, levels[c], TermValue(a, comparison))}});
  }
  const bool org_a = IsOrganisation(a), org_b = IsOrganisation(b);
  const IdentifierEvidence floor = IdentifierFloor(levels, org_a && org_b);
  return nlohmann::json{{"a", a.id},
                        {"b", b.id},
                        {"weight", weight},
                        {"probability", FellegiSunterModel::Probability(weight)},
                        {"prior_weight", model.prior_weight()},
                        {"address_counted_once", CountAddressOnce(levels, a, b)},
                        {"identifier_rule", floor.probability > 0 ? nlohmann::json(floor.rule)
                                                                  : nlohmann::json(nullptr)},
                        {"evidence", std::move(evidence)}}
      .dump();
}

}  // namespace kycloud::linking
