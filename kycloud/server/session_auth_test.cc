// Console sign-in sessions over real HTTP: the cookie's attributes, the CSRF token on changes,
// sign-out, revoked keys and expiry, roles through a session, and the console's static files.
#include "kycloud/server/session_auth.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "kycloud/server/core_routes.h"
#include "kycloud/server/http_server.h"
#include "kycloud/server/key_routes.h"
#include "kycloud/server/session_routes.h"
#include "kycloud/storage/memory_api_key_store.h"
#include "kycloud/storage/sql_session_store.h"
#include "kycloud/storage/testing/test_database.h"

namespace kycloud::server {
namespace {

using nlohmann::json;

class SessionAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = storage::testing::MakeTestDatabase("sqlite");
    ASSERT_TRUE(t.has_value()) << t.error();
    db_ = std::move(*t);
    session_store_ = std::make_unique<storage::SqlSessionStore>(*db_->db);
    sessions_ = std::make_unique<SessionAuthenticator>(*session_store_, keys_, auth_, clock_,
                                                       SessionOptions{std::chrono::minutes(60)});
    web_root_ = storage::testing::MakeTempDir("kycloud-web");
    std::filesystem::create_directories(web_root_ + "/assets");
    std::ofstream(web_root_ + "/index.html") << "<!doctype html><title>kycloud</title>";
    std::ofstream(web_root_ + "/assets/app-1234.js") << "console.log('hi')";

