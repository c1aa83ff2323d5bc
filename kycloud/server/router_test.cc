#include "kycloud/server/router.h"

#include <gtest/gtest.h>

namespace kycloud::server {
namespace {

Handler Named(std::string name) {
  return [name](const HttpRequest&, const RequestContext&) -> Result<HttpResponse> {
    return HttpResponse::Json(200, name);
  };
}

TEST(RouterTest, MatchesLiteralsAndParameters) {
  Router r;
  r.Add({.method = Method::kGet, .path = "/v1/keys"}, Named("list"));
  r.Add({.method = Method::kGet, .path = "/v1/keys/{id}"}, Named("get"));
  r.Add({.method = Method::kDelete, .path = "/v1/keys/{id}"}, Named("delete"));
  r.Add({.method = Method::kGet, .path = "/v1/keys/special"}, Named("special"));

  auto m = r.Find(Method::kGet, "/v1/keys/kyc_123");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->spec.path, "/v1/keys/{id}");
  EXPECT_EQ(m.params.at("id"), "kyc_123");

  m = r.Find(Method::kGet, "/v1/keys/special");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->spec.path, "/v1/keys/special");  // literal wins

  EXPECT_EQ(r.Find(Method::kGet, "/v1/keys").route->spec.path, "/v1/keys");
}

TEST(RouterTest, NotFoundAndMethodNotAllowed) {
  Router r;
  r.Add({.method = Method::kGet, .path = "/v1/keys/{id}"}, Named("get"));
  r.Add({.method = Method::kDelete, .path = "/v1/keys/{id}"}, Named("delete"));
  auto m = r.Find(Method::kGet, "/v1/nothing");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.allowed.empty());
  m = r.Find(Method::kGet, "/v1/keys/");  // empty parameter does not match
  EXPECT_EQ(m.route, nullptr);
  m = r.Find(Method::kPost, "/v1/keys/abc");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allowed, (std::vector<Method>{Method::kGet, Method::kDelete}));  // enum order
  EXPECT_EQ(r.Find(Method::kGet, "").route, nullptr);
  EXPECT_EQ(r.Find(Method::kGet, "v1/keys/x").route, nullptr);
}

TEST(RouterDeathTest, DuplicateRouteIsAProgrammerError) {
  Router r;
  r.Add({.method = Method::kGet, .path = "/x"}, Named("a"));
  EXPECT_DEATH(r.Add({.method = Method::kGet, .path = "/x"}, Named("b")), "duplicate route");
}

}  // namespace
}  // namespace kycloud::server
