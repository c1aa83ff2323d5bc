#include "kycloud/base/progress.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace kycloud {
namespace {

TEST(ProgressTest, PlainLinesAtIntervalAndFinalLine) {
  FakeClock clock;
  std::vector<std::string> lines;
  {
    ProgressReporter p({.label = "screening", .total = 100, .unit = "rows"}, clock, false,
                       [&](std::string_view s) { lines.emplace_back(s); });
    p.Add(10);
    EXPECT_TRUE(lines.empty());  // before the first interval
    clock.Advance(std::chrono::seconds(5));
    p.Add(40);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0], "screening: 50/100 rows (50.0%), 10 rows/s, 5.0 s\n");
    p.Add(1);
    EXPECT_EQ(lines.size(), 1u);  // interval not elapsed again
  }
  ASSERT_EQ(lines.size(), 2u);  // the destructor finishes
  EXPECT_EQ(lines[1], "screening: 51/100 rows (51.0%), 10 rows/s, 5.0 s done\n");
}

TEST(ProgressTest, TerminalBarRedrawsInPlace) {
  FakeClock clock;
  std::string out;
  ProgressReporter p({.label = "load", .total = 4}, clock, true,
                     [&](std::string_view s) { out += s; });
  clock.Advance(std::chrono::seconds(1));
  p.Add(2);
  EXPECT_EQ(out.rfind("\r", 0), 0u);
  EXPECT_NE(out.find("[###############...............] 2/4"), std::string::npos) << out;
  p.Finish();
  p.Finish();  // idempotent
  EXPECT_EQ(out.back(), '\n');
  EXPECT_EQ(p.done(), 2u);
}

TEST(ProgressTest, UnknownTotalAndManyThreads) {
  FakeClock clock;
  std::string out;
  ProgressReporter p({.label = "ingest"}, clock, false, [&](std::string_view s) { out += s; });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) p.Add();
    });
  }
  for (auto& t : threads) t.join();
  p.Finish();
  EXPECT_EQ(p.done(), 4000u);
  EXPECT_NE(out.find("ingest: 4000 items"), std::string::npos) << out;
}

}  // namespace
}  // namespace kycloud
