// Clock: the source of "now" for everything that records or compares times. Passed by
// constructor so that tests can use FakeClock and control time exactly.
//
// Thread-safety: implementations are safe to call from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "kycloud/base/time.h"

namespace kycloud {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time, UTC, microsecond resolution.
  virtual Timestamp Now() const = 0;
  // Monotonic time for measuring durations (never goes back).
  virtual std::chrono::steady_clock::time_point Monotonic() const = 0;
};

// The real clock. Stateless; `SystemClock::Default()` returns a process-wide instance.
class SystemClock final : public Clock {
 public:
  Timestamp Now() const override;
  std::chrono::steady_clock::time_point Monotonic() const override;
  static const SystemClock& Default();
};

// A clock that moves only when told. Both Now() and Monotonic() advance together.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(Timestamp start = Timestamp(std::chrono::seconds(1'700'000'000)));
  Timestamp Now() const override;
  std::chrono::steady_clock::time_point Monotonic() const override;
  void Advance(std::chrono::microseconds delta);
  void Set(Timestamp t);

 private:
  std::atomic<std::int64_t> now_us_;
  std::atomic<std::int64_t> mono_us_{0};
};

}  // namespace kycloud
