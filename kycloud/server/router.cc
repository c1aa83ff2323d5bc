#include "kycloud/server/router.h"

#include <algorithm>

#include "kycloud/base/check.h"

namespace kycloud::server {

namespace {

std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 1;  // paths start with '/'
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool IsParam(std::string_view seg) {
  return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}

}  // namespace

void Router::Add(RouteSpec spec, Handler handler) {
  KY_CHECK(spec.path.starts_with("/")) << spec.path;
  for (const Route& r : routes_) {
    KY_CHECK(!(r.spec.method == spec.method && r.spec.path == spec.path))
        << "duplicate route " << spec.path;
  }
  Route route{std::move(spec), std::move(handler), {}};
  for (std::string_view s : Split(route.spec.path)) route.segments.emplace_back(s);
  routes_.push_back(std::move(route));
}

Router::Match Router::Find(Method method, std::string_view path) const {
  Match best;
  if (path.empty() || path.front() != '/') return best;
  std::vector<std::string_view> parts = Split(path);
  for (const Route& r : routes_) {
    if (r.segments.size() != parts.size()) continue;
    std::map<std::string, std::string> params;
    bool ok = true;
    for (size_t i = 0; i < parts.size() && ok; ++i) {
      const std::string& seg = r.segments[i];
      if (IsParam(seg)) {
        if (parts[i].empty())
          ok = false;
        else
          params.emplace(seg.substr(1, seg.size() - 2), std::string(parts[i]));
      } else {
        ok = seg == parts[i];
      }
    }
    if (!ok) continue;
    if (r.spec.method != method) {
      best.allowed.push_back(r.spec.method);
      continue;
    }
    // Literal segments win over parameters: prefer the route with fewer parameters.
    if (best.route == nullptr || params.size() < best.params.size()) {
      best.route = &r;
      best.params = std::move(params);
    }
  }
  if (best.route) best.allowed.clear();
  std::sort(best.allowed.begin(), best.allowed.end());
  return best;
}

}  // namespace kycloud::server
