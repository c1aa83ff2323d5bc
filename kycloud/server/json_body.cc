#include "kycloud/server/json_body.h"

#include <fmt/format.h>

#include <algorithm>

namespace kycloud::server {

namespace {

// Rejects nesting deeper than kMaxJsonDepth before the (recursive) parser sees it.
Status CheckDepth(std::string_view body) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"')
      in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) {
        return InvalidArgumentError(
                   fmt::format("malformed JSON: nesting deeper than {} levels at byte {}",
                               kMaxJsonDepth, i))
            .WithReason("malformed_json");
      }
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return OkStatus();
}

std::string Pointer(std::string_view prefix, std::string_view key) {
  std::string out(prefix);
  out += '/';
  for (char c : key) {  // RFC 6901 escaping
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

}  // namespace

Result<nlohmann::json> ParseJson(std::string_view body) {
  KY_TRY(CheckDepth(body));
  try {
    return nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& e) {
    std::string what = e.what();
    // nlohmann's message: "[json.exception.parse_error.101] parse error at line 1, column 5: ..."
    auto pos = what.find("] ");
    if (pos != std::string::npos) what = what.substr(pos + 2);
    return Err(InvalidArgumentError(fmt::format("malformed JSON (byte {}): {}", e.byte, what))
                   .WithReason("malformed_json"));
  } catch (const nlohmann::json::exception& e) {  // e.g. out_of_range: a number too large
    std::string what = e.what();
    auto pos = what.find("] ");
    if (pos != std::string::npos) what = what.substr(pos + 2);
    return Err(InvalidArgumentError("malformed JSON: " + what).WithReason("malformed_json"));
  }
}

Result<nlohmann::json> ParseJsonObject(std::string_view body) {
  if (body.empty()) {
    return Err(InvalidArgumentError("request body is empty: a JSON object is required")
                   .WithReason("bad_request"));
  }
  KY_ASSIGN_OR_RETURN(nlohmann::json j, ParseJson(body));
  if (!j.is_object()) {
    return Err(InvalidArgumentError(
                   fmt::format("request body must be a JSON object, got {}", j.type_name()))
                   .WithReason("bad_request"));
  }
  return j;
}

Status CheckKnownFields(const nlohmann::json& obj, std::initializer_list<std::string_view> allowed,
                        std::string_view prefix) {
  for (const auto& [key, value] : obj.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return InvalidArgumentError(fmt::format("unknown field '{}'", key))
          .WithField(Pointer(prefix, key));
    }
  }
  return OkStatus();
}

Result<std::string> RequiredString(const nlohmann::json& obj, std::string_view key,
                                   std::string_view prefix) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) {
    return Err(
        InvalidArgumentError(fmt::format("'{}' is required", key)).WithField(Pointer(prefix, key)));
  }
  if (!it->is_string()) {
    return Err(
        InvalidArgumentError(fmt::format("'{}' must be a string, got {}", key, it->type_name()))
            .WithField(Pointer(prefix, key)));
  }
  return it->get<std::string>();
}

Result<std::optional<std::string>> OptionalString(const nlohmann::json& obj, std::string_view key,
                                                  std::string_view prefix) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string()) {
    return Err(
        InvalidArgumentError(fmt::format("'{}' must be a string, got {}", key, it->type_name()))
            .WithField(Pointer(prefix, key)));
  }
  return std::optional<std::string>(it->get<std::string>());
}

std::string DumpJson(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace kycloud::server
