// HttpMetrics: request counters and latency histograms per route, rendered in the Prometheus text
// exposition format (version 0.0.4) at /metrics:
//   kycloud_http_requests_total{method,route,code}
//   kycloud_http_request_duration_seconds{method,route} (histogram)
//   kycloud_http_requests_in_flight, kycloud_http_rejected_total{reason}
//   kycloud_build_info{version,commit}, process_resident_memory_bytes, process_start_time_seconds
// "route" is the route template (bounded cardinality), or "unmatched".
//
// Thread-safety: Record() and Render() are safe from many threads; routes are registered first.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace kycloud::server {

class HttpMetrics {
 public:
  // Upper bounds of the latency buckets, in seconds.
  static constexpr std::array<double, 14> kBuckets = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0};

  // Registers a route so that it is listed (with zero counts) before it is first called.
  void AddRoute(std::string_view method, std::string_view route);
  void Record(std::string_view method, std::string_view route, int status, double seconds);
  // A request refused with 429 before handling: "concurrency" (max_in_flight requests being
  // handled), "rate" (its key's rate limit), "connections" (every worker busy, queue full).
  void Rejected(std::string_view reason);
  std::atomic<std::int64_t>& in_flight() { return in_flight_; }

  std::string Render() const;

 private:
  struct RouteStats {
    std::array<std::atomic<std::uint64_t>, kBuckets.size() + 1> buckets{};
    std::atomic<std::uint64_t> count{0};
    std::atomic<std::uint64_t> sum_ns{0};
    std::array<std::atomic<std::uint64_t>, 600> by_status{};
  };
  RouteStats& Stats(std::string_view method, std::string_view route);

  std::map<std::string, std::unique_ptr<RouteStats>, std::less<>> routes_;  // "METHOD route"
  RouteStats unmatched_;
  std::atomic<std::int64_t> in_flight_{0};
  std::atomic<std::uint64_t> rejected_concurrency_{0}, rejected_rate_{0}, rejected_connections_{0};
};

}  // namespace kycloud::server
