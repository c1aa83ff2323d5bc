// Account-linking benchmark (make bench): a synthetic population of N organisation accounts —
// independent companies, shell networks of 3-8 accounts controlled by one party (each account a
// different company name, sharing two or more of the party's phones, cards, bank accounts,
// e-mail domain, office and IP range), and generic values (formation agents' addresses shared by
// 300 companies, a payment processor's card shared by 500, a cloud NAT address shared by 2,000) —
// linked in batch. Prints the time per stage, peak memory, and how well the networks are
// recovered (pairwise precision and recall, B-cubed).
// Usage: linking_benchmark [accounts] [seed]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <random>
#include <string>

#include "kycloud/linking/evaluation.h"
#include "kycloud/linking/linker.h"

using namespace kycloud::linking;

namespace {

const char* kWords[] = {
    "amber",   "birch",   "cobalt", "delta",    "ember",   "fjord",  "granite", "harbor", "indigo",
    "juniper", "kestrel", "lumen",  "meridian", "nimbus",  "onyx",   "pylon",   "quartz", "raven",
    "sable",   "tundra",  "umber",  "vertex",   "willow",  "xenon",  "yarrow",  "zephyr", "apex",
    "beacon",  "cedar",   "dune",   "echo",     "falcon",  "garnet", "helix",   "iris",   "jade",
    "krypton", "lotus",   "magma",  "nova",     "orbit",   "prism",  "quill",   "ridge",  "summit",
    "tidal",   "ultra",   "vortex", "wave",     "yukon",   "zenith", "atlas",   "boreal", "cipher",
    "drift",   "ether",   "flux",   "glacier",  "horizon", "ion",    "jet",     "karst",  "lagoon",
    "mesa",    "north",   "oasis",  "polar",    "quantum", "rapid",  "solar",   "terra",  "unity",
    "vista",   "wren",    "axis",   "bolt",     "crest",   "dawn",   "eagle",   "forge"};
const char* kKinds[] = {"Compute",  "Data",    "Analytics", "Systems",      "Labs",     "Cloud",
                        "Networks", "Trading", "Holdings",  "Technologies", "Robotics", "Vision"};
const char* kForms[] = {"Ltd", "LLC", "GmbH", "Pte Ltd", "Inc", "BV", "SARL", "Limited"};
const char* kStreets[] = {"High Street", "Harbour Road",  "Station Road",  "Market Square",
                          "Park Avenue", "King Street",   "Queensway",     "Mill Lane",
                          "Church Road", "Bridge Street", "Victoria Road", "Green Lane"};
const char* kCities[] = {"Singapore", "Dubai",     "London", "Frankfurt",
                         "Hong Kong", "Amsterdam", "Zurich", "Tallinn",
                         "Limassol",  "Douglas",   "Dublin", "Luxembourg"};
const char* kCountries[] = {"SG", "AE", "GB", "DE", "HK", "NL", "CH", "EE", "CY", "IM", "IE", "LU"};

struct Party {  // the hidden party behind a shell network
  std::string phone, card, bank, domain, street, city, country, postcode, ip_prefix;
  int number;
};

}  // namespace

