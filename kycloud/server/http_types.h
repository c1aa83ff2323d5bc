// HttpRequest and HttpResponse: kycloud's own view of an HTTP exchange, so that route handlers
// never see the HTTP library's types. Route handlers receive a parsed request (path parameters
// from the route template, query parameters, headers, body) and return a response or a Status.
//
// Thread-safety: value types.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kycloud::server {

enum class Method { kGet, kPost, kPut, kPatch, kDelete };
std::string_view MethodName(Method m);                  // "GET", ...
std::optional<Method> ParseMethod(std::string_view s);  // nullopt for others (HEAD, OPTIONS...)

struct HttpRequest {
  Method method = Method::kGet;
  std::string path;                                 // without the query string
  std::map<std::string, std::string> path_params;   // from "{name}" segments of the route
  std::multimap<std::string, std::string> query;    // decoded query parameters
  std::multimap<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string remote_addr;

  // First value of a header (name in lower case), or "".
  std::string_view Header(std::string_view name) const;
  // First value of a query parameter, or nullopt.
  std::optional<std::string_view> Query(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static HttpResponse Json(int status, std::string body) {
    return HttpResponse{status, "application/json", std::move(body), {}};
  }
  static HttpResponse Text(int status, std::string body, std::string content_type) {
    return HttpResponse{status, std::move(content_type), std::move(body), {}};
  }
};

// What the server knows about the caller of a request.
struct Principal {
  std::string key_id;
  std::string key_name;
  std::string role;
};

// A console sign-in session (server/session_auth.h), when the request came with one.
struct ConsoleSession {
  std::string token_hash;  // identifies the session in the store
  std::string csrf_token;  // what X-CSRF-Token must carry on changes
  std::string expires_at;  // RFC 3339
};

struct RequestContext {
  std::string request_id;
  std::optional<Principal> principal;              // set on authenticated routes
  std::optional<ConsoleSession> session;           // set when authenticated by a session cookie
  std::chrono::steady_clock::time_point deadline;  // long handlers should stop past this
};

}  // namespace kycloud::server
