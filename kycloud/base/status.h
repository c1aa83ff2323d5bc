// Status: the outcome of an operation that can fail for reasons outside the program's control
// (bad input, a missing record, an unavailable database). Programmer errors use KY_CHECK instead.
//
// A Status carries a canonical code (the gRPC/Abseil set), a human message, and two optional
// machine-readable details: `field`, a JSON pointer naming the offending input field, and `reason`,
// a short snake_case token that refines the code for API clients (e.g. "malformed_json").
//
// Thread-safety: a Status is a value; distinct objects may be used from different threads.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <string_view>

namespace kycloud {

enum class StatusCode : int {
  kOk = 0,
  kCancelled = 1,
  kUnknown = 2,
  kInvalidArgument = 3,
  kDeadlineExceeded = 4,
  kNotFound = 5,
  kAlreadyExists = 6,
  kPermissionDenied = 7,
  kResourceExhausted = 8,
  kFailedPrecondition = 9,
  kAborted = 10,
  kOutOfRange = 11,
  kUnimplemented = 12,
  kInternal = 13,
  kUnavailable = 14,
  kDataLoss = 15,
  kUnauthenticated = 16,
};

// "ok", "invalid_argument", ... (snake_case, stable: used in API error bodies).
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message);

  Status(const Status& other);
  Status& operator=(const Status& other);
  Status(Status&&) noexcept = default;
  Status& operator=(Status&&) noexcept = default;

  bool ok() const { return rep_ == nullptr; }
  StatusCode code() const { return rep_ ? rep_->code : StatusCode::kOk; }
  // Empty for OK.
  std::string_view message() const;
  // JSON pointer of the input field at fault ("" when none), e.g. "/owners/0/name".
  std::string_view field() const;
  // Refinement of code() for API clients ("" when none).
  std::string_view reason() const;

  // Builders; they return a copy so that factories can be chained: NotFound("x").WithField("/id").
  Status WithField(std::string field) const&;
  Status WithField(std::string field) &&;
  Status WithReason(std::string reason) const&;
  Status WithReason(std::string reason) &&;
  // Prepends "context: " to the message.
  Status Annotate(std::string_view context) const;

  // "invalid_argument: message [field=/x] [reason=y]" or "ok".
  std::string ToString() const;

  friend bool operator==(const Status& a, const Status& b);

 private:
  struct Rep {
    StatusCode code;
    std::string message;
    std::string field;
    std::string reason;
  };
  std::unique_ptr<Rep> rep_;
};

std::ostream& operator<<(std::ostream& os, const Status& status);

inline Status OkStatus() { return Status(); }
Status InvalidArgumentError(std::string message);
Status NotFoundError(std::string message);
Status AlreadyExistsError(std::string message);
Status PermissionDeniedError(std::string message);
Status UnauthenticatedError(std::string message);
Status ResourceExhaustedError(std::string message);
Status FailedPreconditionError(std::string message);
Status AbortedError(std::string message);
Status OutOfRangeError(std::string message);
Status UnimplementedError(std::string message);
Status InternalError(std::string message);
Status UnavailableError(std::string message);
Status DataLossError(std::string message);
Status DeadlineExceededError(std::string message);

}  // namespace kycloud

// Returns early from the enclosing function if `expr` (a Status) is not OK.
#define KY_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::kycloud::Status ky_status_ = (expr);   \
    if (!ky_status_.ok()) return ky_status_; \
  } while (0)
