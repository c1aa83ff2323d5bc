#include "kycloud/server/http_server.h"

#include <httplib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>

#include <exception>
#include <thread>

#include "kycloud/base/log.h"
#include "kycloud/base/random.h"
#include "kycloud/server/api_error.h"
#include "kycloud/server/connection_queue.h"

namespace kycloud::server {

namespace {

bool IsSafeRequestId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) {
      return false;
    }
  }
  return true;
}

bool IsJsonContentType(std::string_view ct) {
  auto semi = ct.find(';');
  std::string_view base = ct.substr(0, semi);
  while (!base.empty() && base.back() == ' ') base.remove_suffix(1);
  std::string lower(base);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower == "application/json" ||
         (lower.starts_with("application/") && lower.ends_with("+json"));
}

// Headers of the console's files: scripts and styles only from this origin, no framing, no
// referrer leaving the console (customer ids are in its URLs).
std::vector<std::pair<std::string, std::string>> ConsoleSecurityHeaders() {
  return {{"Content-Security-Policy",
           "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
           "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
           "form-action 'self'"},
          {"X-Content-Type-Options", "nosniff"},
          {"X-Frame-Options", "DENY"},
          {"Referrer-Policy", "no-referrer"}};
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

struct HttpServer::Impl {
  std::unique_ptr<httplib::Server> svr;
  std::string tls_error;  // why the TLS context could not be made ("" when fine or not TLS)
};

namespace {

std::string OpenSslErrors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    out += (out.empty() ? "" : "; ") + std::string(buf);
  }
  return out.empty() ? "unknown OpenSSL error" : out;
}

// A TLS server (1.2 or later) with the certificate chain and key of `options`; `error` says why
// it could not be made.
std::unique_ptr<httplib::Server> MakeTlsServer(const ServerOptions& options, std::string& error) {
  auto svr = std::make_unique<httplib::SSLServer>([&](SSL_CTX& ctx) {
    SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
    if (SSL_CTX_use_certificate_chain_file(&ctx, options.tls_cert_file.c_str()) != 1) {
      error = fmt::format("cannot load the certificate chain {}: {}", options.tls_cert_file,
                          OpenSslErrors());
      return false;
    }
    if (SSL_CTX_use_PrivateKey_file(&ctx, options.tls_key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
      const bool mismatch = ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH;
      const std::string why = OpenSslErrors();
      error = mismatch
                  ? fmt::format("the private key {} does not belong to the certificate {}",
                                options.tls_key_file, options.tls_cert_file)
                  : fmt::format("cannot load the private key {}: {}", options.tls_key_file, why);
      return false;
    }
    if (SSL_CTX_check_private_key(&ctx) != 1) {
      error = fmt::format("the private key {} does not belong to the certificate {}",
                          options.tls_key_file, options.tls_cert_file);
      return false;
    }
    return true;
  });
  if (!svr->is_valid() && error.empty()) error = "cannot make the TLS context: " + OpenSslErrors();
  return svr;
}

}  // namespace

Result<std::pair<std::string, int>> ParseListenAddress(std::string_view listen) {
  auto bad = [&](std::string_view why) {
    return Err(InvalidArgumentError(fmt::format("bad listen address '{}': {}", listen, why))
                   .WithField("server.listen"));
  };
  std::string host;
  std::string_view port_text;
  if (listen.starts_with("[")) {
    auto close = listen.find("]:");
    if (close == std::string_view::npos) return bad("expected [IPv6]:PORT");
    host = std::string(listen.substr(1, close - 1));
    port_text = listen.substr(close + 2);
  } else {
    auto colon = listen.rfind(':');
    if (colon == std::string_view::npos || colon == 0) return bad("expected HOST:PORT");
    host = std::string(listen.substr(0, colon));
    port_text = listen.substr(colon + 1);
  }
  if (port_text.empty() || port_text.size() > 5) return bad("port must be 0 to 65535");
  int port = 0;
  for (char c : port_text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return bad("port must be a number");
    port = port * 10 + (c - '0');
  }
  if (port > 65535) return bad("port must be 0 to 65535");
  return std::make_pair(host, port);
}

