#include "kycloud/server/json_body.h"

#include <gtest/gtest.h>

namespace kycloud::server {
namespace {

TEST(JsonBodyTest, MalformedJsonNamesTheByte) {
  auto r = ParseJsonObject(R"({"name": "x", )");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().reason(), "malformed_json");
  EXPECT_NE(r.error().message().find("byte"), std::string_view::npos) << r.error();
}

// Found by json_body_fuzz: nlohmann throws out_of_range (not parse_error) for such numbers.
TEST(JsonBodyTest, NumberOutOfRangeIsAnErrorNotACrash) {
  auto r = ParseJsonObject(R"({"threshold": 2222222222E2222})");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().reason(), "malformed_json");
}

TEST(JsonBodyTest, RejectsNonObjectsEmptyAndInvalidUtf8) {
  EXPECT_EQ(ParseJsonObject("[1,2]").error().reason(), "bad_request");
  EXPECT_EQ(ParseJsonObject("").error().reason(), "bad_request");
  EXPECT_EQ(ParseJsonObject("{\"a\":\"\xff\"}").error().reason(), "malformed_json");
}

TEST(JsonBodyTest, DeepNestingRejectedWithoutRecursion) {
  std::string deep(100000, '[');
  auto r = ParseJson(deep);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message().find("nesting"), std::string_view::npos);
  std::string ok = std::string(kMaxJsonDepth, '[') + std::string(kMaxJsonDepth, ']');
  EXPECT_TRUE(ParseJson(ok).has_value());
  // Brackets inside strings do not count.
  EXPECT_TRUE(ParseJson("\"" + std::string(1000, '[') + "\"").has_value());
}

TEST(JsonBodyTest, FieldHelpers) {
  auto j = *ParseJsonObject(R"({"name": "x", "n": 3, "z": null, "a/b": 1})");
  EXPECT_EQ(*RequiredString(j, "name"), "x");
  EXPECT_EQ(RequiredString(j, "missing").error().field(), "/missing");
  EXPECT_EQ(RequiredString(j, "z").error().field(), "/z");
  auto wrong = RequiredString(j, "n", "/owners/0");
  EXPECT_EQ(wrong.error().field(), "/owners/0/n");
  EXPECT_NE(wrong.error().message().find("number"), std::string_view::npos);
  EXPECT_FALSE(OptionalString(j, "z")->has_value());
  EXPECT_EQ(**OptionalString(j, "name"), "x");
  Status unknown = CheckKnownFields(j, {"name", "n", "z"});
  EXPECT_EQ(unknown.field(), "/a~1b");
  EXPECT_TRUE(CheckKnownFields(j, {"name", "n", "z", "a/b"}).ok());
}

}  // namespace
}  // namespace kycloud::server
