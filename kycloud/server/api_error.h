// The API's error contract: every non-2xx response carries
//   {"error": {"code": "...", "message": "...", "field": "/json/pointer"?, "request_id": "..."}}
// with an HTTP status derived from the Status code:
//   InvalidArgument     422 (400 when reason is "malformed_json" or "bad_request")
//   OutOfRange          422
//   ResourceExhausted   413 when reason is "batch_too_large" or "payload_too_large"
//   Unauthenticated     401        PermissionDenied   403        NotFound   404
//   AlreadyExists, FailedPrecondition, Aborted        409
//   ResourceExhausted   429        Unimplemented      501        Unavailable 503
//   DeadlineExceeded    504        anything else      500 (message replaced by "internal error";
//                                                         the detail goes to the log only)
// "code" is the Status reason when set, else a fixed name for the HTTP status.
#pragma once

#include <string>
#include <string_view>

#include "kycloud/base/status.h"
#include "kycloud/server/http_types.h"

namespace kycloud::server {

int HttpStatusFor(const Status& status);

// The error response for a non-OK status.
HttpResponse ErrorResponse(const Status& status, std::string_view request_id);

// An error response for a status the HTTP layer itself decides (404 route, 405, 413, 415...).
HttpResponse ErrorResponse(int http_status, std::string_view code, std::string_view message,
                           std::string_view request_id);

}  // namespace kycloud::server
