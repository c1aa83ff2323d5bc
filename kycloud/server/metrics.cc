#include "kycloud/server/metrics.h"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <fstream>

#include "kycloud/base/build_info.h"

namespace kycloud::server {

namespace {

// Resident set size from /proc/self/statm, in bytes (0 if unavailable).
std::uint64_t ResidentBytes() {
  std::ifstream in("/proc/self/statm");
  std::uint64_t size = 0, resident = 0;
  if (!(in >> size >> resident)) return 0;
  return resident * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}

const double kStartTime =
    std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();

}  // namespace

void HttpMetrics::AddRoute(std::string_view method, std::string_view route) {
  std::string key = fmt::format("{} {}", method, route);
  if (!routes_.contains(key)) routes_.emplace(std::move(key), std::make_unique<RouteStats>());
}

HttpMetrics::RouteStats& HttpMetrics::Stats(std::string_view method, std::string_view route) {
  std::string key = fmt::format("{} {}", method, route);
  auto it = routes_.find(key);
  return it == routes_.end() ? unmatched_ : *it->second;
}

void HttpMetrics::Record(std::string_view method, std::string_view route, int status,
                         double seconds) {
  RouteStats& s = Stats(method, route);
  size_t b = 0;
  while (b < kBuckets.size() && seconds > kBuckets[b]) ++b;
  s.buckets[b].fetch_add(1, std::memory_order_relaxed);
  s.count.fetch_add(1, std::memory_order_relaxed);
  s.sum_ns.fetch_add(static_cast<std::uint64_t>(seconds * 1e9), std::memory_order_relaxed);
  if (status >= 0 && status < 600) s.by_status[status].fetch_add(1, std::memory_order_relaxed);
}

void HttpMetrics::Rejected(std::string_view reason) {
  auto& counter = reason == "rate"          ? rejected_rate_
                  : reason == "connections" ? rejected_connections_
                                            : rejected_concurrency_;
  counter.fetch_add(1, std::memory_order_relaxed);
}

std::string HttpMetrics::Render() const {
  std::string out;
  auto each = [&](auto&& fn) {
    for (const auto& [key, stats] : routes_) {
      auto space = key.find(' ');
      fn(std::string_view(key).substr(0, space), std::string_view(key).substr(space + 1), *stats);
    }
    fn("", "unmatched", unmatched_);
  };
  out += "# HELP kycloud_http_requests_total HTTP requests by route and status code.\n";
  out += "# TYPE kycloud_http_requests_total counter\n";
  each([&](std::string_view m, std::string_view r, const RouteStats& s) {
    for (int code = 100; code < 600; ++code) {
      auto n = s.by_status[code].load(std::memory_order_relaxed);
      if (n == 0) continue;
      out +=
          fmt::format("kycloud_http_requests_total{{method=\"{}\",route=\"{}\",code=\"{}\"}} {}\n",
                      m, r, code, n);
    }
  });
  out += "# HELP kycloud_http_request_duration_seconds Time from request read to response ready.\n";
  out += "# TYPE kycloud_http_request_duration_seconds histogram\n";
  each([&](std::string_view m, std::string_view r, const RouteStats& s) {
    std::uint64_t cumulative = 0;
    for (size_t b = 0; b <= kBuckets.size(); ++b) {
      cumulative += s.buckets[b].load(std::memory_order_relaxed);
      std::string le = b < kBuckets.size() ? fmt::format("{}", kBuckets[b]) : "+Inf";
      out += fmt::format(
          "kycloud_http_request_duration_seconds_bucket{{method=\"{}\",route=\"{}\",le=\"{}\"}} "
          "{}\n",
          m, r, le, cumulative);
    }
    out +=
        fmt::format("kycloud_http_request_duration_seconds_sum{{method=\"{}\",route=\"{}\"}} {}\n",
                    m, r, static_cast<double>(s.sum_ns.load()) / 1e9);
    out += fmt::format(
        "kycloud_http_request_duration_seconds_count{{method=\"{}\",route=\"{}\"}} {}\n", m, r,
        s.count.load());
  });
  out += "# HELP kycloud_http_requests_in_flight Requests being handled now.\n";
  out += "# TYPE kycloud_http_requests_in_flight gauge\n";
  out += fmt::format("kycloud_http_requests_in_flight {}\n", in_flight_.load());
  out += "# HELP kycloud_http_rejected_total Requests refused with 429 before handling.\n";
  out += "# TYPE kycloud_http_rejected_total counter\n";
  out += fmt::format("kycloud_http_rejected_total{{reason=\"concurrency\"}} {}\n",
                     rejected_concurrency_.load());
  out += fmt::format("kycloud_http_rejected_total{{reason=\"rate\"}} {}\n", rejected_rate_.load());
  out += fmt::format("kycloud_http_rejected_total{{reason=\"connections\"}} {}\n",
                     rejected_connections_.load());
  out += "# HELP kycloud_build_info Version and commit of this binary.\n";
  out += "# TYPE kycloud_build_info gauge\n";
  out +=
      fmt::format("kycloud_build_info{{version=\"{}\",commit=\"{}\"}} 1\n", Version(), GitCommit());
  out += "# HELP process_resident_memory_bytes Resident memory size in bytes.\n";
  out += "# TYPE process_resident_memory_bytes gauge\n";
  out += fmt::format("process_resident_memory_bytes {}\n", ResidentBytes());
  out += "# HELP process_start_time_seconds Start time of the process since the Unix epoch.\n";
  out += "# TYPE process_start_time_seconds gauge\n";
  out += fmt::format("process_start_time_seconds {:.3f}\n", kStartTime);
  return out;
}

}  // namespace kycloud::server
