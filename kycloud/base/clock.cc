#include "kycloud/base/clock.h"

namespace kycloud {

Timestamp SystemClock::Now() const {
  return std::chrono::time_point_cast<std::chrono::microseconds>(std::chrono::system_clock::now());
}

std::chrono::steady_clock::time_point SystemClock::Monotonic() const {
  return std::chrono::steady_clock::now();
}

const SystemClock& SystemClock::Default() {
  static const SystemClock clock;
  return clock;
}

FakeClock::FakeClock(Timestamp start) : now_us_(start.time_since_epoch().count()) {}

Timestamp FakeClock::Now() const { return Timestamp(std::chrono::microseconds(now_us_.load())); }

std::chrono::steady_clock::time_point FakeClock::Monotonic() const {
  return std::chrono::steady_clock::time_point(std::chrono::microseconds(mono_us_.load()));
}

void FakeClock::Advance(std::chrono::microseconds delta) {
  now_us_ += delta.count();
  mono_us_ += delta.count();
}

void FakeClock::Set(Timestamp t) { now_us_ = t.time_since_epoch().count(); }

}  // namespace kycloud
