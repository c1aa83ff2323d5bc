#include "kycloud/base/log.h"

#include <gtest/gtest.h>

namespace kycloud::log {
namespace {

TEST(LogTest, JsonEscaping) {
  std::string out;
  AppendJsonEscaped(out, "a\"b\\c\n\x01 Привет");
  EXPECT_EQ(out, "a\\\"b\\\\c\\n\\u0001 Привет");
  out.clear();
  AppendJsonEscaped(out, std::string_view("\xff\xc3", 2));  // invalid UTF-8
  EXPECT_EQ(out, "\xef\xbf\xbd\xef\xbf\xbd");
}

TEST(LogTest, LevelsFilter) {
  Init({Level::kWarn, Format::kJson});
  EXPECT_FALSE(Enabled(Level::kInfo));
  EXPECT_TRUE(Enabled(Level::kError));
  Init({Level::kInfo, Format::kText});
  EXPECT_TRUE(Enabled(Level::kInfo));
}

TEST(LogTest, WritesJsonLinesToStderr) {
  Init({Level::kInfo, Format::kJson});
  testing::internal::CaptureStderr();
  KY_LOG_INFO("hello {}", 42);
  KY_LOG_EVENT(kInfo, "request", {{"route", "/v1/x"}, {"status", "200"}});
  KY_LOG_DEBUG("hidden {}", 1);
  std::string err = testing::internal::GetCapturedStderr();
  Init({Level::kInfo, Format::kText});
  EXPECT_NE(err.find("\"level\":\"info\",\"msg\":\"hello 42\""), std::string::npos) << err;
  EXPECT_NE(err.find("\"route\":\"/v1/x\",\"status\":\"200\"}"), std::string::npos) << err;
  EXPECT_EQ(err.find("hidden"), std::string::npos);
}

TEST(LogTest, ParsesNames) {
  EXPECT_EQ(ParseLevel("debug").value(), Level::kDebug);
  EXPECT_FALSE(ParseLevel("loud").has_value());
  EXPECT_EQ(ParseFormat("json").value(), Format::kJson);
  EXPECT_FALSE(ParseFormat("xml").has_value());
}

}  // namespace
}  // namespace kycloud::log