int main(int argc, char** argv) {
  const size_t n = argc > 1 ? std::stoul(argv[1]) : 100000;
  const unsigned seed = argc > 2 ? static_cast<unsigned>(std::stoul(argv[2])) : 42;
  std::mt19937_64 rng(seed);
  auto pick = [&](auto& arr) { return arr[rng() % (sizeof(arr) / sizeof(arr[0]))]; };
  auto digits = [&](int k) {
    std::string s;
    for (int i = 0; i < k; ++i) s += static_cast<char>('0' + rng() % 10);
    return s;
  };
  auto company = [&](size_t i) {
    return std::string(pick(kWords)) + " " + pick(kWords) + " " + pick(kKinds) + " " +
           std::to_string(i % 997) + " " + pick(kForms);
  };

  std::vector<LinkRecord> records;
  std::vector<std::string> truth;
  records.reserve(n);
  auto add_independent = [&](size_t i) {
    LinkRecord r;
    r.id = "acct-" + std::to_string(i);
    const int city = static_cast<int>(rng() % 12);
    r.Add(Field::kOrgName, company(i));
    r.Add(Field::kStreetNumber, std::to_string(1 + rng() % 400));
    r.Add(Field::kAddressLine, std::to_string(1 + rng() % 400) + " " + pick(kStreets) + " " +
                                   std::to_string(i % 100000));
    r.Add(Field::kLocality, kCities[city]);
    r.Add(Field::kCountry, kCountries[city]);
    r.Add(Field::kPostcode, digits(6));
    r.Add(Field::kPhone, "+65 " + digits(10));  // numbers are unique: no chance collisions
    r.Add(Field::kEmail, "ops@acct" + std::to_string(i) + ".example");
    r.Add(Field::kPaymentFingerprint, "fp_" + std::to_string(rng()));
    r.Add(Field::kIp, std::to_string(11 + rng() % 200) + "." + std::to_string(rng() % 256) + "." +
                          std::to_string(rng() % 256) + "." + std::to_string(rng() % 256));
    return r;
  };
  // Generic values.
  const std::string agent_address = "8 Formation Lane";
  size_t i = 0;
  while (records.size() < n) {
    const double roll = std::uniform_real_distribution<double>(0, 1)(rng);
    if (roll < 0.03 && records.size() + 8 <= n) {
      // A shell network: 3-8 accounts of one party.
      Party p;
      p.phone = "+852 " + digits(10);
      p.card = "fp_party_" + std::to_string(rng());
      p.bank = "HK" + digits(14);
      p.domain = "grp" + std::to_string(i) + ".example";
      const int city = static_cast<int>(rng() % 12);
      p.street = pick(kStreets);
      p.city = kCities[city];
      p.country = kCountries[city];
      p.postcode = digits(6);
      p.number = static_cast<int>(1 + rng() % 300);
      p.ip_prefix = std::to_string(11 + rng() % 200) + "." + std::to_string(rng() % 256) + "." +
                    std::to_string(rng() % 256) + ".";
      const int size = 3 + static_cast<int>(rng() % 6);
      const std::string network = "net-" + std::to_string(i);
      for (int k = 0; k < size; ++k, ++i) {
        LinkRecord r = add_independent(i);
        // Each account shares at least two of the party's identifiers (a fresh name each).
        int shared = 0;
        while (shared < 2) {
          for (int what = 0; what < 6; ++what) {
            if (rng() % 3 != 0) continue;
            ++shared;
            switch (what) {
              case 0:
                r.values[size_t(Field::kPhone)] = {p.phone};
                break;
              case 1:
                r.values[size_t(Field::kPaymentFingerprint)] = {p.card};
                break;
              case 2:
                r.Add(Field::kBankAccount, p.bank);
                break;
              case 3:
                r.values[size_t(Field::kEmail)] = {"admin" + std::to_string(k) + "@" + p.domain};
                break;
              case 4:
                r.values[size_t(Field::kStreetNumber)] = {std::to_string(p.number)};
                r.values[size_t(Field::kAddressLine)] = {std::to_string(p.number) + " " + p.street +
                                                         " suite " + std::to_string(k)};
                r.values[size_t(Field::kLocality)] = {p.city};
                r.values[size_t(Field::kCountry)] = {p.country};
                r.values[size_t(Field::kPostcode)] = {p.postcode};
                break;
              case 5:
                r.values[size_t(Field::kIp)] = {p.ip_prefix + std::to_string(rng() % 256)};
                break;
            }
          }
        }
        records.push_back(std::move(r));
        truth.push_back(network);
      }
      continue;
    }
    LinkRecord r = add_independent(i);
    if (roll < 0.06) {  // registered at a formation agent's address (one of ten)
      r.values[size_t(Field::kStreetNumber)] = {"8"};
      r.values[size_t(Field::kAddressLine)] = {agent_address + " " + std::to_string(i % 10)};
      r.values[size_t(Field::kLocality)] = {"Douglas"};
      r.values[size_t(Field::kCountry)] = {"IM"};
      r.values[size_t(Field::kPostcode)] = {"IM11AA"};
    } else if (roll < 0.07) {  // pays through a processor's shared token
      r.values[size_t(Field::kPaymentFingerprint)] = {"fp_processor_" + std::to_string(i % 4)};
    } else if (roll < 0.09) {  // behind a cloud NAT
      r.values[size_t(Field::kIp)] = {"100.64.0." + std::to_string(i % 5)};
    }
    truth.push_back(r.id);
    records.push_back(std::move(r));
    ++i;
  }

  const auto t0 = std::chrono::steady_clock::now();
  auto result = Link(records, {}, {.keep_pairs = false});
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
  std::printf("linking_benchmark: %zu accounts (seed %u), %zu true pairs in shell networks\n", n,
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
  if (argc > 3 && std::string(argv[3]) == "--diagnose") {
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
      ++false_rules[why.substr(r, why.find(',', r) - r)];
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
