// HTTP front-door benchmark: a kycloud HttpServer in this process (SQLite-backed key store,
// synchronous=full) and C client threads with keep-alive connections, each sending requests back
// to back for a fixed time. Prints throughput and latency percentiles per route:
//   GET /healthz          (no auth, no database)
//   GET /v1/whoami        (API-key auth; cached lookups)
//   POST /v1/keys         (auth + JSON body + one committed SQLite write)
// Usage: http_benchmark [seconds per route, default 3] [client threads, default 4]
#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "kycloud/base/log.h"
#include "kycloud/server/core_routes.h"
#include "kycloud/server/http_server.h"
#include "kycloud/server/key_routes.h"
#include "kycloud/storage/sql_api_key_store.h"
#include "kycloud/storage/testing/test_database.h"

using namespace kycloud;

namespace {

struct Figures {
  double rps;
  double p50_ms, p99_ms, max_ms;
  int errors;
};

Figures Run(int port, int threads, double seconds, const std::string& method,
            const std::string& path, const std::string& key) {
  std::atomic<bool> stop{false};
  std::vector<std::vector<double>> lat(threads);
  std::atomic<int> errors{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) {
    ts.emplace_back([&, t] {
      httplib::Client c("127.0.0.1", port);
      c.set_keep_alive(true);
      c.set_tcp_nodelay(true);
      httplib::Headers h = {{"Authorization", "Bearer " + key}};
      for (int i = 0; !stop; ++i) {
        auto start = std::chrono::steady_clock::now();
        httplib::Result r = method == "GET"
                                ? c.Get(path, h)
                                : c.Post(path, h,
                                         "{\"name\":\"bench-" + std::to_string(t) + "-" +
                                             std::to_string(i) + "\",\"role\":\"ingest\"}",
                                         "application/json");
        double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                .count();
        if (!r || r->status >= 300) ++errors;
        lat[t].push_back(ms);
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
    return all.empty() ? 0 : all[std::min(all.size() - 1, size_t(p * all.size()))];
  };
  return {all.size() / seconds, pct(0.50), pct(0.99), all.empty() ? 0 : all.back(), errors.load()};
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = argc > 1 ? std::atof(argv[1]) : 3.0;
  int threads = argc > 2 ? std::atoi(argv[2]) : 4;
  kycloud::log::Init({kycloud::log::Level::kWarn, kycloud::log::Format::kText});
  auto t = storage::testing::MakeTestDatabase("sqlite");
  if (!t) {
    std::fprintf(stderr, "cannot open database: %s\n", t.error().ToString().c_str());
    return 1;
  }
  storage::SqlApiKeyStore store(*(*t)->db);
  const Clock& clock = SystemClock::Default();
  auto admin = server::CreateApiKey(store, "bench", "admin", "bench", clock);
  server::ApiKeyAuthenticator auth(store, clock);
  server::HttpMetrics metrics;
  server::Router router;
  server::AddCoreRoutes(
      router, [] { return OkStatus(); }, metrics);
  server::AddKeyRoutes(router, store, auth, clock);
  server::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.access_log = false;
  server::HttpServer http(options, std::move(router), auth, metrics, clock);
  if (!http.Bind().ok()) return 1;
  std::thread serve([&] { (void)http.Serve(); });

  std::printf("http_benchmark: %d client threads, %.1f s per route, keep-alive, loopback\n",
              threads, seconds);
  std::printf("%-18s %10s %9s %9s %9s %7s\n", "route", "req/s", "p50 ms", "p99 ms", "max ms",
              "errors");
  for (auto [method, path] : {std::pair<std::string, std::string>{"GET", "/healthz"},
                              {"GET", "/v1/whoami"},
                              {"POST", "/v1/keys"}}) {
    Figures f = Run(http.port(), threads, seconds, method, path, admin->plaintext);
    std::printf("%-18s %10.0f %9.3f %9.3f %9.3f %7d\n", (method + " " + path).c_str(), f.rps,
                f.p50_ms, f.p99_ms, f.max_ms, f.errors);
  }
  http.Stop();
  serve.join();
  return 0;
}
