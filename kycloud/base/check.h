// KY_CHECK: assertions for programmer errors only (broken invariants, misuse of an API). Never
// for input: bad input is reported with a Status. A failed check logs file:line and the message
// to stderr and aborts, in every build type.
//
//   KY_CHECK(index < size) << "index " << index;
//   KY_DCHECK(...)  // compiled out in NDEBUG builds
//
// Thread-safety: safe to use from any thread.
#pragma once

#include <sstream>

namespace kycloud::check_internal {

class CheckFailure {
 public:
  CheckFailure(const char* file, int line, const char* condition);
  [[noreturn]] ~CheckFailure();
  std::ostream& stream() { return stream_; }

 private:
  std::ostringstream stream_;
};

// Makes `cond ? (void)0 : Voidify() & stream` well-typed.
struct Voidify {
  void operator&(std::ostream&) {}
};

}  // namespace kycloud::check_internal

#define KY_CHECK(condition)                    \
  (condition)                                  \
      ? (void)0                                \
      : ::kycloud::check_internal::Voidify() & \
            ::kycloud::check_internal::CheckFailure(__FILE__, __LINE__, #condition).stream()

#ifdef NDEBUG
#define KY_DCHECK(condition) \
  while (false) KY_CHECK(condition)
#else
#define KY_DCHECK(condition) KY_CHECK(condition)
#endif
