// CIP benchmark (issue 7): onboarding and access events on SQLite (WAL, synchronous=full), the
// bundled lists loaded for screening, everything real except HTTP framing.
//   1. onboarding at a paced rate (default 200 records/s for 10 s, 4 submitting threads): each
//      record validated, classified, screened (customer, owner, parent), sealed, stored, decided
//      with the policy standing — latency p50/p99 of Onboarding::Create;
//   2. access events: batches of 1,000 events (IPv4, geolocated with the bundled database,
//      sealed) through AccessLog::Record — events/s.
// Usage: cip_benchmark SOURCE_ROOT [rate, default 200] [seconds, default 10]
//        cip_benchmark --write-records N FILE   (the bulk-import input: N records, JSON lines)
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "kycloud/base/log.h"
#include "kycloud/cip/access_log.h"
#include "kycloud/cip/onboarding.h"
#include "kycloud/lists/list_loader.h"
#include "kycloud/server/party_screening.h"
#include "kycloud/storage/memory_disposition_store.h"
#include "kycloud/storage/sql_case_store.h"
#include "kycloud/storage/sql_customer_store.h"
#include "kycloud/storage/sql_policy_store.h"
#include "kycloud/storage/testing/test_database.h"

using namespace kycloud;
using json = nlohmann::json;

