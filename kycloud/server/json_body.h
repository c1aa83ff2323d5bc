// Parsing and checking JSON request bodies, with errors that name the problem:
//   malformed JSON        -> InvalidArgument, reason "malformed_json" (HTTP 400), with the byte
//   not an object         -> InvalidArgument, reason "bad_request" (HTTP 400)
//   nesting deeper than 64 -> InvalidArgument, reason "malformed_json" (HTTP 400)
//   a field missing or of the wrong type -> InvalidArgument with the field's JSON pointer (422)
//   an unknown field      -> InvalidArgument naming it (422): typos must not pass silently
//
// Thread-safety: pure functions.
#pragma once

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "kycloud/base/result.h"

namespace kycloud::server {

inline constexpr int kMaxJsonDepth = 64;

// Parses `body` as one JSON value. Errors as above.
Result<nlohmann::json> ParseJson(std::string_view body);
// Parses `body` and requires a JSON object.
Result<nlohmann::json> ParseJsonObject(std::string_view body);

// Fails if `obj` has a member not in `allowed`.
Status CheckKnownFields(const nlohmann::json& obj, std::initializer_list<std::string_view> allowed,
                        std::string_view pointer_prefix = "");
// A required string member. Errors: missing, not a string.
Result<std::string> RequiredString(const nlohmann::json& obj, std::string_view key,
                                   std::string_view pointer_prefix = "");
// An optional string member: nullopt when absent or null.
Result<std::optional<std::string>> OptionalString(const nlohmann::json& obj, std::string_view key,
                                                  std::string_view pointer_prefix = "");

// Serialises for a response body (invalid UTF-8 replaced, never throws).
std::string DumpJson(const nlohmann::json& value);

}  // namespace kycloud::server
