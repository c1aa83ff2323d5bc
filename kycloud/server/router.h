// Router: the table of API routes. A route has a method, a path template in OpenAPI syntax
// ("/v1/keys/{id}": a "{name}" segment matches one non-empty path segment and becomes a path
// parameter), its access rule (public, or the roles allowed), whether it counts towards the
// server's concurrency limit, and a handler. The same templates appear in the OpenAPI document,
// which a test keeps in step with this table.
//
// Thread-safety: build the router before serving; Match() is then safe from many threads.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "kycloud/base/result.h"
#include "kycloud/server/http_types.h"

namespace kycloud::server {

using Handler = std::function<Result<HttpResponse>(const HttpRequest&, const RequestContext&)>;

struct RouteSpec {
  Method method = Method::kGet;
  std::string path;                // template, e.g. "/v1/keys/{id}"
  bool authenticated = true;       // false: no API key needed (health, metrics, openapi)
  std::vector<std::string> roles;  // roles allowed; empty = any authenticated caller
  bool limited = true;             // counts towards ServerOptions::max_in_flight
};

struct Route {
  RouteSpec spec;
  Handler handler;
  std::vector<std::string> segments;  // template split on '/'
};

class Router {
 public:
  // Precondition: no route with the same method and template exists (checked).
  void Add(RouteSpec spec, Handler handler);

  struct Match {
    const Route* route = nullptr;  // null when nothing matched
    std::map<std::string, std::string> params;
    std::vector<Method> allowed;  // when the path matched but the method did not
  };
  Match Find(Method method, std::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace kycloud::server
