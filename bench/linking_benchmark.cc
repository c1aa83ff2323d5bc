// Account-linking benchmark (make bench): a simulated population of N customers
// (simulation/population.h: independent organisations and individuals in 16 countries, shell
// networks of 3-8 accounts behind one hidden party sharing two or more of its phone, card, bank
// account, e-mail domain, office, IP network and nominee owner, resellers' end users, formation
// agents' addresses, business centres, a payment processor's token, a cloud NAT) linked in batch
// from what the service sees of each customer (cip/customer_link_record.h). Prints the time per
// stage, peak memory, and how well the hidden parties are recovered (pairwise precision and
// recall over the shell networks' pairs, B-cubed).
// Without an option it then measures incremental linking: an index built on all but the last
// 1,000 customers, and each of those linked one by one (p50/p99 latency).
// Usage: linking_benchmark [customers] [seed] [--model|--diagnose|--network-ties=1]
// (--network-ties=1: a shell account may be tied to its network by a single shared identifier,
// simulation/population.h; the incremental part is skipped.)
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <set>
#include <string>

#include "kycloud/cip/customer_link_record.h"
#include "kycloud/linking/evaluation.h"
#include "kycloud/linking/link_index.h"
#include "kycloud/linking/linker.h"
#include "kycloud/simulation/population.h"

#ifdef KYCLOUD_MIMALLOC
#include <mimalloc.h>
#endif

using namespace kycloud::linking;