namespace {

const char* kGiven[] = {"Amara", "Bjorn", "Chen", "Dmitri", "Elif",  "Farah", "Goran", "Hana",
                        "Ines",  "Jun",   "Kofi", "Lena",   "Mateo", "Noor",  "Oskar", "Priya"};
const char* kFamily[] = {"Okafor", "Lindqvist", "Wei",  "Sokolov", "Yilmaz", "Haddad", "Novak",
                         "Sato",   "Ferreira",  "Park", "Mensah",  "Vogel",  "Rossi",  "Khan"};
const char* kCountries[] = {"DE", "FR", "JP", "SG", "GB", "BR", "IN", "CA", "US", "AE"};

std::string Record(int i, std::mt19937& rng) {
  const std::string country = kCountries[rng() % 10];
  json j = {
      {"id", "cust-" + std::to_string(i)},
      {"kind", "organisation"},
      {"names",
       {{{"full",
          fmt::format("{} {} Compute {} Ltd", kGiven[rng() % 16], kFamily[rng() % 14], i)}}}},
      {"addresses",
       {{{"lines", {fmt::format("{} Harbour Road", i % 900 + 1)}},
         {"locality", "Port"},
         {"country", country}}}},
      {"country_of_incorporation", country},
      {"emails", {fmt::format("ops{}@example.org", i)}},
      {"phones", {"+44 20 7946 0" + std::to_string(100 + i % 900)}},
      {"beneficial_owners",
       {{{"id", "bo-1"},
         {"kind", "person"},
         {"names", {{{"full", fmt::format("{} {}", kGiven[rng() % 16], kFamily[rng() % 14])}}}},
         {"nationality", country},
         {"share", 0.6}}}},
      {"payment_instruments",
       {{{"type", "card"},
         {"issuing_country", country},
         {"fingerprint", "fp_" + std::to_string(i)}}}},
      {"ultimate_parent_name", fmt::format("{} Holdings", kFamily[rng() % 14])},
      {"ultimate_parent_country", country}};
  return j.dump();
}

double Pct(std::vector<double>& v, double p) {
  return v.empty() ? 0 : v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "--write-records") {
    // The bulk-import benchmark's input (scripts/run-benchmarks): N records as JSON lines.
    std::mt19937 rng(7);
    std::FILE* f = std::fopen(argv[3], "w");
    if (!f) return 1;
    for (int i = 0, n = std::atoi(argv[2]); i < n; ++i) {
      std::fprintf(f, "%s\n", Record(i, rng).c_str());
    }
    return std::fclose(f) == 0 ? 0 : 1;
  }
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: cip_benchmark SOURCE_ROOT [rate] [seconds]\n"
                 "       cip_benchmark --write-records N FILE\n");
    return 2;
  }
  const std::string root = argv[1];
  const double rate = argc > 2 ? std::atof(argv[2]) : 200;
  const double seconds = argc > 3 ? std::atof(argv[3]) : 10;
  log::Init({log::Level::kWarn, log::Format::kText});

  auto snap = lists::LoadListDirectory(root + "/data/lists");
  if (!snap) {
    std::fprintf(stderr, "lists: %s\n", snap.error().ToString().c_str());
    return 1;
  }
  screening::IndexHolder holder;
  holder.Set(
      screening::ScreeningIndex::Build(std::make_shared<lists::ListSnapshot>(std::move(*snap))));
  auto t = storage::testing::MakeTestDatabase("sqlite");
  if (!t) return 1;
  const Clock& clock = SystemClock::Default();
  storage::SqlCustomerStore customers(*(*t)->db);
  storage::SqlPolicyStore policies(*(*t)->db);
  storage::SqlCaseStore case_store(*(*t)->db);
  storage::MemoryDispositionStore dispositions;
  cases::CaseManager cases(case_store, clock, nullptr, &dispositions);
  provisioning::ProvisioningService provisioning(policies, &cases, clock,
                                                 compute::Estimator::Bundled());
  if (!provisioning.Load().ok()) return 1;
  auto cipher = storage::PiiCipher::FromHexKeys(storage::PiiCipher::GenerateHexKey()).value();
  cip::Onboarding onboarding(customers, cipher, provisioning, &cases, clock);
  server::ServicePartyScreener screener(holder, dispositions, &cases, nullptr);
  onboarding.SetScreener(&screener);

  // 1. Paced onboarding.
  const int threads = 4;
  const int total = static_cast<int>(rate * seconds);
  std::atomic<int> next{0}, errors{0};
  std::vector<std::vector<double>> lat(threads);
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> ts;
  for (int w = 0; w < threads; ++w) {
    ts.emplace_back([&, w] {
      std::mt19937 rng(w + 1);
      for (int i = next++; i < total; i = next++) {
        const auto due = start + std::chrono::microseconds(static_cast<long long>(i * 1e6 / rate));
        std::this_thread::sleep_until(due);
        const std::string body = Record(i, rng);
        const auto s = std::chrono::steady_clock::now();
        auto r = onboarding.Create(body, "", "bench");
        lat[w].push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - s)
                .count());
        if (!r) {
          if (errors++ == 0)
            std::fprintf(stderr, "first error: %s\n", r.error().ToString().c_str());
        }
      }
    });
  }
  for (auto& th : ts) th.join();
  const double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::vector<double> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  std::printf(
      "cip_benchmark: onboarding %d records at %.0f/s offered (%.0f/s achieved, %d "
      "threads), SQLite: p50 %.2f ms, p99 %.2f ms, max %.2f ms, errors %d\n",
      total, rate, total / took, threads, Pct(all, 0.5), Pct(all, 0.99), all.back(), errors.load());

  // 2. Access events.
  auto geo = cip::IpGeolocator::Open(root + "/data/geo/geo-whois-asn-country.mmdb");
  if (!geo) return 1;
  cip::AccessLog access(customers, cipher, geo->get(), onboarding);
  std::mt19937 rng(7);
  const int batches = 50;
  size_t events = 0;
  const auto a0 = std::chrono::steady_clock::now();
  for (int b = 0; b < batches; ++b) {
    json evs = json::array();
    for (int i = 0; i < 1000; ++i) {
      evs.push_back({{"ip", fmt::format("{}.{}.{}.{}", 1 + rng() % 223, rng() % 256, rng() % 256,
                                        1 + rng() % 254)},
                     {"at", "2026-12-01T10:00:00Z"},
                     {"action", "api"}});
    }
    auto r = access.Record("cust-" + std::to_string(b % std::max(total, 1)),
                           json{{"events", evs}}.dump(), "bench");
    if (!r) {
      std::fprintf(stderr, "access: %s\n", r.error().ToString().c_str());
      return 1;
    }
    events += r->accepted;
  }
  const double as = std::chrono::duration<double>(std::chrono::steady_clock::now() - a0).count();
  std::printf(
      "access events: %zu in batches of 1,000 (parse, geolocate, seal, store, country "
      "check; re-decisions when new countries appear): %.0f events/s\n",
      events, events / as);
  return errors.load() == 0 ? 0 : 1;
}
