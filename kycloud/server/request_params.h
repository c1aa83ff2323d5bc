// Small helpers shared by route handlers: who is calling, and bounded integer query parameters.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "kycloud/base/result.h"
#include "kycloud/server/http_types.h"

namespace kycloud::server {

// The caller's API key id, as recorded in audit entries and case events ("anonymous" on a
// public route).
std::string ActorOf(const RequestContext& ctx);

// Query parameter `name` as an integer from 0 to `max`, or `fallback` when absent.
// Errors: InvalidArgument naming the parameter.
Result<size_t> SizeQueryParam(const HttpRequest& req, std::string_view name, size_t fallback,
                              size_t max);

}  // namespace kycloud::server