    ServerOptions options;
    options.listen = "127.0.0.1:0";
    options.access_log = false;
    options.web_root = web_root_;
    Router router;
    AddCoreRoutes(
        router, [] { return OkStatus(); }, metrics_);
    AddKeyRoutes(router, keys_, auth_, clock_);
    AddSessionRoutes(router, *sessions_, nullptr);
    server_ = std::make_unique<HttpServer>(options, std::move(router), auth_, metrics_, clock_,
                                           sessions_.get());
    ASSERT_TRUE(server_->Bind().ok());
    serve_thread_ = std::thread([this] { (void)server_->Serve(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    admin_ = CreateApiKey(keys_, "admin", "admin", "test", clock_)->plaintext;
    officer_ = CreateApiKey(keys_, "officer", "officer", "test", clock_)->plaintext;
    auditor_ = CreateApiKey(keys_, "auditor", "auditor", "test", clock_)->plaintext;
  }
  void TearDown() override {
    if (server_) server_->Stop();
    if (serve_thread_.joinable()) serve_thread_.join();
    std::filesystem::remove_all(web_root_);
  }

  struct Signed {
    std::string cookie;  // "kycloud_session=..."
    std::string csrf;
    std::string set_cookie;
  };
  Signed SignIn(const std::string& key) {
    auto r = client_->Post("/v1/sessions", json{{"api_key", key}}.dump(), "application/json");
    EXPECT_TRUE(r);
    EXPECT_EQ(r->status, 201) << r->body;
    Signed s;
    s.set_cookie = r->get_header_value("Set-Cookie");
    s.cookie = s.set_cookie.substr(0, s.set_cookie.find(';'));
    s.csrf = json::parse(r->body).value("csrf_token", "");
    return s;
  }
  httplib::Result Get(const std::string& path, const Signed& s) {
    return client_->Get(path, {{"Cookie", s.cookie}});
  }
  httplib::Result PostKey(const Signed& s, std::optional<std::string> csrf) {
    httplib::Headers h{{"Cookie", s.cookie}};
    if (csrf) h.emplace("X-CSRF-Token", *csrf);
    return client_->Post("/v1/keys", h, R"({"name":"made-in-console","role":"integrator"})",
                         "application/json");
  }
  static json Body(const httplib::Result& r) { return json::parse(r->body); }

  FakeClock clock_;
  HttpMetrics metrics_;
  storage::MemoryApiKeyStore keys_;
  ApiKeyAuthenticator auth_{keys_, clock_};
  std::unique_ptr<storage::testing::TestDatabase> db_;
  std::unique_ptr<storage::SqlSessionStore> session_store_;
  std::unique_ptr<SessionAuthenticator> sessions_;
  std::string web_root_;
  std::unique_ptr<HttpServer> server_;
  std::thread serve_thread_;
  std::unique_ptr<httplib::Client> client_;
  std::string admin_, officer_, auditor_;
};

TEST_F(SessionAuthTest, SignInSetsAnHttpOnlyStrictCookieAndNoKeyInTheBody) {
  auto r = client_->Post("/v1/sessions", json{{"api_key", officer_}}.dump(), "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  std::string set_cookie = r->get_header_value("Set-Cookie");
  EXPECT_TRUE(set_cookie.starts_with("kycloud_session=")) << set_cookie;
  EXPECT_NE(set_cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set_cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(set_cookie.find("Max-Age=3600"), std::string::npos);
  json b = Body(r);
  EXPECT_EQ(b["role"], "officer");
  EXPECT_EQ(b["csrf_token"].get<std::string>().size(), 32u);
  EXPECT_EQ(r->body.find(officer_), std::string::npos);  // the key is not echoed

  Signed s{set_cookie.substr(0, set_cookie.find(';')), b["csrf_token"], set_cookie};
  auto me = Get("/v1/sessions/current", s);
  ASSERT_EQ(me->status, 200) << me->body;
  EXPECT_EQ(Body(me)["via"], "session");
  EXPECT_EQ(Body(me)["role"], "officer");
  EXPECT_EQ(Body(me)["csrf_token"], b["csrf_token"]);
  // The same call with the API key says so and hands out no CSRF token.
  auto by_key = client_->Get("/v1/sessions/current", {{"Authorization", "Bearer " + officer_}});
  EXPECT_EQ(Body(by_key)["via"], "api_key");
  EXPECT_FALSE(Body(by_key).contains("csrf_token"));
}

TEST_F(SessionAuthTest, ChangesThroughASessionNeedItsCsrfToken) {
  Signed admin = SignIn(admin_);
  auto none = PostKey(admin, std::nullopt);
  EXPECT_EQ(none->status, 403);
  EXPECT_EQ(Body(none)["error"]["code"], "csrf");
  auto wrong = PostKey(admin, std::string(admin.csrf.size(), 'x'));
  EXPECT_EQ(wrong->status, 403);
  Signed other = SignIn(admin_);  // another session's token does not do either
  EXPECT_EQ(PostKey(admin, other.csrf)->status, 403);
  auto ok = PostKey(admin, admin.csrf);
  EXPECT_EQ(ok->status, 201) << ok->body;
  // Reads need no token.
  EXPECT_EQ(Get("/v1/keys", admin)->status, 200);
}

TEST_F(SessionAuthTest, ABearerKeyWinsOverTheCookie) {
  Signed auditor = SignIn(auditor_);
  // Cookie and a good admin key: the key acts, no CSRF token needed.
  auto r =
      client_->Post("/v1/keys", {{"Cookie", auditor.cookie}, {"Authorization", "Bearer " + admin_}},
                    R"({"name":"k","role":"integrator"})", "application/json");
  EXPECT_EQ(r->status, 201) << r->body;
  // Cookie and a bad key: refused, the cookie does not rescue it.
  auto bad = client_->Get(
      "/v1/whoami", {{"Cookie", auditor.cookie},
                     {"Authorization", "Bearer kyc_0000000000000000000000000000000000000000"}});
  EXPECT_EQ(bad->status, 401);
  // Another scheme (a proxy's Basic credentials) leaves it to the cookie.
  auto basic = client_->Get("/v1/whoami",
                            {{"Cookie", auditor.cookie}, {"Authorization", "Basic cHJveHk6cHc="}});
  ASSERT_EQ(basic->status, 200) << basic->body;
  EXPECT_EQ(Body(basic)["role"], "auditor");
  // API answers carry a CSP that makes any HTML in them inert.
  EXPECT_NE(basic->get_header_value("Content-Security-Policy").find("sandbox"), std::string::npos);
}

TEST_F(SessionAuthTest, RolesHoldThroughASession) {
  Signed auditor = SignIn(auditor_);
  auto r = PostKey(auditor, auditor.csrf);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(Body(r)["error"]["code"], "permission_denied");
  EXPECT_EQ(Get("/v1/keys", auditor)->status, 403);
  EXPECT_EQ(Get("/v1/whoami", auditor)->status, 200);
}

TEST_F(SessionAuthTest, BadSignInsAreExplained) {
  auto wrong =
      client_->Post("/v1/sessions", R"({"api_key":"kyc_0000000000000000000000000000000000000000"})",
                    "application/json");
  EXPECT_EQ(wrong->status, 401);
  EXPECT_TRUE(wrong->get_header_value("Set-Cookie").empty());
  auto missing = client_->Post("/v1/sessions", "{}", "application/json");
  EXPECT_EQ(missing->status, 422);
  EXPECT_EQ(Body(missing)["error"]["field"], "/api_key");
  auto extra = client_->Post("/v1/sessions", json{{"api_key", officer_}, {"password", "x"}}.dump(),
                             "application/json");
  EXPECT_EQ(extra->status, 422);
  auto garbage = client_->Get("/v1/whoami", {{"Cookie", "kycloud_session=nonsense"}});
  EXPECT_EQ(garbage->status, 401);
  // A body another site could send without a preflight is refused (no login CSRF).
  auto plain = client_->Post("/v1/sessions", json{{"api_key", officer_}}.dump(), "text/plain");
  EXPECT_EQ(plain->status, 415);
  auto form =
      client_->Post("/v1/sessions", "api_key=" + officer_, "application/x-www-form-urlencoded");
  EXPECT_EQ(form->status, 415);
  EXPECT_TRUE(form->get_header_value("Set-Cookie").empty());
  // No Content-Type at all (a Blob body sent by fetch): the route itself refuses it.
  Router router;
  AddSessionRoutes(router, *sessions_, nullptr);
  HttpRequest untyped;
  untyped.method = Method::kPost;
  untyped.path = "/v1/sessions";
  untyped.body = json{{"api_key", officer_}}.dump();
  auto refused = router.Find(Method::kPost, "/v1/sessions").route->handler(untyped, {});
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), StatusCode::kInvalidArgument);
}

TEST_F(SessionAuthTest, SignOutEndsTheSession) {
  Signed s = SignIn(officer_);
  auto no_token = client_->Delete("/v1/sessions/current", {{"Cookie", s.cookie}});
  EXPECT_EQ(no_token->status, 403);  // a forged sign-out is refused too
  auto out =
      client_->Delete("/v1/sessions/current", {{"Cookie", s.cookie}, {"X-CSRF-Token", s.csrf}});
  ASSERT_EQ(out->status, 200) << out->body;
  EXPECT_NE(out->get_header_value("Set-Cookie").find("Max-Age=0"), std::string::npos);
  auto after = Get("/v1/whoami", s);
  EXPECT_EQ(after->status, 401);
  EXPECT_NE(Body(after)["error"]["message"].get<std::string>().find("sign in again"),
            std::string::npos);
  // An API-key caller has no session to end.
  auto by_key = client_->Delete("/v1/sessions/current", {{"Authorization", "Bearer " + officer_}});
  EXPECT_EQ(by_key->status, 422);
}

TEST_F(SessionAuthTest, RevokingTheKeyOrExpiryEndsTheSession) {
  Signed officer = SignIn(officer_);
  Signed later = SignIn(admin_);
  std::string officer_id = Body(Get("/v1/sessions/current", officer))["key_id"];
  auto revoke = client_->Delete("/v1/keys/" + officer_id, {{"Authorization", "Bearer " + admin_}});
  ASSERT_EQ(revoke->status, 200) << revoke->body;
  EXPECT_EQ(Get("/v1/whoami", officer)->status, 401);

  EXPECT_EQ(Get("/v1/whoami", later)->status, 200);
  clock_.Advance(std::chrono::minutes(61));
  auto expired = Get("/v1/whoami", later);
  EXPECT_EQ(expired->status, 401);
  EXPECT_NE(Body(expired)["error"]["message"].get<std::string>().find("expired"),
            std::string::npos);
}

TEST_F(SessionAuthTest, ServesTheConsoleFilesWithSecurityHeaders) {
  auto index = client_->Get("/");
  ASSERT_TRUE(index);
  EXPECT_EQ(index->status, 200);
  EXPECT_NE(index->body.find("<title>kycloud</title>"), std::string::npos);
  std::string csp = index->get_header_value("Content-Security-Policy");
  EXPECT_NE(csp.find("default-src 'self'"), std::string::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(index->get_header_value("X-Frame-Options"), "DENY");
  EXPECT_EQ(index->get_header_value("Cache-Control"), "no-cache");
  auto asset = client_->Get("/assets/app-1234.js");
  EXPECT_EQ(asset->status, 200);
  EXPECT_NE(asset->get_header_value("Content-Type").find("javascript"), std::string::npos);
  EXPECT_NE(asset->get_header_value("Cache-Control").find("immutable"), std::string::npos);
  // Nothing outside the directory, and the API is still routed.
  auto climb = client_->Get("/../../../../etc/passwd");
  EXPECT_NE(climb->status, 200);
  auto encoded = client_->Get("/%2e%2e/%2e%2e/%2e%2e/etc/passwd");
  EXPECT_NE(encoded->status, 200);
  EXPECT_EQ(encoded->body.find("root:"), std::string::npos);
  EXPECT_EQ(client_->Get("/assets/missing.js")->status, 404);
  EXPECT_EQ(client_->Get("/healthz")->status, 200);
}

TEST(SessionCookieValueTest, FindsTheCookieAmongOthers) {
  EXPECT_EQ(SessionCookieValue("a=1; kycloud_session=abc; b=2"), "abc");
  EXPECT_EQ(SessionCookieValue("kycloud_session=xyz"), "xyz");
  EXPECT_EQ(SessionCookieValue("kycloud_sessionx=abc"), "");
  EXPECT_EQ(SessionCookieValue("kycloud_session="), "");
  EXPECT_EQ(SessionCookieValue(""), "");
  EXPECT_TRUE(SecretsEqual("abc", "abc"));
  EXPECT_FALSE(SecretsEqual("abc", "abd"));
  EXPECT_FALSE(SecretsEqual("abc", "abcd"));
}

}  // namespace
}  // namespace kycloud::server
