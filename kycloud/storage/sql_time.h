// Timestamps in SQL rows: int64 microseconds since the Unix epoch, NULL for none.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>

#include "kycloud/base/time.h"
#include "kycloud/storage/value.h"

namespace kycloud::storage {

inline Value MicrosValue(Timestamp t) { return Value(static_cast<long long>(ToUnixMicros(t))); }
inline Value OptionalMicrosValue(const std::optional<Timestamp>& t) {
  return t ? MicrosValue(*t) : Value(nullptr);
}
inline std::optional<Timestamp> OptionalTime(const Value& v) {
  return v.is_null() ? std::nullopt : std::optional<Timestamp>(FromUnixMicros(v.AsInt()));
}

}  // namespace kycloud::storage
