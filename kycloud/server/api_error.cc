#include "kycloud/server/api_error.h"

#include <nlohmann/json.hpp>

namespace kycloud::server {

namespace {

std::string_view DefaultCode(int http_status) {
  switch (http_status) {
    case 400:
      return "bad_request";
    case 401:
      return "unauthenticated";
    case 403:
      return "permission_denied";
    case 404:
      return "not_found";
    case 405:
      return "method_not_allowed";
    case 409:
      return "conflict";
    case 413:
      return "payload_too_large";
    case 415:
      return "unsupported_media_type";
    case 422:
      return "validation_failed";
    case 429:
      return "too_many_requests";
    case 501:
      return "not_implemented";
    case 503:
      return "unavailable";
    case 504:
      return "deadline_exceeded";
    default:
      return http_status >= 500 ? "internal" : "error";
  }
}

}  // namespace

int HttpStatusFor(const Status& s) {
  switch (s.code()) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return (s.reason() == "malformed_json" || s.reason() == "bad_request") ? 400 : 422;
    case StatusCode::kOutOfRange:
      return 422;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
    case StatusCode::kAborted:
      return 409;
    case StatusCode::kResourceExhausted:
      return (s.reason() == "batch_too_large" || s.reason() == "payload_too_large") ? 413 : 429;
    case StatusCode::kUnimplemented:
      return 501;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kDeadlineExceeded:
      return 504;
    default:
      return 500;
  }
}

namespace {

HttpResponse BuildError(int http_status, std::string_view code, std::string_view message,
                        std::string_view field, std::string_view request_id) {
  nlohmann::json err = {{"code", code.empty() ? DefaultCode(http_status) : code},
                        {"message", message}};
  if (!field.empty()) err["field"] = field;
  if (!request_id.empty()) err["request_id"] = request_id;
  nlohmann::json body = {{"error", std::move(err)}};
  return HttpResponse::Json(http_status,
                            body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace

HttpResponse ErrorResponse(int http_status, std::string_view code, std::string_view message,
                           std::string_view request_id) {
  return BuildError(http_status, code, message, "", request_id);
}

HttpResponse ErrorResponse(const Status& s, std::string_view request_id) {
  int http = HttpStatusFor(s);
  std::string_view code = s.reason().empty() ? DefaultCode(http) : s.reason();
  std::string_view message = http == 500 ? "internal error" : s.message();
  return BuildError(http, code, message, s.field(), request_id);
}

}  // namespace kycloud::server