HttpServer::HttpServer(ServerOptions options, Router router, ApiKeyAuthenticator& authenticator,
                       HttpMetrics& metrics, const Clock& clock, SessionAuthenticator* sessions)
    : options_(std::move(options)),
      router_(std::move(router)),
      auth_(authenticator),
      sessions_(sessions),
      clock_(clock),
      metrics_(metrics),
      limiter_({options_.key_rate_per_second, options_.key_burst}, clock),
      impl_(std::make_unique<Impl>()) {
  for (const Route& r : router_.routes()) metrics_.AddRoute(MethodName(r.spec.method), r.spec.path);
  if (tls()) {
    impl_->svr = MakeTlsServer(options_, impl_->tls_error);
  } else {
    impl_->svr = std::make_unique<httplib::Server>();
  }
  auto& svr = *impl_->svr;
  int threads = std::max(2, options_.threads);
  const size_t queued = static_cast<size_t>(std::max(1, options_.max_queued_connections));
  svr.new_task_queue = [threads, queued] { return new ConnectionQueue(threads, queued); };
  svr.set_payload_max_length(options_.max_body_bytes);
  // httplib's default also sets SO_REUSEPORT, which lets a second server bind the same port and
  // silently share its traffic; kycloud wants "address in use" instead.
  svr.set_socket_options([](int sock) {
    int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    // Inherited by accepted sockets: small responses go out at once instead of waiting for
    // the client's delayed ACK (a 40 ms stall per keep-alive request otherwise).
    ::setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
  });
  svr.set_read_timeout(std::chrono::milliseconds(options_.read_timeout_ms));
  svr.set_write_timeout(std::chrono::milliseconds(options_.write_timeout_ms));
  svr.set_keep_alive_timeout(std::max(1, options_.keep_alive_timeout_ms / 1000));

  // Bodies are read through a content reader so that the size limit holds for every transfer
  // encoding (httplib alone bounds only bodies with a Content-Length).
  auto dispatch_with_body = [this](const httplib::Request& req, httplib::Response& res,
                                   const httplib::ContentReader& reader) {
    std::string body;
    bool too_large = false;
    bool complete = reader([&](const char* data, size_t n) {
      if (body.size() + n > options_.max_body_bytes) {
        too_large = true;
        return false;
      }
      body.append(data, n);
      return true;
    });
    if (res.status == 413) too_large = true;  // Content-Length over the limit, seen by httplib
    if (too_large || !complete) {
      HttpResponse out = too_large ? ErrorResponse(413, "", "request body too large", "")
                                   : ErrorResponse(400, "", "request body incomplete", "");
      res.status = out.status;
      res.set_header("Connection", "close");
      res.set_content(out.body, out.content_type);
      metrics_.Record(req.method, "unmatched", out.status, 0);
      return;
    }
    Dispatch(req, res, std::move(body));
  };
  if (!options_.web_root.empty()) {
    // httplib answers GETs for existing files under the mount point before any handler (and
    // refuses paths that climb out of it); everything else falls through to the router.
    if (!svr.set_mount_point("/", options_.web_root)) {
      KY_LOG_WARN("console: '{}' is not a directory; the console is not served", options_.web_root);
    }
    svr.set_file_request_handler([](const httplib::Request& req, httplib::Response& res) {
      for (const auto& [name, value] : ConsoleSecurityHeaders()) res.set_header(name, value);
      // Vite names built assets by their content hash: they never change under one name.
      res.set_header("Cache-Control", req.path.starts_with("/assets/")
                                          ? "public, max-age=31536000, immutable"
                                          : "no-cache");
    });
  }
  svr.Get(".*", [this](const httplib::Request& req, httplib::Response& res) {
    Dispatch(req, res, std::string());
  });
  svr.Post(".*", dispatch_with_body);
  svr.Put(".*", dispatch_with_body);
  svr.Patch(".*", dispatch_with_body);
  svr.Delete(".*", dispatch_with_body);

  // Errors httplib produces itself (body over the limit, unparsable request line, unsupported
  // method) get the same JSON shape.
  svr.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        std::string message;
        switch (res.status) {
          case 413:
            message = "request body too large";
            break;
          case 400:
            message = "malformed HTTP request";
            break;
          case 404:
            message = fmt::format("no route for {} {}", req.method, req.path);
            break;
          default:
            message = fmt::format("HTTP error {}", res.status);
        }
        HttpResponse out = ErrorResponse(res.status, "", message, "");
        res.set_content(out.body, out.content_type);
        return httplib::Server::HandlerResponse::Handled;
      }));
  svr.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        HttpResponse out = ErrorResponse(500, "", "internal error", "");
        res.status = 500;
        res.set_content(out.body, out.content_type);
      });
}

