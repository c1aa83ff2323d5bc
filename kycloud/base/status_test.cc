#include "kycloud/base/status.h"

#include <gtest/gtest.h>

namespace kycloud {
namespace {

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kOk);
  EXPECT_EQ(s.message(), "");
  EXPECT_EQ(s.ToString(), "ok");
}

TEST(StatusTest, CarriesCodeMessageFieldReason) {
  Status s = InvalidArgumentError("name is empty").WithField("/name").WithReason("required");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "name is empty");
  EXPECT_EQ(s.field(), "/name");
  EXPECT_EQ(s.reason(), "required");
  EXPECT_EQ(s.ToString(), "invalid_argument: name is empty [field=/name] [reason=required]");
}

TEST(StatusTest, CopyIsDeepAndEqualityComparesAll) {
  Status a = NotFoundError("x").WithField("/a");
  Status b = a;
  EXPECT_EQ(a, b);
  Status c = b.WithField("/b");
  EXPECT_NE(a, c);
  EXPECT_EQ(a.field(), "/a");
  EXPECT_NE(Status(), a);
  EXPECT_EQ(Status(), OkStatus());
}

TEST(StatusTest, AnnotatePrependsContext) {
  EXPECT_EQ(UnavailableError("refused").Annotate("connect db").message(), "connect db: refused");
  EXPECT_TRUE(OkStatus().Annotate("x").ok());
}

TEST(StatusTest, OkCodeGivesOkStatus) { EXPECT_TRUE(Status(StatusCode::kOk, "ignored").ok()); }

TEST(StatusTest, CodeNamesAreSnakeCase) {
  EXPECT_EQ(StatusCodeName(StatusCode::kFailedPrecondition), "failed_precondition");
  EXPECT_EQ(StatusCodeName(StatusCode::kUnauthenticated), "unauthenticated");
}

Status ReturnsEarly(bool fail, int* reached) {
  KY_RETURN_IF_ERROR(fail ? InternalError("boom") : OkStatus());
  *reached = 1;
  return OkStatus();
}

TEST(StatusTest, ReturnIfError) {
  int reached = 0;
  EXPECT_EQ(ReturnsEarly(true, &reached).code(), StatusCode::kInternal);
  EXPECT_EQ(reached, 0);
  EXPECT_TRUE(ReturnsEarly(false, &reached).ok());
  EXPECT_EQ(reached, 1);
}

}  // namespace
}  // namespace kycloud
