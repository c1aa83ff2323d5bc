#include "kycloud/base/time.h"

#include <gtest/gtest.h>

#include "kycloud/base/clock.h"

namespace kycloud {
namespace {

TEST(TimeTest, FormatsUtcWithOptionalFraction) {
  EXPECT_EQ(FormatRfc3339(FromUnixMicros(0)), "1970-01-01T00:00:00Z");
  EXPECT_EQ(FormatRfc3339(FromUnixMicros(1'700'000'000'123'456)), "2023-11-14T22:13:20.123456Z");
}

TEST(TimeTest, ParsesFormsAndOffsets) {
  EXPECT_EQ(ToUnixMicros(ParseRfc3339("2023-11-14T22:13:20Z").value()), 1'700'000'000'000'000);
  EXPECT_EQ(ToUnixMicros(ParseRfc3339("2023-11-14T22:13:20.5Z").value()), 1'700'000'000'500'000);
  EXPECT_EQ(ToUnixMicros(ParseRfc3339("2023-11-15T00:13:20+02:00").value()), 1'700'000'000'000'000);
  EXPECT_EQ(ToUnixMicros(ParseRfc3339("2023-11-14 17:13:20-05:00").value()), 1'700'000'000'000'000);
  EXPECT_EQ(FormatRfc3339(ParseRfc3339("2024-02-29").value()), "2024-02-29T00:00:00Z");
}

TEST(TimeTest, RoundTrips) {
  for (std::int64_t us : {0LL, 1LL, 999'999LL, 1'234'567'890'123'456LL, 4'102'444'800'000'000LL}) {
    Timestamp t = FromUnixMicros(us);
    EXPECT_EQ(ParseRfc3339(FormatRfc3339(t)).value(), t) << us;
  }
}

TEST(TimeTest, RejectsBadInputWithReason) {
  for (const char* bad : {"", "2023", "2023-02-30", "2023-13-01", "2023-11-14T25:00:00Z",
                          "2023-11-14T22:13:20", "2023-11-14T22:13:20Zjunk", "2023-11-14T22:13Z",
                          "2023-11-14T22:13:20.Z", "2023-11-14T22:13:20+0200", "x023-11-14"}) {
    auto r = ParseRfc3339(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.error().message().find("invalid timestamp"), std::string_view::npos);
  }
}

TEST(ClockTest, FakeClockMovesOnlyWhenTold) {
  FakeClock clock(FromUnixMicros(1000));
  auto m0 = clock.Monotonic();
  EXPECT_EQ(ToUnixMicros(clock.Now()), 1000);
  clock.Advance(std::chrono::seconds(2));
  EXPECT_EQ(ToUnixMicros(clock.Now()), 2'001'000);
  EXPECT_EQ(clock.Monotonic() - m0, std::chrono::seconds(2));
  clock.Set(FromUnixMicros(5));
  EXPECT_EQ(ToUnixMicros(clock.Now()), 5);
}

TEST(ClockTest, SystemClockIsRecent) {
  EXPECT_GT(ToUnixMicros(SystemClock::Default().Now()), 1'700'000'000'000'000);
}

}  // namespace
}  // namespace kycloud