void HttpServer::Dispatch(const httplib::Request& req, httplib::Response& res, std::string body) {
  auto start = clock_.Monotonic();
  metrics_.in_flight().fetch_add(1, std::memory_order_relaxed);
  std::string request_id(req.get_header_value("X-Request-Id"));
  if (!IsSafeRequestId(request_id)) request_id = RandomAlphanumeric(16);

  HttpRequest in;
  in.method = ParseMethod(req.method).value_or(Method::kGet);
  in.path = req.path;
  for (const auto& [k, v] : req.params) in.query.emplace(k, v);
  for (const auto& [k, v] : req.headers) in.headers.emplace(Lower(k), v);
  in.body = std::move(body);
  in.remote_addr = req.remote_addr;

  RequestContext ctx;
  ctx.request_id = request_id;
  ctx.deadline = start + std::chrono::milliseconds(options_.request_timeout_ms);

  std::string route_label = "unmatched";
  HttpResponse out;
  bool counted = false;
  Router::Match match = router_.Find(in.method, in.path);
  if (match.route == nullptr) {
    if (!match.allowed.empty()) {
      out = ErrorResponse(405, "", fmt::format("{} is not allowed on {}", req.method, in.path),
                          request_id);
      std::string allow;
      for (Method m : match.allowed)
        allow += (allow.empty() ? "" : ", ") + std::string(MethodName(m));
      out.headers.emplace_back("Allow", allow);
    } else {
      out = ErrorResponse(404, "", fmt::format("no route for {} {}", req.method, in.path),
                          request_id);
    }
  } else {
    const Route& route = *match.route;
    route_label = route.spec.path;
    in.path_params = std::move(match.params);
    [&] {
      if (ConnectionQueue::Shedding()) {
        // Every worker is busy and the wait is full: answer at once and close the connection.
        out.headers.emplace_back("Connection", "close");
        if (route.spec.limited) {
          metrics_.Rejected("connections");
          out = ErrorResponse(ResourceExhaustedError("server busy: every worker is taken and the "
                                                     "queue is full, retry later")
                                  .WithReason("overloaded"),
                              request_id);
          out.headers.emplace_back("Retry-After", "1");
          out.headers.emplace_back("Connection", "close");
          return;
        }
      }
      if (route.spec.limited) {
        counted = true;
        if (limited_in_flight_.fetch_add(1) >= options_.max_in_flight) {
          metrics_.Rejected("concurrency");
          out = ErrorResponse(
              ResourceExhaustedError("server busy: too many requests in flight, retry later"),
              request_id);
          out.headers.emplace_back("Retry-After", "1");
          return;
        }
      }
      if (route.spec.authenticated) {
        Result<Principal> principal = Err(UnauthenticatedError(""));
        std::string_view cookie = in.Header("cookie");
        // A Bearer key wins over a cookie; another scheme (a proxy's Basic) leaves it to the
        // cookie.
        std::string authz = Lower(in.Header("authorization").substr(0, 7));
        if (authz != "bearer " && sessions_ != nullptr && !SessionCookieValue(cookie).empty()) {
          auto session = sessions_->Authenticate(cookie);
          if (!session.has_value()) {
            principal = Err(session.error());
          } else {
            // SameSite=Strict keeps the cookie off other sites' requests; the token is the
            // second lock (older browsers, same-site subdomains).
            if (in.method != Method::kGet &&
                !SecretsEqual(in.Header("x-csrf-token"), session->second.csrf_token)) {
              out = ErrorResponse(
                  PermissionDeniedError("missing or wrong X-CSRF-Token: send the csrf_token of "
                                        "the session (GET /v1/sessions/current)")
                      .WithReason("csrf"),
                  request_id);
              return;
            }
            principal = std::move(session->first);
            ctx.session = std::move(session->second);
          }
        } else {
          principal = auth_.Authenticate(in.Header("authorization"));
        }
        if (!principal.has_value()) {
          out = ErrorResponse(principal.error(), request_id);
          if (out.status == 401)
            out.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"kycloud\"");
          return;
        }
        const auto& roles = route.spec.roles;
        if (!roles.empty() &&
            std::find(roles.begin(), roles.end(), principal->role) == roles.end()) {
          out = ErrorResponse(
              PermissionDeniedError(fmt::format("role '{}' may not call {} {}", principal->role,
                                                MethodName(route.spec.method), route.spec.path)),
              request_id);
          return;
        }
        if (route.spec.limited) {
          const RateLimiter::Decision d = limiter_.Take(principal->key_id);
          if (!d.allowed) {
            metrics_.Rejected("rate");
            out = ErrorResponse(
                ResourceExhaustedError(
                    fmt::format("rate limit: API key {} may make {:g} requests per second ({:g} "
                                "at once); retry in {} s",
                                principal->key_id, options_.key_rate_per_second, options_.key_burst,
                                d.retry_after.count()))
                    .WithReason("rate_limited"),
                request_id);
            out.headers.emplace_back("Retry-After", std::to_string(d.retry_after.count()));
            return;
          }
        }
        ctx.principal = std::move(*principal);
      }
      if (!in.body.empty() && !in.Header("content-type").empty() &&
          !IsJsonContentType(in.Header("content-type"))) {
        out = ErrorResponse(415, "", "request body must be application/json", request_id);
        return;
      }
      try {
        Result<HttpResponse> r = route.handler(in, ctx);
        out = r.has_value() ? std::move(*r) : ErrorResponse(r.error(), request_id);
        if (!r.has_value() && out.status >= 500) {
          KY_LOG_ERROR("request {} {} {} failed: {}", request_id, req.method, in.path,
                       r.error().ToString());
        }
      } catch (const std::exception& e) {
        KY_LOG_ERROR("request {} {} {} threw: {}", request_id, req.method, in.path, e.what());
        out = ErrorResponse(InternalError(e.what()), request_id);
      }
    }();
  }
  if (counted) limited_in_flight_.fetch_sub(1);

  res.status = out.status;
  for (auto& [k, v] : out.headers) res.set_header(k, v);
  res.set_header("X-Request-Id", request_id);
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Cache-Control", "no-store");
  // API answers are data, never a page: even an HTML report (reports' format=html) runs no
  // script and cannot reach the console's origin.
  res.set_header("Content-Security-Policy",
                 "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                 "frame-ancestors 'none'; sandbox");
  res.set_content(std::move(out.body), out.content_type);

  double secs = std::chrono::duration<double>(clock_.Monotonic() - start).count();
  metrics_.Record(req.method, route_label, out.status, secs);
  metrics_.in_flight().fetch_sub(1, std::memory_order_relaxed);
  if (options_.access_log) {
    KY_LOG_EVENT(kInfo, "request",
                 {{"request_id", request_id},
                  {"method", req.method},
                  {"route", route_label},
                  {"status", std::to_string(out.status)},
                  {"ms", fmt::format("{:.3f}", secs * 1000)},
                  {"key_id", ctx.principal ? ctx.principal->key_id : ""}});
  }
}

