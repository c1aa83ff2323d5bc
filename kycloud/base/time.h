// Timestamps: UTC instants with microsecond resolution, stored as int64 microseconds since the
// Unix epoch, and their RFC 3339 text form ("2026-11-22T10:15:30.123456Z").
//
// Thread-safety: pure functions.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "kycloud/base/result.h"

namespace kycloud {

using Timestamp = std::chrono::sys_time<std::chrono::microseconds>;

inline std::int64_t ToUnixMicros(Timestamp t) { return t.time_since_epoch().count(); }
inline Timestamp FromUnixMicros(std::int64_t us) {
  return Timestamp(std::chrono::microseconds(us));
}

// "YYYY-MM-DDTHH:MM:SS[.ffffff]Z"; the fraction is printed only when non-zero.
std::string FormatRfc3339(Timestamp t);

// Accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|z|+HH:MM|-HH:MM)" and a space instead of
// 'T'. A date alone means midnight UTC. Errors: InvalidArgument naming what is wrong.
Result<Timestamp> ParseRfc3339(std::string_view text);

}  // namespace kycloud
