#include "kycloud/base/result.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace kycloud {
namespace {

Result<int> ParsePositive(int x) {
  if (x <= 0) return Err(OutOfRangeError("not positive"));
  return x;
}

Result<std::string> Describe(int x) {
  KY_ASSIGN_OR_RETURN(int v, ParsePositive(x));
  return "value " + std::to_string(v);
}

Status Check(int x) {
  KY_ASSIGN_OR_RETURN(int v, ParsePositive(x));
  KY_TRY(v > 10 ? InvalidArgumentError("too big") : OkStatus());
  return OkStatus();
}

Result<std::unique_ptr<int>> MoveOnly(bool ok) {
  if (!ok) return Err(NotFoundError("none"));
  return std::make_unique<int>(7);
}

TEST(ResultTest, ValueAndError) {
  EXPECT_EQ(ParsePositive(3).value(), 3);
  auto r = ParsePositive(-1);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code(), StatusCode::kOutOfRange);
  EXPECT_EQ(StatusOf(r).code(), StatusCode::kOutOfRange);
  EXPECT_TRUE(StatusOf(ParsePositive(1)).ok());
}

TEST(ResultTest, AssignOrReturnPropagates) {
  EXPECT_EQ(Describe(5).value(), "value 5");
  EXPECT_EQ(Describe(0).error().code(), StatusCode::kOutOfRange);
  EXPECT_TRUE(Check(3).ok());
  EXPECT_EQ(Check(-3).code(), StatusCode::kOutOfRange);
  EXPECT_EQ(Check(30).code(), StatusCode::kInvalidArgument);
}

TEST(ResultTest, MoveOnlyValues) {
  auto r = MoveOnly(true);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(**r, 7);
  EXPECT_EQ(MoveOnly(false).error().code(), StatusCode::kNotFound);
}

TEST(ResultDeathTest, ErrWithOkStatusIsAProgrammerError) {
  EXPECT_DEATH(
      {
        auto e = Err(OkStatus());
        (void)e;
      },
      "non-OK");
}

}  // namespace
}  // namespace kycloud
