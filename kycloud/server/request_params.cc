#include "kycloud/server/request_params.h"

#include <fmt/format.h>

#include <charconv>

namespace kycloud::server {

std::string ActorOf(const RequestContext& ctx) {
  return ctx.principal ? ctx.principal->key_id : "anonymous";
}

Result<size_t> SizeQueryParam(const HttpRequest& req, std::string_view name, size_t fallback,
                              size_t max) {
  auto v = req.Query(name);
  if (!v) return fallback;
  size_t out = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || p != v->data() + v->size() || out > max) {
    return Err(InvalidArgumentError(
                   fmt::format("query parameter '{}' must be an integer from 0 to {}", name, max))
                   .WithField(std::string(name)));
  }
  return out;
}

}  // namespace kycloud::server
