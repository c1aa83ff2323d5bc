// The HTTP front door in-process: every error status, limits, auth, graceful shutdown.
#include "kycloud/server/http_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <filesystem>
#include <future>
#include <nlohmann/json.hpp>
#include <thread>

#include "kycloud/server/core_routes.h"
#include "kycloud/server/key_routes.h"
#include "kycloud/storage/memory_api_key_store.h"

namespace kycloud::server {
namespace {

using nlohmann::json;

// Writes a self-signed certificate for "localhost" (EC P-256) and its key as PEM files.
void WriteSelfSignedCertificate(const std::string& cert_path, const std::string& key_path) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  ASSERT_NE(key, nullptr);
  X509* cert = X509_new();
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert, name);
  X509V3_CTX ext_ctx;
  X509V3_set_ctx_nodb(&ext_ctx);
  X509V3_set_ctx(&ext_ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* san =
      X509V3_EXT_conf_nid(nullptr, &ext_ctx, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
  ASSERT_NE(san, nullptr);
  X509_add_ext(cert, san, -1);
  X509_EXTENSION_free(san);
  ASSERT_GT(X509_sign(cert, key, EVP_sha256()), 0);
  FILE* f = std::fopen(cert_path.c_str(), "w");
  PEM_write_X509(f, cert);
  std::fclose(f);
  f = std::fopen(key_path.c_str(), "w");
  PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
  X509_free(cert);
  EVP_PKEY_free(key);
}

class HttpServerTest : public ::testing::Test {
 protected:
  void Start(ServerOptions options = {}) {
    options.listen = "127.0.0.1:0";
    options.access_log = false;
    Router router;
    AddCoreRoutes(
        router, [this] { return ready_ ? OkStatus() : UnavailableError("db down"); }, metrics_);
    AddKeyRoutes(router, store_, auth_, clock_);
    router.Add({.method = Method::kGet, .path = "/v1/test/slow"},
               [this](const HttpRequest&, const RequestContext&) -> Result<HttpResponse> {
                 entered_.set_value();
                 release_.get_future().wait();
                 return HttpResponse::Json(200, R"({"slow":true})");
               });
    router.Add({.method = Method::kGet, .path = "/v1/test/fail"},
               [](const HttpRequest&, const RequestContext&) -> Result<HttpResponse> {
                 return Err(InternalError("secret detail"));
               });
    router.Add({.method = Method::kGet, .path = "/v1/test/throw"},
               [](const HttpRequest&, const RequestContext&) -> Result<HttpResponse> {
                 throw std::runtime_error("boom");
               });
    server_ = std::make_unique<HttpServer>(options, std::move(router), auth_, metrics_, clock_);
    ASSERT_TRUE(server_->Bind().ok());
    serve_thread_ = std::thread([this] { (void)server_->Serve(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    admin_ = CreateApiKey(store_, "admin", "admin", "test", clock_)->plaintext;
    officer_ = CreateApiKey(store_, "officer", "officer", "test", clock_)->plaintext;
  }
  void TearDown() override {
    if (server_) server_->Stop();
    if (serve_thread_.joinable()) serve_thread_.join();
  }
  httplib::Headers Auth(const std::string& key) { return {{"Authorization", "Bearer " + key}}; }
  static json Body(const httplib::Result& r) { return json::parse(r->body); }

  const SystemClock& clock_ = SystemClock::Default();
  storage::MemoryApiKeyStore store_;
  ApiKeyAuthenticator auth_{store_, clock_};
  HttpMetrics metrics_;
  std::unique_ptr<HttpServer> server_;
  std::thread serve_thread_;
  std::unique_ptr<httplib::Client> client_;
  std::string admin_, officer_;
  bool ready_ = true;
  std::promise<void> entered_, release_;
};

TEST_F(HttpServerTest, HealthAndReadiness) {
  Start();
  auto r = client_->Get("/healthz");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(Body(r)["status"], "ok");
  EXPECT_EQ(client_->Get("/readyz")->status, 200);
  ready_ = false;
  r = client_->Get("/readyz");
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(Body(r)["error"]["code"], "unavailable");
}

TEST_F(HttpServerTest, Unauthenticated401) {
  Start();
  for (const httplib::Headers& h :
       {httplib::Headers{}, httplib::Headers{{"Authorization", "Basic dXNlcjpwYXNz"}},
        Auth("kyc_" + std::string(40, 'x'))}) {
    auto r = client_->Get("/v1/whoami", h);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401);
    EXPECT_EQ(Body(r)["error"]["code"], "unauthenticated");
    EXPECT_EQ(r->get_header_value("WWW-Authenticate"), "Bearer realm=\"kycloud\"");
  }
  auto r = client_->Get("/v1/whoami", Auth(officer_));
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(Body(r)["role"], "officer");
  EXPECT_EQ(client_->Get("/v1/openapi.json")->status, 200);  // public
}

TEST_F(HttpServerTest, WrongRole403) {
  Start();
  auto r = client_->Get("/v1/keys", Auth(officer_));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(Body(r)["error"]["code"], "permission_denied");
  EXPECT_EQ(client_->Get("/v1/keys", Auth(admin_))->status, 200);
}

TEST_F(HttpServerTest, NotFound404AndMethodNotAllowed405) {
  Start();
  auto r = client_->Get("/v1/nope", Auth(admin_));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(Body(r)["error"]["code"], "not_found");
  r = client_->Get("/v1/keys/kyc_missing", Auth(admin_));
  EXPECT_EQ(r->status, 404);
  EXPECT_NE(Body(r)["error"]["message"].get<std::string>().find("kyc_missing"), std::string::npos);
  r = client_->Put("/v1/keys", Auth(admin_), "{}", "application/json");
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(r->get_header_value("Allow"), "GET, POST");
}

TEST_F(HttpServerTest, MalformedAndTruncatedJson400) {
  Start();
  for (std::string body : {R"({"name": "a", "role": "offi)", R"({"name": )", "{", "not json",
                           "{\"name\": \"\xff\"}"}) {
    auto r = client_->Post("/v1/keys", Auth(admin_), body, "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << body;
    EXPECT_EQ(Body(r)["error"]["code"], "malformed_json") << body;
  }
  auto r = client_->Post("/v1/keys", Auth(admin_), "[]", "application/json");
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(Body(r)["error"]["code"], "bad_request");
  r = client_->Post("/v1/keys", Auth(admin_), std::string(10000, '['), "application/json");
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(store_.List()->size(), 2u);  // nothing created
}

TEST_F(HttpServerTest, Validation422NamesTheField) {
  Start();
  auto r = client_->Post("/v1/keys", Auth(admin_), R"({"role": "officer"})", "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422);
  EXPECT_EQ(Body(r)["error"]["field"], "/name");
  r = client_->Post("/v1/keys", Auth(admin_), R"({"name": "x", "role": "root"})",
                    "application/json");
  EXPECT_EQ(r->status, 422);
  EXPECT_EQ(Body(r)["error"]["field"], "/role");
  r = client_->Post("/v1/keys", Auth(admin_), R"({"name": "x", "role": "admin", "rol": 1})",
                    "application/json");
  EXPECT_EQ(r->status, 422);
  EXPECT_EQ(Body(r)["error"]["field"], "/rol");
  r = client_->Post("/v1/keys", Auth(admin_), R"({"name": 5, "role": "admin"})",
                    "application/json");
  EXPECT_EQ(r->status, 422);
  EXPECT_EQ(Body(r)["error"]["field"], "/name");
}

TEST_F(HttpServerTest, BodyOverLimit413) {
  Start({.max_body_bytes = 1024});
  std::string big = R"({"name": ")" + std::string(4096, 'a') + R"(", "role": "admin"})";
  auto r = client_->Post("/v1/keys", Auth(admin_), big, "application/json");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(Body(r)["error"]["code"], "payload_too_large");
  // Chunked transfer without a Content-Length is limited too.
  size_t sent = 0;
  r = client_->Post(
      "/v1/keys", Auth(admin_),
      [&](size_t, httplib::DataSink& sink) {
        if (sent < 8192) {
          std::string chunk(512, 'a');
          sink.write(chunk.data(), chunk.size());
          sent += chunk.size();
        } else {
          sink.done();
        }
        return true;
      },
      "application/json");
  // The server answers 413 and closes without reading the rest; a client still sending may see
  // the connection reset instead of the response. Either way the body was refused, not parsed
  // (which would give 400) or accepted (201).
  if (r) {
    EXPECT_EQ(r->status, 413);
  }
  EXPECT_EQ(store_.List()->size(), 2u);
}

TEST_F(HttpServerTest, NonJsonContentType415) {
  Start();
  auto r = client_->Post("/v1/keys", Auth(admin_), "name=x", "application/x-www-form-urlencoded");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 415);
  r = client_->Post("/v1/keys", Auth(admin_), R"({"name":"x","role":"auditor"})",
                    "application/json; charset=utf-8");
  EXPECT_EQ(r->status, 201);
}

TEST_F(HttpServerTest, ConcurrencyLimit429ButHealthStillAnswers) {
  Start({.threads = 4, .max_in_flight = 1});
  auto slow = std::async(std::launch::async, [&] {
    httplib::Client c("127.0.0.1", server_->port());
    return c.Get("/v1/test/slow", Auth(admin_));
  });
  entered_.get_future().wait();
  auto r = client_->Get("/v1/whoami", Auth(admin_));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(r->get_header_value("Retry-After"), "1");
  EXPECT_EQ(Body(r)["error"]["code"], "too_many_requests");
  EXPECT_EQ(client_->Get("/healthz")->status, 200);
  release_.set_value();
  EXPECT_EQ(slow.get()->status, 200);
  EXPECT_EQ(client_->Get("/v1/whoami", Auth(admin_))->status, 200);
  EXPECT_NE(
      client_->Get("/metrics")->body.find("kycloud_http_rejected_total{reason=\"concurrency\"} 1"),
      std::string::npos);
}

TEST_F(HttpServerTest, RateLimitPerKey429WithRetryAfter) {
  Start({.key_rate_per_second = 0.5, .key_burst = 3});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(client_->Get("/v1/whoami", Auth(admin_))->status, 200);
  auto r = client_->Get("/v1/whoami", Auth(admin_));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(r->get_header_value("Retry-After"), "2") << "one token comes back every 2 s";
  EXPECT_EQ(Body(r)["error"]["code"], "rate_limited");
  // Other keys have their own buckets; health checks and metrics are never limited.
  EXPECT_EQ(client_->Get("/v1/whoami", Auth(officer_))->status, 200);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(client_->Get("/healthz")->status, 200);
  EXPECT_NE(client_->Get("/metrics")->body.find("kycloud_http_rejected_total{reason=\"rate\"} 1"),
            std::string::npos);
}

TEST_F(HttpServerTest, AFullConnectionQueueSheds429AndCloses) {
  Start({.threads = 2,
         .max_in_flight = 1,
         .max_queued_connections = 1,
         .keep_alive_timeout_ms = 30000});
  // Two keep-alive connections hold both workers; a third waits in the queue.
  std::vector<std::unique_ptr<httplib::Client>> held;
  for (int i = 0; i < 2; ++i) {
    held.push_back(std::make_unique<httplib::Client>("127.0.0.1", server_->port()));
    held.back()->set_keep_alive(true);
    ASSERT_EQ(held.back()->Get("/healthz")->status, 200);
  }
  auto queued = std::async(std::launch::async, [&] {
    httplib::Client c("127.0.0.1", server_->port());
    return c.Get("/v1/whoami", Auth(admin_));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  // The next is answered at once, not left to wait.
  httplib::Client shed("127.0.0.1", server_->port());
  shed.set_keep_alive(true);
  const auto before = std::chrono::steady_clock::now();
  auto r = shed.Get("/v1/whoami", Auth(admin_));
  ASSERT_TRUE(r);
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(5));
  EXPECT_EQ(r->status, 429);
  EXPECT_EQ(r->get_header_value("Retry-After"), "1");
  EXPECT_EQ(r->get_header_value("Connection"), "close");
  EXPECT_EQ(Body(r)["error"]["code"], "overloaded");
  // Health checks still answer on the shedding lane.
  httplib::Client health("127.0.0.1", server_->port());
  EXPECT_EQ(health.Get("/healthz")->status, 200);
  // Once the held connections close, the queued one is served and so is a new one.
  for (auto& c : held) c->stop();
  held.clear();
  auto q = queued.get();
  ASSERT_TRUE(q);
  EXPECT_EQ(q->status, 200);
  httplib::Client later("127.0.0.1", server_->port());
  EXPECT_EQ(later.Get("/v1/whoami", Auth(admin_))->status, 200);
  EXPECT_NE(
      client_->Get("/metrics")->body.find("kycloud_http_rejected_total{reason=\"connections\"} 1"),
      std::string::npos);
}

TEST_F(HttpServerTest, ServesHttpsWithTheConfiguredCertificate) {
  const std::string dir =
      std::filesystem::temp_directory_path() / ("kycloud-tls-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  WriteSelfSignedCertificate(dir + "/cert.pem", dir + "/key.pem");
  ServerOptions options;
  options.tls_cert_file = dir + "/cert.pem";
  options.tls_key_file = dir + "/key.pem";
  Start(options);
  EXPECT_TRUE(server_->tls());
  httplib::SSLClient tls("127.0.0.1", server_->port());
  tls.set_ca_cert_path((dir + "/cert.pem").c_str());
  tls.enable_server_certificate_verification(true);
  auto r = tls.Get("/v1/whoami", Auth(admin_));
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(Body(r)["role"], "admin");
  // Plain HTTP to the TLS port gets no HTTP answer.
  httplib::Client plain("127.0.0.1", server_->port());
  plain.set_read_timeout(std::chrono::seconds(2));
  auto p = plain.Get("/healthz");
  EXPECT_TRUE(!p || p->status != 200);

  // A key that is not the certificate's, or a missing file: Bind() says which, nothing listens.
  WriteSelfSignedCertificate(dir + "/other.pem", dir + "/other-key.pem");
  for (auto [cert, key, words] :
       {std::tuple{"/cert.pem", "/other-key.pem", "does not belong"},
        std::tuple{"/missing.pem", "/key.pem", "cannot load the certificate chain"}}) {
    ServerOptions bad;
    bad.listen = "127.0.0.1:0";
    bad.tls_cert_file = dir + cert;
    bad.tls_key_file = dir + key;
    HttpServer s(bad, Router(), auth_, metrics_, clock_);
    Status st = s.Bind();
    EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st;
    EXPECT_EQ(st.field(), "server.tls_cert_file");
    EXPECT_NE(st.message().find(words), std::string_view::npos) << st;
  }
  std::filesystem::remove_all(dir);
}

TEST_F(HttpServerTest, InternalErrors500HideDetailsAndCatchExceptions) {
  Start();
  auto r = client_->Get("/v1/test/fail", Auth(admin_));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(r->body.find("secret detail"), std::string::npos);
  r = client_->Get("/v1/test/throw", Auth(admin_));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 500);
  EXPECT_EQ(Body(r)["error"]["code"], "internal");
  EXPECT_EQ(client_->Get("/healthz")->status, 200);  // still serving
}

TEST_F(HttpServerTest, GracefulStopLetsInFlightRequestFinish) {
  Start();
  auto slow = std::async(std::launch::async, [&] {
    httplib::Client c("127.0.0.1", server_->port());
    return c.Get("/v1/test/slow", Auth(admin_));
  });
  entered_.get_future().wait();
  auto stopped = std::async(std::launch::async, [&] { server_->Stop(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(stopped.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);
  release_.set_value();
  auto r = slow.get();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(json::parse(r->body)["slow"], true);
  stopped.get();
  serve_thread_.join();
  httplib::Client late("127.0.0.1", server_->port());
  late.set_connection_timeout(std::chrono::milliseconds(300));
  EXPECT_FALSE(late.Get("/healthz"));  // no longer listening
}

TEST_F(HttpServerTest, KeyLifecycle) {
  Start();
  auto r = client_->Post("/v1/keys", Auth(admin_), R"({"name":"billing","role":"integrator"})",
                         "application/json");
  ASSERT_EQ(r->status, 201);
  json created = Body(r);
  std::string key = created["key"], id = created["id"];
  EXPECT_EQ(r->get_header_value("Location"), "/v1/keys/" + id);
  EXPECT_EQ(Body(client_->Get("/v1/whoami", Auth(key)))["role"], "integrator");

  json list = Body(client_->Get("/v1/keys", Auth(admin_)));
  ASSERT_EQ(list["keys"].size(), 3u);
  EXPECT_EQ(list.dump().find(key), std::string::npos);  // secrets never listed
  EXPECT_EQ(Body(client_->Get("/v1/keys/" + id, Auth(admin_)))["name"], "billing");

  r = client_->Delete("/v1/keys/" + id, Auth(admin_));
  ASSERT_EQ(r->status, 200);
  EXPECT_FALSE(Body(r)["revoked_at"].is_null());
  EXPECT_EQ(client_->Get("/v1/whoami", Auth(key))->status, 401);
  EXPECT_EQ(client_->Delete("/v1/keys/" + id, Auth(admin_))->status, 409);

  // The last active admin key cannot be revoked.
  std::string admin_id = Body(client_->Get("/v1/whoami", Auth(admin_)))["key_id"];
  r = client_->Delete("/v1/keys/" + admin_id, Auth(admin_));
  EXPECT_EQ(r->status, 409);
  EXPECT_EQ(Body(r)["error"]["code"], "last_admin_key");
}

TEST_F(HttpServerTest, RequestIdEchoedAndMetricsCounted) {
  Start();
  auto r = client_->Get("/v1/whoami",
                        {{"Authorization", "Bearer " + admin_}, {"X-Request-Id", "abc-123"}});
  EXPECT_EQ(r->get_header_value("X-Request-Id"), "abc-123");
  r = client_->Get("/v1/whoami", {{"X-Request-Id", "bad id with spaces"}});
  EXPECT_NE(r->get_header_value("X-Request-Id"), "bad id with spaces");
  EXPECT_EQ(Body(r)["error"]["request_id"], r->get_header_value("X-Request-Id"));
  std::string m = client_->Get("/metrics")->body;
  EXPECT_NE(
      m.find("kycloud_http_requests_total{method=\"GET\",route=\"/v1/whoami\",code=\"200\"} 1"),
      std::string::npos)
      << m;
  EXPECT_NE(m.find("route=\"/v1/whoami\",code=\"401\"} 1"), std::string::npos);
}

TEST(ListenAddressTest, Parses) {
  EXPECT_EQ(*ParseListenAddress("127.0.0.1:8080"), std::make_pair(std::string("127.0.0.1"), 8080));
  EXPECT_EQ(*ParseListenAddress("[::1]:0"), std::make_pair(std::string("::1"), 0));
  for (auto bad : {"8080", ":8080", "host:", "host:99999", "host:8o8o", "[::1]8080"}) {
    auto r = ParseListenAddress(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().field(), "server.listen");
  }
}

}  // namespace
}  // namespace kycloud::server
