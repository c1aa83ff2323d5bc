#include "kycloud/cluster/leadership.h"

#include "kycloud/base/log.h"

namespace kycloud::cluster {

Leadership::Leadership(storage::LeaseStore& leases, const Clock& clock, LeadershipOptions options)
    : leases_(leases), clock_(clock), options_(std::move(options)) {}

bool Leadership::leading() const {
  if (!leading_.load()) return false;
  const Timestamp renewed = FromUnixMicros(last_renewal_us_.load());
  return clock_.Now() - renewed < options_.ttl * 2 / 3;
}

bool Leadership::Tick() {
  const Timestamp now = clock_.Now();
  if (leading_ && now - FromUnixMicros(last_renewal_us_.load()) < options_.ttl / 3) return true;
  auto held = leases_.Acquire(options_.lease, options_.holder, now, options_.ttl);
  const bool was = leading_.load();
  if (!held.has_value()) {
    KY_LOG_WARN("leadership: renewing the '{}' lease failed: {}", options_.lease,
                held.error().ToString());
  }
  const bool now_leading = held.has_value() && *held;
  if (now_leading) last_renewal_us_ = ToUnixMicros(now);
  leading_ = now_leading;
  if (now_leading != was) {
    KY_LOG_EVENT(kInfo, now_leading ? "leadership: this instance leads" : "leadership: lost",
                 {{"lease", options_.lease}, {"instance", options_.holder}});
  }
  return leading();
}

void Leadership::Release() {
  if (!leading_.exchange(false)) return;
  if (Status st = leases_.Release(options_.lease, options_.holder); !st.ok()) {
    KY_LOG_WARN("leadership: releasing the '{}' lease failed: {}", options_.lease, st.ToString());
  }
}

}  // namespace kycloud::cluster
