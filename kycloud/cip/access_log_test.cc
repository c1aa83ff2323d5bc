// Access events on both backends with the bundled geolocation database: IPs sealed, countries in
// clear, bad events named and the rest kept, a new country re-decides the customer.
#include "kycloud/cip/access_log.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <nlohmann/json.hpp>

#include "kycloud/cip/onboarding_fixture.h"

namespace kycloud::cip {
namespace {

using json = nlohmann::json;

std::string GeoPath() {
  const char* src = std::getenv("KYCLOUD_SOURCE_DIR");
  return std::string(src ? src : ".") + "/data/geo/geo-whois-asn-country.mmdb";
}

TEST(IpGeolocatorTest, BundledDatabase) {
  auto geo = IpGeolocator::Open(GeoPath());
  ASSERT_TRUE(geo.has_value()) << geo.error().ToString();
  EXPECT_EQ((*geo)->Country("8.8.8.8").value(), "US");
  EXPECT_EQ((*geo)->Country("2001:4860:4860::8888").value(), "US");
  EXPECT_EQ((*geo)->Country("10.1.2.3").value(), "");  // private: no country
  EXPECT_FALSE((*geo)->Country("not-an-ip").has_value());
  EXPECT_GT((*geo)->build_time(),
            Timestamp(std::chrono::sys_days(std::chrono::year(2026) / 1 / 1)));
  EXPECT_EQ(IpGeolocator::Open("/nonexistent.mmdb").error().code(), StatusCode::kNotFound);
}

class AccessLogTest : public OnboardingFixture {
 protected:
  void SetUp() override {
    OnboardingFixture::SetUp();
    if (HasFatalFailure()) return;
    geo_ = std::move(IpGeolocator::Open(GeoPath()).value());
    log_ = std::make_unique<AccessLog>(*customers_, *cipher_, geo_.get(), *onboarding_);
    json c = json::parse(R"({"id": "c-1", "kind": "individual", "names": [{"full": "Jane Roe"}],
      "addresses": [{"lines": ["1 Main St"], "country": "DE"}], "emails": ["jane@example.org"],
      "phones": ["+49 30 901820"], "payment_instruments": [{"type": "card", "fingerprint": "f"}]})");
    ASSERT_TRUE(onboarding_->Create(c.dump(), "", "test").has_value());
  }

  std::unique_ptr<IpGeolocator> geo_;
  std::unique_ptr<AccessLog> log_;
};

TEST_P(AccessLogTest, StoresSealedIpsAndCountriesAndNamesBadEvents) {
  const std::string body = R"({"events": [
    {"ip": "8.8.8.8", "at": "2026-12-01T10:00:00Z", "action": "login"},
    {"ip": "999.1.1.1", "at": "2026-12-01T10:01:00Z", "action": "api"},
    {"ip": "8.8.4.4", "at": "yesterday", "action": "api"},
    {"ip": "8.8.4.4", "at": "2026-12-01T10:02:00Z", "action": "delete"},
    {"ip": "2001:4860:4860::8888", "at": "2026-12-01T10:03:00+01:00", "action": "admin"}]})";
  auto r = log_->Record("c-1", body, "test");
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->received, 5u);
  EXPECT_EQ(r->accepted, 2u);
  ASSERT_EQ(r->errors.size(), 3u);
  EXPECT_EQ(r->errors[0].field, "/events/1/ip");
  EXPECT_EQ(r->errors[1].field, "/events/2/at");
  EXPECT_EQ(r->errors[2].field, "/events/3/action");
  EXPECT_EQ(r->countries, std::vector<std::string>{"US"});
  ASSERT_TRUE(r->redecided.has_value());  // a new country: decided again
  auto events = customers_->AccessEvents("c-1", 10).value();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].ip_country, "US");
  EXPECT_EQ(events[1].ip_sealed.find("8.8.8.8"), std::string::npos);
  EXPECT_EQ(cipher_->Open(events[1].ip_sealed, "access/c-1").value(), "8.8.8.8");
  EXPECT_EQ(customers_->Get("c-1")->last_access_at,
            ParseRfc3339("2026-12-01T10:00:00Z").value());  // 10:03+01:00 is 09:03Z
  // No new country: no new decision.
  auto again = log_->Record(
      "c-1", R"({"events": [{"ip": "8.8.8.8", "at": "2026-12-01T11:00:00Z", "action": "api"}]})",
      "test");
  ASSERT_TRUE(again.has_value());
  EXPECT_FALSE(again->redecided.has_value());
}

TEST_P(AccessLogTest, EmbargoedAccessRejectsTheCustomer) {
  // 5.62.56.0/24 and friends are Iranian ranges in RIR data; find one the database places in IR.
  std::string iran_ip;
  for (const char* ip : {"5.62.60.1", "2.144.0.1", "5.200.64.1", "31.2.128.1", "37.98.0.1"}) {
    if (geo_->Country(ip).value_or("") == "IR") {
      iran_ip = ip;
      break;
    }
  }
  ASSERT_FALSE(iran_ip.empty()) << "no sample IP maps to IR in the bundled database";
  auto r = log_->Record(
      "c-1",
      json{{"events",
            json::array({{{"ip", iran_ip}, {"at", "2026-12-01T10:00:00Z"}, {"action", "login"}}})}}
          .dump(),
      "test");
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  ASSERT_TRUE(r->redecided.has_value());
  EXPECT_EQ(r->redecided->row.decision, "reject");
  EXPECT_EQ(r->redecided->reasons.at(0).rule, "embargo.customer");
}

TEST_P(AccessLogTest, BatchErrors) {
  EXPECT_EQ(log_->Record("c-1", "{}", "t").error().field(), "/events");
  EXPECT_EQ(log_->Record("c-1", R"({"events": [], "x": 1})", "t").error().field(), "/x");
  EXPECT_EQ(log_->Record("c-1", R"({"events": [{"ip": "bad"}]})", "t").error().field(),
            "/events/0/ip");
  EXPECT_EQ(log_->Record("ghost",
                         R"({"events": [{"ip": "8.8.8.8", "at": "2026-12-01T10:00:00Z",
                                         "action": "api"}]})",
                         "t")
                .error()
                .code(),
            StatusCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, AccessLogTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kycloud::cip
