// Provisioning-decision benchmark (issue 6): N customers with varied policy facts (clean, D:5
// headquarters and their subsidiaries, embargoed billing, blocked owners, resellers), standings
// precomputed, then
//   1. in process: Authorizer::Authorize on random customers, instance types and regions — every
//      call timed; p50/p99/p99.9 and calls/s, one thread;
//   2. over HTTP: POST /v1/authorize on a kycloud HttpServer in this process (API-key auth with
//      the SQLite key store; every decision recorded by the DecisionLog into SQLite), keep-alive
//      clients on loopback — p50/p99 and requests/s.
// Usage: authorize_benchmark [customers, default 100000] [HTTP seconds, default 3] [clients, 4]
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <thread>
#include <vector>

#include "kycloud/base/log.h"
#include "kycloud/compute/provisioning_hardware.h"
#include "kycloud/server/http_server.h"
#include "kycloud/server/key_routes.h"
#include "kycloud/server/policy_routes.h"
#include "kycloud/storage/memory_policy_store.h"
#include "kycloud/storage/sql_api_key_store.h"
#include "kycloud/storage/sql_case_store.h"
#include "kycloud/storage/sql_policy_store.h"
#include "kycloud/storage/testing/test_database.h"

using namespace kycloud;

namespace {

std::string FactsJson(int i) {
  const std::string id = "cust-" + std::to_string(i);
  switch (i % 10) {
    case 0:
      return R"({"id": ")" + id + R"(", "country": "SG", "headquarters_country": "CN"})";
    case 1:
      return R"({"id": ")" + id + R"(", "country": "US", "us_person": true, "parent_id": "cust-)" +
             std::to_string(i - 1) + R"("})";
    case 2:
      return R"({"id": ")" + id + R"(", "country": "MX", "billing_countries": ["CU"]})";
    case 3:
      return R"({"id": ")" + id +
             R"(", "country": "CY", "owners": [{"id": "sdn-x", "share": 0.6, "blocked": true}]})";
    case 4:
      return R"({"id": ")" + id +
             R"(", "country": "US", "us_person": true, "reseller": true, "end_user_countries": ["JP", "HK"]})";
    default:
      return R"({"id": ")" + id +
             R"(", "country": "DE", "billing_countries": ["DE"], "ip_countries": ["DE", "FR"], "verification": "verified"})";
  }
}

double Pct(std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

}  // namespace

