// The CIP's validation errors: InvalidArgument naming the field (a JSON pointer) and the rule
// ("cip.*", the API's error code), "<pointer>: <message> (<rule>)".
//
// Thread-safety: a pure function.
#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>

#include "kycloud/base/status.h"

namespace kycloud::cip {

inline Status Bad(const std::string& pointer, std::string_view rule, std::string_view message) {
  return InvalidArgumentError(fmt::format("{}: {} ({})", pointer, message, rule))
      .WithField(pointer)
      .WithReason(std::string(rule));
}

}  // namespace kycloud::cip
