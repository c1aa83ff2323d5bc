// The OpenAPI 3 description of every route, kept in kycloud/server/openapi.json and compiled into
// the binary. A test checks that it lists exactly the routes the server registers, with the same
// access rules (x-kycloud-roles).
#pragma once

#include <string_view>

namespace kycloud::server {

std::string_view OpenApiDocument();

}  // namespace kycloud::server