int main(int argc, char** argv) {
  const int customers = argc > 1 ? std::atoi(argv[1]) : 100000;
  const double seconds = argc > 2 ? std::atof(argv[2]) : 3.0;
  const int clients = argc > 3 ? std::atoi(argv[3]) : 4;
  log::Init({log::Level::kWarn, log::Format::kText});

  auto t = storage::testing::MakeTestDatabase("sqlite");
  if (!t) {
    std::fprintf(stderr, "cannot open database: %s\n", t.error().ToString().c_str());
    return 1;
  }
  const Clock& clock = SystemClock::Default();
  // Facts in memory: loading 100k facts through SQLite's fsyncs would time the disk; a decision
  // never reads the database.
  storage::MemoryPolicyStore policy_store;
  storage::SqlCaseStore case_store(*(*t)->db);
  cases::CaseManager cases(case_store, clock, nullptr, nullptr);
  provisioning::ProvisioningService service(policy_store, &cases, clock,
                                            compute::Estimator::Bundled());
  if (!service.Load().ok()) return 1;
  auto load_start = std::chrono::steady_clock::now();
  for (int i = 0; i < customers; ++i) {
    auto s = service.PutParty("cust-" + std::to_string(i), FactsJson(i));
    if (!s) {
      std::fprintf(stderr, "facts %d: %s\n", i, s.error().ToString().c_str());
      return 1;
    }
  }
  const double load_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count();

  // 1. In process.
  const char* kTypes[] = {"p5.48xlarge", "p4d.24xlarge", "g6e.xlarge", "a3-highgpu-8g",
                          "Standard_ND96isr_H100_v5"};
  const char* kRegions[] = {"us-east-1", "eu-central-1", "me-central-1", "ap-east-1", "CU"};
  std::vector<std::vector<policy::HardwareItem>> hardware;
  for (const char* type : kTypes) {
    auto hw = compute::ProvisioningHardware(compute::Estimator::Bundled(), type, 1);
    if (!hw) {
      std::fprintf(stderr, "%s: %s\n", type, hw.error().ToString().c_str());
      return 1;
    }
    hardware.push_back(*hw);
  }
  std::mt19937 rng(42);
  const int calls = 1'000'000;
  std::vector<double> lat;
  lat.reserve(calls);
  size_t denies = 0;
  const auto& auth = service.authorizer();
  auto run_start = std::chrono::steady_clock::now();
  for (int i = 0; i < calls; ++i) {
    policy::AuthorizeRequest req{"cust-" + std::to_string(rng() % customers),
                                 hardware[rng() % hardware.size()], kRegions[rng() % 5],
                                 std::nullopt};
    auto start = std::chrono::steady_clock::now();
    policy::Decision d = auth.Authorize(req);
    lat.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
            .count());
    denies += d.outcome == policy::Action::kDeny;
  }
  const double run_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - run_start).count();
  std::sort(lat.begin(), lat.end());
  std::printf("authorize_benchmark: %d customers (facts stored and standings computed in %.1f s)\n",
              customers, load_s);
  std::printf(
      "in process, 1 thread, %d decisions (%.0f%% deny): %.0f decisions/s; p50 %.2f us, "
      "p99 %.2f us, p99.9 %.2f us, max %.1f us\n",
      calls, 100.0 * denies / calls, calls / run_s, Pct(lat, 0.5), Pct(lat, 0.99), Pct(lat, 0.999),
      lat.back());

  // 2. Over HTTP, every decision recorded (DecisionLog: background batches into SQLite).
  storage::SqlPolicyStore decision_store(*(*t)->db);
  provisioning::DecisionLog decision_log(decision_store);
  service.SetDecisionLog(&decision_log);
  storage::SqlApiKeyStore keys(*(*t)->db);
  auto key = server::CreateApiKey(keys, "bench", "integrator", "bench", clock);
  server::ApiKeyAuthenticator authn(keys, clock);
  server::HttpMetrics metrics;
  server::Router router;
  server::AddPolicyRoutes(router, service);
  server::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.access_log = false;
  server::HttpServer http(options, std::move(router), authn, metrics, clock);
  if (!http.Bind().ok()) return 1;
  std::thread serve([&] { (void)http.Serve(); });
  std::atomic<bool> stop{false};
  std::atomic<int> errors{0};
  std::vector<std::vector<double>> per(clients);
  std::vector<std::thread> ts;
  for (int c = 0; c < clients; ++c) {
    ts.emplace_back([&, c] {
      httplib::Client cl("127.0.0.1", http.port());
      cl.set_keep_alive(true);
      cl.set_tcp_nodelay(true);
      httplib::Headers h = {{"Authorization", "Bearer " + key->plaintext}};
      std::mt19937 r(c);
      while (!stop) {
        std::string body = R"({"customer_id": "cust-)" + std::to_string(r() % customers) +
                           R"(", "instance_type": ")" + kTypes[r() % 5] + R"(", "region": ")" +
                           kRegions[r() % 5] + R"("})";
        auto start = std::chrono::steady_clock::now();
        auto res = cl.Post("/v1/authorize", h, body, "application/json");
        per[c].push_back(
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count());
        if (!res || res->status != 200) ++errors;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& th : ts) th.join();
  std::vector<double> all;
  for (auto& v : per) all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  std::printf(
      "over HTTP, %d keep-alive clients, %.1f s: %.0f requests/s; p50 %.3f ms, p99 %.3f "
      "ms, max %.3f ms, errors %d\n",
      clients, seconds, all.size() / seconds, Pct(all, 0.5), Pct(all, 0.99),
      all.empty() ? 0 : all.back(), errors.load());
  http.Stop();
  serve.join();
  if (!decision_log.Flush().ok()) return 1;
  std::printf("decisions recorded: %llu (dropped %llu)\n",
              static_cast<unsigned long long>(decision_log.written()),
              static_cast<unsigned long long>(decision_log.dropped()));
  return errors.load() == 0 ? 0 : 1;
}
