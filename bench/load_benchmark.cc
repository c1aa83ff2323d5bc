// HTTP load benchmark (issue 10): a real `kycloud serve` process (the bench build's binary, the
// bundled lists, SQLite with synchronous=full, no per-key rate limit) driven by closed-loop
// keep-alive clients on the same machine.
//   1. For each workload (POST /v1/screen one name; POST /v1/customers an organisation with an
//      owner; POST /v1/authorize for a stored customer; POST /v1/usage 100 records), steps of
//      1, 2, 4, ... 64 clients, STEP seconds each: throughput, p50/p99 and refusals (429) per
//      step. The knee is the step after which throughput grows by less than 10% while p99 grows.
//   2. Overload: 256 clients on onboarding, the costliest route: refused requests (429 with
//      Retry-After) instead of collapse; the accepted requests' throughput and p99.
//   3. Soak: a steady-state mix (screen, authorize, usage batches already stored) at the
//      screening knee for SOAK seconds, the server's resident memory sampled every 10 s; the
//      growth after the first minute is reported (what a leak would show).
// Usage: load_benchmark KYCLOUD_BINARY SOURCE_ROOT [step seconds, default 5] [soak seconds,
//        default 600]
#include <httplib.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "support/subprocess.h"

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using kycloud::testing::Subprocess;

