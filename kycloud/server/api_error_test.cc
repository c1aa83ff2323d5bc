#include "kycloud/server/api_error.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace kycloud::server {
namespace {

TEST(ApiErrorTest, StatusMapping) {
  EXPECT_EQ(HttpStatusFor(InvalidArgumentError("x")), 422);
  EXPECT_EQ(HttpStatusFor(InvalidArgumentError("x").WithReason("malformed_json")), 400);
  EXPECT_EQ(HttpStatusFor(InvalidArgumentError("x").WithReason("bad_request")), 400);
  EXPECT_EQ(HttpStatusFor(UnauthenticatedError("x")), 401);
  EXPECT_EQ(HttpStatusFor(PermissionDeniedError("x")), 403);
  EXPECT_EQ(HttpStatusFor(NotFoundError("x")), 404);
  EXPECT_EQ(HttpStatusFor(AlreadyExistsError("x")), 409);
  EXPECT_EQ(HttpStatusFor(ResourceExhaustedError("x")), 429);
  EXPECT_EQ(HttpStatusFor(UnavailableError("x")), 503);
  EXPECT_EQ(HttpStatusFor(InternalError("x")), 500);
  EXPECT_EQ(HttpStatusFor(DataLossError("x")), 500);
}

TEST(ApiErrorTest, BodyShape) {
  HttpResponse r =
      ErrorResponse(InvalidArgumentError("name is required").WithField("/name"), "rid1");
  EXPECT_EQ(r.status, 422);
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["error"]["code"], "validation_failed");
  EXPECT_EQ(j["error"]["message"], "name is required");
  EXPECT_EQ(j["error"]["field"], "/name");
  EXPECT_EQ(j["error"]["request_id"], "rid1");
}

TEST(ApiErrorTest, InternalErrorsHideDetails) {
  HttpResponse r = ErrorResponse(InternalError("password=hunter2 in connection string"), "x");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("hunter2"), std::string::npos);
  EXPECT_NE(r.body.find("internal error"), std::string::npos);
}

TEST(ApiErrorTest, ReasonBecomesCode) {
  auto j = nlohmann::json::parse(
      ErrorResponse(InvalidArgumentError("bad").WithReason("malformed_json"), "").body);
  EXPECT_EQ(j["error"]["code"], "malformed_json");
  EXPECT_FALSE(j["error"].contains("request_id"));
}

}  // namespace
}  // namespace kycloud::server