HttpServer::~HttpServer() { Stop(); }

Status HttpServer::Bind() {
  KY_ASSIGN_OR_RETURN(auto addr, ParseListenAddress(options_.listen));
  host_ = addr.first;
  if (!impl_->tls_error.empty()) {
    return InvalidArgumentError(impl_->tls_error).WithField("server.tls_cert_file");
  }
  auto& svr = *impl_->svr;
  if (addr.second == 0) {
    int port = svr.bind_to_any_port(host_);
    if (port <= 0) return UnavailableError(fmt::format("cannot listen on {}", options_.listen));
    port_ = port;
  } else {
    if (!svr.bind_to_port(host_, addr.second)) {
      return UnavailableError(
          fmt::format("cannot listen on {}: address in use or not permitted", options_.listen));
    }
    port_ = addr.second;
  }
  return OkStatus();
}

Status HttpServer::Serve() {
  serving_ = true;
  bool ok = stop_requested_ || impl_->svr->listen_after_bind();
  serving_ = false;
  if (!ok)
    return UnavailableError(fmt::format("server on {} stopped with an error", options_.listen));
  return OkStatus();
}

void HttpServer::Stop() {
  stop_requested_ = true;
  // Serve() may not have started listening yet: keep asking until it has returned.
  while (serving_.load()) {
    impl_->svr->stop();
    if (!serving_.load()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace kycloud::server