int main(int argc, char** argv) {
#ifdef KYCLOUD_MIMALLOC
  (void)mi_version();  // keeps mimalloc linked: the allocator `kycloud link` runs with
#endif
  const size_t n = argc > 1 ? std::stoul(argv[1]) : 100000;
  const unsigned seed = argc > 2 ? static_cast<unsigned>(std::stoul(argv[2])) : 42;
  const auto ts = std::chrono::steady_clock::now();
  const bool one_tie = argc > 3 && std::string(argv[3]) == "--network-ties=1";
  auto population = kycloud::simulation::Simulate({.customers = n,
                                                   .seed = seed,
                                                   .network_ties = one_tie ? 1 : 2,
                                                   .access_events = false,
                                                   .usage = false});
  if (!population) {
    std::fprintf(stderr, "%s\n", population.error().ToString().c_str());
    return 1;
  }
  std::vector<LinkRecord> records;
  std::vector<std::string> truth;
  records.reserve(n);
  truth.reserve(n);
  for (const auto& c : population->customers) {
    records.push_back(kycloud::cip::CustomerLinkRecord(c.record, c.ips));
    truth.push_back(c.party);
  }
  std::printf("simulated %zu customers (%zu shell networks, %zu resellers) in %.2f s\n", n,
              population->shell_networks, population->resellers,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - ts).count());
  population->customers = {};  // free it before linking

  const auto t0 = std::chrono::steady_clock::now();
  const LinkOptions bench_options{.keep_pairs = false};
  auto result = Link(records, {}, bench_options);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!result) {
    std::fprintf(stderr, "%s\n", result.error().ToString().c_str());
    return 1;
  }
  std::vector<std::string> predicted;
  for (size_t k = 0; k < result->records.size(); ++k) {
    predicted.push_back(result->records[result->group[k]].id);
  }
  LinkingScores s = ScoreLinking(predicted, truth);
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("linking_benchmark: %zu customers (seed %u), %zu true pairs in shell networks\n", n,
              seed, s.true_pairs);
  std::printf(
      "  total %.2f s: normalise %.2f, block %.2f, compare %.2f, train %.2f, cluster %.2f\n", secs,
      result->seconds_normalise, result->seconds_block, result->seconds_compare,
      result->seconds_train, result->seconds_cluster);
  std::printf(
      "  %zu candidate pairs from %zu keys (%zu keys over the block limit), %zu generic "
      "values\n",
      result->blocking.pairs, result->blocking.keys, result->blocking.skipped_blocks,
      result->generic_values);
  std::printf("  networks: pairwise precision %.4f recall %.4f F1 %.4f; B-cubed %.4f / %.4f\n",
              s.precision, s.recall, s.f1, s.bcubed_precision, s.bcubed_recall);
  std::printf("  peak RSS %ld MB\n", ru.ru_maxrss / 1024);
  if (argc > 3 && std::string(argv[3]) == "--model")
    std::printf("%s\n", result->model.Json().c_str());
  if (argc <= 3 && n >= 20) {
    // Incremental: an index built on all but the last 1,000 customers (a batch run), then each
    // of those linked as it arrives (LinkIndex::Upsert), timed one by one.
    result->records = {};
    result->group = {};
    const size_t k = std::min<size_t>(1000, n / 10);
    std::vector<LinkRecord> base(records.begin(), records.end() - static_cast<long>(k));
    const auto tb = std::chrono::steady_clock::now();
    auto index = LinkIndex::Build(base, {}, bench_options);
    const double build =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - tb).count();
    base = {};
    if (!index) {
      std::fprintf(stderr, "%s\n", index.error().ToString().c_str());
      return 1;
    }
    std::vector<double> ms;
    for (size_t i = n - k; i < n; ++i) {
      const auto t = std::chrono::steady_clock::now();
      auto change = index->Upsert(records[i]);
      ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count());
      if (!change) {
        std::fprintf(stderr, "%s\n", change.error().ToString().c_str());
        return 1;
      }
    }
    double total = 0;
    for (double m : ms) total += m;
    std::sort(ms.begin(), ms.end());
    std::vector<std::string> grouped;
    for (const LinkRecord& r : records) grouped.push_back(index->GroupOf(r.id));
    const LinkingScores inc = ScoreLinking(grouped, truth);
    getrusage(RUSAGE_SELF, &ru);
    std::printf(
        "  incremental: index of %zu built in %.2f s; %zu customers linked one by one: p50 %.3f "
        "ms, p99 %.3f ms, max %.3f ms (%.0f links/s); then networks: precision %.4f recall "
        "%.4f; peak RSS %ld MB\n",
        n - k, build, k, ms[ms.size() / 2], ms[ms.size() * 99 / 100], ms.back(),
        1000.0 * static_cast<double>(k) / total, inc.precision, inc.recall, ru.ru_maxrss / 1024);
  }
  if (argc > 3 && std::string(argv[3]) == "--diagnose") {
    // How many predicted groups each network spans, and what an isolated account shares with
    // the rest of its network (the comparisons at their top level against its mates).
    std::map<std::string, std::vector<size_t>> members;
    for (size_t k = 0; k < truth.size(); ++k) members[truth[k]].push_back(k);
    std::map<size_t, int> spans;
    std::map<std::string, int> isolated_shares;
    const Comparator comparator;
    for (const auto& [party, idx] : members) {
      if (idx.size() < 2) continue;
      std::map<std::uint32_t, int> groups;
      for (size_t k : idx) ++groups[result->group[k]];
      ++spans[groups.size()];
      for (size_t k : idx) {
        if (groups[result->group[k]] != 1) continue;
        std::set<std::string> shared;
        for (size_t o : idx) {
          if (o == k) continue;
          const Levels l = comparator.Compare(result->records[k], result->records[o]);
          for (size_t c = 0; c < kComparisonCount; ++c) {
            const auto cmp = static_cast<Comparison>(c);
            if (l[c] >= 1 && cmp != Comparison::kCountry && cmp != Comparison::kLocality &&
                cmp != Comparison::kRegion) {
              shared.insert(std::string(ComparisonName(cmp)) + ":" + std::to_string(l[c]));
            }
          }
        }
        std::string key;
        for (const auto& x : shared) key += x + " ";
        ++isolated_shares[key.empty() ? "(nothing)" : key];
      }
    }
    for (auto& [n, count] : spans) std::printf("  networks over %zu groups: %d\n", n, count);
    for (auto& [k, count] : isolated_shares)
      std::printf("  isolated sharing %s: %d\n", k.c_str(), count);
    // True pairs among the candidates, by weight; and the patterns of the missed ones.
    auto all = Link(records, {}, {.threshold = 1e-9, .strong = 1e-9, .keep_pairs = true});
    size_t true_candidates = 0, above = 0;
    const double thr = FellegiSunterModel::WeightFor(0.95);
    std::map<std::string, int> missed;
    for (const auto& p : all->pairs) {
      if (truth[p.a] != truth[p.b]) continue;
      ++true_candidates;
      if (p.weight >= thr) {
        ++above;
      } else if (missed.size() < 2000) {
        ++missed[ExplainPair(*all, p).substr(0, 0) + std::to_string(int(p.weight))];
      }
    }
    std::printf("  true pairs among candidates %zu, at or above the threshold %zu\n",
                true_candidates, above);
    for (auto& [k, v] : missed) std::printf("    weight %s: %d\n", k.c_str(), v);
    std::map<std::string, int> false_rules;
    int false_shown = 0;
    for (const auto& p : all->pairs) {
      if (truth[p.a] == truth[p.b] || p.weight < thr) continue;
      const std::string why = ExplainPair(*all, p);
      const size_t r = why.find("\"identifier_rule\":");
      std::string agreeing;  // the comparisons that agree at their top level
      for (size_t c = 0; c < kComparisonCount; ++c) {
        const auto cmp = static_cast<Comparison>(c);
        if (p.levels[c] >= 1 && cmp != Comparison::kCountry && cmp != Comparison::kRegion) {
          agreeing += " " + std::string(ComparisonName(cmp)) + ":" + std::to_string(p.levels[c]);
        }
      }
      ++false_rules[why.substr(r, why.find(',', r) - r) + agreeing];
      if (false_shown++ < 2) std::printf("false: %s\n", why.c_str());
    }
    for (auto& [k, v] : false_rules) std::printf("  false links by rule %s: %d\n", k.c_str(), v);
    int shown = 0;
    for (const auto& p : all->pairs) {
      if (truth[p.a] == truth[p.b] && p.weight < thr && shown++ < 3)
        std::printf("%s\n", ExplainPair(*all, p).c_str());
    }
  }
  return 0;
}
