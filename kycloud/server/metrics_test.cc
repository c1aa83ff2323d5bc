#include "kycloud/server/metrics.h"

#include <gtest/gtest.h>

namespace kycloud::server {
namespace {

TEST(HttpMetricsTest, CountsAndHistogram) {
  HttpMetrics m;
  m.AddRoute("GET", "/v1/whoami");
  m.AddRoute("POST", "/v1/keys");
  m.Record("GET", "/v1/whoami", 200, 0.0003);
  m.Record("GET", "/v1/whoami", 200, 0.002);
  m.Record("GET", "/v1/whoami", 401, 0.00005);
  m.Record("GET", "unmatched", 404, 0.00001);
  m.Rejected("concurrency");
  m.Rejected("rate");
  m.Rejected("rate");
  std::string text = m.Render();
  EXPECT_NE(
      text.find("kycloud_http_requests_total{method=\"GET\",route=\"/v1/whoami\",code=\"200\"} 2"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("code=\"401\"} 1"), std::string::npos);
  EXPECT_NE(text.find("route=\"unmatched\",code=\"404\"} 1"), std::string::npos);
  // Cumulative buckets: 0.0001 holds 1, 0.0005 holds 2, 0.0025 holds 3, +Inf 3.
  EXPECT_NE(text.find("route=\"/v1/whoami\",le=\"0.0001\"} 1"), std::string::npos) << text;
  EXPECT_NE(text.find("route=\"/v1/whoami\",le=\"0.0005\"} 2"), std::string::npos);
  EXPECT_NE(text.find("route=\"/v1/whoami\",le=\"0.0025\"} 3"), std::string::npos);
  EXPECT_NE(text.find("route=\"/v1/whoami\",le=\"+Inf\"} 3"), std::string::npos);
  EXPECT_NE(
      text.find(
          "kycloud_http_request_duration_seconds_count{method=\"POST\",route=\"/v1/keys\"} 0"),
      std::string::npos);
  EXPECT_NE(text.find("kycloud_http_rejected_total{reason=\"concurrency\"} 1"), std::string::npos);
  EXPECT_NE(text.find("kycloud_http_rejected_total{reason=\"rate\"} 2"), std::string::npos);
  EXPECT_NE(text.find("kycloud_http_rejected_total{reason=\"connections\"} 0"), std::string::npos);
  EXPECT_NE(text.find("process_resident_memory_bytes "), std::string::npos);
  EXPECT_EQ(text.find("process_resident_memory_bytes 0\n"), std::string::npos);
}

}  // namespace
}  // namespace kycloud::server
