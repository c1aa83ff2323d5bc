// Result<T>: either a value of T or a non-OK Status. It is tl::expected<T, Status> (Debian's
// libexpected-dev), so it offers value(), error(), has_value(), and_then(), map() and friends.
//
//   Result<int> Parse(std::string_view s) {
//     if (s.empty()) return Err(InvalidArgumentError("empty"));
//     return 42;
//   }
//   KY_ASSIGN_OR_RETURN(int n, Parse(s));   // in a function returning Status or Result<U>
//
// Thread-safety: a value type.
#pragma once

#include <tl/expected.hpp>

#include "kycloud/base/check.h"
#include "kycloud/base/status.h"

namespace kycloud {

template <typename T>
using Result = tl::expected<T, Status>;

// Wraps a non-OK Status so that it converts to any Result<T>.
inline tl::unexpected<Status> Err(Status status) {
  KY_CHECK(!status.ok()) << "Err() needs a non-OK status";
  return tl::unexpected<Status>(std::move(status));
}

// The Status of a Result: OK if it holds a value.
template <typename T>
Status StatusOf(const Result<T>& r) {
  return r.has_value() ? OkStatus() : r.error();
}

namespace result_internal {
inline Status ToStatus(Status s) { return s; }
template <typename T>
Status ToStatus(const Result<T>& r) {
  return StatusOf(r);
}
// Used by KY_ASSIGN_OR_RETURN so it works in functions returning Status or Result<U>.
struct ErrorReturn {
  Status status;
  operator Status() && { return std::move(status); }  // NOLINT: implicit on purpose
  template <typename U>
  operator Result<U>() && {  // NOLINT
    return tl::unexpected<Status>(std::move(status));
  }
};
}  // namespace result_internal

}  // namespace kycloud

#define KY_CONCAT_INNER_(a, b) a##b
#define KY_CONCAT_(a, b) KY_CONCAT_INNER_(a, b)

// KY_ASSIGN_OR_RETURN(decl, expr): evaluates expr (a Result<T>); on error returns it from the
// enclosing function (which returns Status or any Result<U>), else move-assigns the value to decl.
#define KY_ASSIGN_OR_RETURN(lhs, expr) \
  KY_ASSIGN_OR_RETURN_IMPL_(KY_CONCAT_(ky_result_, __LINE__), lhs, expr)
#define KY_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr)                                               \
  auto tmp = (expr);                                                                            \
  if (!tmp.has_value()) return ::kycloud::result_internal::ErrorReturn{std::move(tmp).error()}; \
  lhs = std::move(tmp).value()

// KY_RETURN_IF_ERROR_R(expr): like KY_RETURN_IF_ERROR, usable in functions returning Result<U>.
#define KY_TRY(expr)                                                                 \
  do {                                                                               \
    ::kycloud::Status ky_try_status_ = ::kycloud::result_internal::ToStatus((expr)); \
    if (!ky_try_status_.ok())                                                        \
      return ::kycloud::result_internal::ErrorReturn{std::move(ky_try_status_)};     \
  } while (0)