namespace {

struct Step {
  int clients = 0;
  double rps = 0;  // acknowledged (2xx) per second
  double p50 = 0, p99 = 0;
  long refused = 0, errors = 0;  // errors: other HTTP statuses
  long dropped = 0;              // no answer: connection refused or reset (back-pressure)
};

// A request of a workload: (client, sequence) -> (path, body).
using MakeRequest = std::function<std::pair<std::string, std::string>(int, long)>;

Step Drive(int port, const std::string& key, int clients, double seconds,
           const std::vector<MakeRequest>& mix) {
  std::atomic<bool> stop{false};
  std::vector<std::vector<double>> lat(clients);
  std::atomic<long> refused{0}, errors{0}, dropped{0};
  std::vector<std::thread> ts;
  static std::atomic<long> seq{0};
  for (int t = 0; t < clients; ++t) {
    ts.emplace_back([&, t] {
      httplib::Client c("127.0.0.1", port);
      c.set_keep_alive(true);
      c.set_tcp_nodelay(true);
      c.set_read_timeout(std::chrono::seconds(60));
      httplib::Headers h = {{"Authorization", "Bearer " + key}};
      for (long i = 0; !stop; ++i) {
        const long n = seq++;
        auto [path, body] = mix[n % mix.size()](t, n);
        const auto start = Clock::now();
        auto r = c.Post(path, h, body, "application/json");
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
        if (r && r->status < 300) {
          lat[t].push_back(ms);
        } else if (r && r->status == 429) {
          ++refused;
          // Honour Retry-After as a well-behaved client does (capped: this is a benchmark).
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
        } else if (r) {
          ++errors;
        } else {
          ++dropped;
        }
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& t : ts) t.join();
  std::vector<double> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    return all.empty() ? 0.0 : all[std::min(all.size() - 1, static_cast<size_t>(p * all.size()))];
  };
  return {clients,        all.size() / seconds, pct(0.5),      pct(0.99),
          refused.load(), errors.load(),        dropped.load()};
}

long RssKb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return 0;
}

json Organisation(const std::string& id, long n) {
  static const char* kCountries[] = {"DE", "FR", "JP", "SG", "GB", "BR", "IN", "CA", "US", "AE"};
  const std::string country = kCountries[n % 10];
  return {
      {"id", id},
      {"kind", "organisation"},
      {"names", {{{"full", "Harbour " + std::to_string(n) + " Compute Ltd"}}}},
      {"addresses", {{{"lines", {std::to_string(n % 900) + " Quay St"}}, {"country", country}}}},
      {"country_of_incorporation", country},
      {"emails", {"ops" + std::to_string(n) + "@example.org"}},
      {"phones", {"+44 20 7946 0" + std::to_string(100 + n % 900)}},
      {"beneficial_owners",
       {{{"id", "bo-1"},
         {"kind", "person"},
         {"names", {{{"full", "Owner " + std::to_string(n)}}}},
         {"nationality", country},
         {"share", 0.5}}}},
      {"payment_instruments",
       {{{"type", "card"}, {"issuing_country", country}, {"fingerprint", "fp" + id}}}}};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: load_benchmark KYCLOUD_BINARY SOURCE_ROOT [step s] [soak s]\n");
    return 2;
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress shows as it comes
  const std::string binary = std::filesystem::absolute(argv[1]).string();
  const double step_s = argc > 3 ? std::atof(argv[3]) : 5;
  const double soak_s = argc > 4 ? std::atof(argv[4]) : 600;
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("kycloud-load-" + std::to_string(getpid())))
          .string();
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/kycloud.toml") << "[storage]\nuri = \"sqlite:" << dir << "/kycloud.db\"\n"
                                       << "[server]\naccess_log = false\nkey_rate_per_second = 0\n";
  Subprocess server({binary, "serve", "--config", dir + "/kycloud.toml", "--listen", "127.0.0.1:0",
                     "--log-level", "warn"},
                    dir);
  auto m = server.WaitForStdout(R"(serving on http://127\.0\.0\.1:(\d+))", std::chrono::minutes(5));
  auto k = server.WaitForStdout(R"((kyc_[A-Za-z0-9]{40}))", std::chrono::seconds(5));
  if (!m || !k) {
    std::fprintf(stderr, "kycloud serve did not start:\n%s\n", server.stderr_text().c_str());
    return 1;
  }
  const int port = std::stoi((*m)[1].str());
  const std::string key = (*k)[1].str();
  httplib::Client probe("127.0.0.1", port);
  for (int i = 0; i < 1200; ++i) {
    auto r = probe.Get("/readyz");
    if (r && r->status == 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const long rss_ready = RssKb(server.pid());
  std::printf(
      "load_benchmark: kycloud serve (bundled lists, SQLite synchronous=full), %u cores "
      "shared by server and clients, %.0f s per step; RSS when ready %.0f MB\n",
      std::thread::hardware_concurrency(), step_s, rss_ready / 1024.0);

  // 2,000 stored customers for authorize.
  {
    httplib::Headers h = {{"Authorization", "Bearer " + key}};
    for (int i = 0; i < 2000; ++i) {
      probe.Post("/v1/customers", h, Organisation("base-" + std::to_string(i), i).dump(),
                 "application/json");
    }
  }
  const MakeRequest screen = [](int, long n) {
    static const char* kNames[] = {"Banco Nacional de Cuba",
                                   "Harbour Star Holdings",
                                   "Ivan Petrov",
                                   "Mahan Air",
                                   "Zhang Wei Trading Co",
                                   "Rosneft"};
    return std::make_pair(
        std::string("/v1/screen"),
        json{{"queries", {{{"name", std::string(kNames[n % 6]) + (n % 3 ? "" : " Ltd")}}}}}.dump());
  };
  const MakeRequest onboard = [](int, long n) {
    return std::make_pair(std::string("/v1/customers"),
                          Organisation("load-" + std::to_string(n), n).dump());
  };
  const MakeRequest authorize = [](int, long n) {
    return std::make_pair(std::string("/v1/authorize"),
                          json{{"customer_id", "base-" + std::to_string(n % 2000)},
                               {"accelerator", n % 2 ? "h100" : "a100"},
                               {"count", 8}}
                              .dump());
  };
  const MakeRequest usage = [](int, long n) {
    json records = json::array();
    for (int i = 0; i < 100; ++i) {
      const long long start = 1'700'000'000LL + (n * 100 + i) * 60;
      records.push_back({{"record_id", "u-" + std::to_string(n) + "-" + std::to_string(i)},
                         {"account_id", "acct-" + std::to_string((n * 100 + i) % 5000)},
                         {"instance_type", "p5.48xlarge"},
                         {"start", start},
                         {"end", start + 3600},
                         {"region", "us-east-1"}});
    }
    return std::make_pair(std::string("/v1/usage"), json{{"records", records}}.dump());
  };

  struct Workload {
    const char* name;
    MakeRequest make;
  };
  std::map<std::string, int> knee_clients;
  for (const Workload& w :
       {Workload{"POST /v1/screen", screen}, Workload{"POST /v1/customers", onboard},
        Workload{"POST /v1/authorize", authorize},
        Workload{"POST /v1/usage (100 records)", usage}}) {
    std::printf("\n%s\n%8s %10s %9s %9s %8s %7s %8s\n", w.name, "clients", "req/s", "p50 ms",
                "p99 ms", "429s", "errors", "dropped");
    std::vector<Step> steps;
    const long rss_before = RssKb(server.pid());
    long acknowledged = 0;
    for (int clients = 1; clients <= 64; clients *= 2) {
      steps.push_back(Drive(port, key, clients, step_s, {w.make}));
      const Step& s = steps.back();
      std::printf("%8d %10.1f %9.2f %9.2f %8ld %7ld %8ld\n", s.clients, s.rps, s.p50, s.p99,
                  s.refused, s.errors, s.dropped);
      acknowledged += static_cast<long>(s.rps * step_s);
    }
    std::printf("RSS %.0f MB -> %.0f MB over %ld acknowledged requests\n", rss_before / 1024.0,
                RssKb(server.pid()) / 1024.0, acknowledged);
    size_t knee = 0;
    for (size_t i = 1; i < steps.size(); ++i) {
      if (steps[i].rps < steps[knee].rps * 1.10) break;
      knee = i;
    }
    knee_clients[w.name] = steps[knee].clients;
    std::printf("knee: %d clients, %.1f req/s, p50 %.2f ms, p99 %.2f ms\n", steps[knee].clients,
                steps[knee].rps, steps[knee].p50, steps[knee].p99);
  }

  std::printf("\noverload: 256 clients on POST /v1/customers for %.0f s\n", step_s * 2);
  Step over = Drive(port, key, 256, step_s * 2, {onboard});
  std::printf(
      "accepted %.1f req/s (p50 %.2f ms, p99 %.2f ms), refused with 429: %ld, other "
      "statuses: %ld, connections refused or reset: %ld\n",
      over.rps, over.p50, over.p99, over.refused, over.errors, over.dropped);

  // The soak is steady state: nothing it does adds to what the service keeps in memory (the
  // usage batches cycle over 50 already stored), so resident memory must not grow.
  const MakeRequest usage_again = [&usage](int t, long n) { return usage(t, n % 50); };
  for (long n = 0; n < 50; ++n) {
    auto [path, body] = usage(0, n);
    probe.Post(path, {{"Authorization", "Bearer " + key}}, body, "application/json");
  }
  const int soak_clients = std::max(2, knee_clients["POST /v1/screen"]);
  std::printf(
      "\nsoak: %.0f s, %d clients, steady state: screen/authorize/usage (stored batches "
      "again) 4:4:1\n",
      soak_s, soak_clients);
  std::atomic<bool> soak_done{false};
  std::vector<std::pair<double, long>> samples;
  std::thread sampler([&] {
    const auto start = Clock::now();
    while (!soak_done) {
      samples.emplace_back(std::chrono::duration<double>(Clock::now() - start).count(),
                           RssKb(server.pid()));
      for (int i = 0; i < 100 && !soak_done; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  });
  Step soak = Drive(
      port, key, soak_clients, soak_s,
      {screen, screen, screen, screen, authorize, authorize, authorize, authorize, usage_again});
  soak_done = true;
  sampler.join();
  long at_minute = 0, peak = 0;
  for (const auto& [t, kb] : samples) {
    if (t <= 60) at_minute = kb;
    peak = std::max(peak, kb);
  }
  const long last = samples.empty() ? 0 : samples.back().second;
  std::printf("soak: %.1f req/s, p50 %.2f ms, p99 %.2f ms, errors %ld, dropped %ld\n", soak.rps,
              soak.p50, soak.p99, soak.errors, soak.dropped);
  std::printf(
      "RSS: ready %.0f MB, after 1 min %.0f MB, end %.0f MB, peak %.0f MB; growth "
      "after the first minute %+.1f%%\n",
      rss_ready / 1024.0, at_minute / 1024.0, last / 1024.0, peak / 1024.0,
      at_minute ? 100.0 * (last - at_minute) / at_minute : 0.0);
  server.Signal(SIGTERM);
  server.Wait(std::chrono::seconds(60));
  std::filesystem::remove_all(dir);
  return 0;
}
