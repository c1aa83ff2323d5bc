// HttpServer: kycloud's HTTP front door over cpp-httplib. It owns the listening socket and worker
// threads and applies, to every request, in order: request id (X-Request-Id, echoed or made up),
// routing (404 / 405 with Allow), the concurrency limit (429 + Retry-After), API-key
// authentication (401 + WWW-Authenticate) and role check (403), the body checks (413 over
// max_body_bytes, 415 for a non-JSON content type), the handler, the JSON error format for any
// failure (500 never leaks details; exceptions are caught here), metrics and the access log.
// With ServerOptions::web_root set, GET requests for files under it (the console's built files)
// are answered from the directory first ("/" serves index.html), with the console's security
// headers (a strict Content-Security-Policy, no framing, no referrer).
//
// Lifecycle: construct, Bind(), then Serve() on one thread; Stop() from any thread makes Serve()
// return after in-flight requests finish (graceful shutdown).
//
// Thread-safety: Stop() and port() are safe from any thread.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "kycloud/base/clock.h"
#include "kycloud/base/result.h"
#include "kycloud/server/api_key_auth.h"
#include "kycloud/server/metrics.h"
#include "kycloud/server/rate_limiter.h"
#include "kycloud/server/router.h"
#include "kycloud/server/server_options.h"
#include "kycloud/server/session_auth.h"

namespace httplib {
struct Request;
struct Response;
}  // namespace httplib

namespace kycloud::server {

class HttpServer {
 public:
  // `authenticator`, `metrics`, `clock` and `sessions` (may be null: no console sign-in) must
  // outlive the server. A request without an Authorization header but with a session cookie is
  // authenticated by `sessions`; on every method but GET it must then carry the session's CSRF
  // token in X-CSRF-Token (403 with reason "csrf" otherwise).
  HttpServer(ServerOptions options, Router router, ApiKeyAuthenticator& authenticator,
             HttpMetrics& metrics, const Clock& clock, SessionAuthenticator* sessions = nullptr);
  ~HttpServer();

  // Binds options.listen. Errors: InvalidArgument for a malformed address; Unavailable when the
  // address cannot be bound (in use, not permitted).
  Status Bind();
  // The bound port (after Bind()).
  int port() const { return port_; }
  // Accepts connections until Stop(). Precondition: Bind() succeeded.
  Status Serve();
  // Stops accepting, lets in-flight requests finish and waits until Serve() has returned.
  // Must not be called from a request handler.
  void Stop();

  const Router& router() const { return router_; }
  // Whether the server speaks HTTPS (options.tls_cert_file is set).
  bool tls() const { return !options_.tls_cert_file.empty(); }

 private:
  struct Impl;
  void Dispatch(const httplib::Request& req, httplib::Response& res, std::string body);
  ServerOptions options_;
  Router router_;
  ApiKeyAuthenticator& auth_;
  SessionAuthenticator* sessions_;
  const Clock& clock_;
  HttpMetrics& metrics_;
  RateLimiter limiter_;
  std::atomic<int> limited_in_flight_{0};
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> serving_{false};
  int port_ = 0;
  std::string host_;
  std::unique_ptr<Impl> impl_;
};

// Splits "HOST:PORT" / "[V6]:PORT". Errors: InvalidArgument naming the problem.
Result<std::pair<std::string, int>> ParseListenAddress(std::string_view listen);

}  // namespace kycloud::server
