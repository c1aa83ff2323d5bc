// Leadership: which of several `kycloud serve` instances on one database runs the background
// duties that must run once (signing audit checkpoints, appending case events a crash left
// pending, re-screening customers when the lists change, the day's policy re-evaluation and its
// alerts, pruning the change feed). It holds a lease (storage/lease_store.h) and renews it at a
// third of its length; an instance that stops cleanly releases it, and one that dies loses it
// when it expires, and another takes over at its next tick.
//
// An instance counts itself the leader only while its last renewal is less than two thirds of
// the lease old (another may take the lease once all of it has passed), and a renewal that fails
// (database unreachable) ends its leadership at once: for a moment no instance may lead, never
// two, as long as the instances' clocks agree to within a third of the lease.
//
// Thread-safety: Tick() and Release() from one thread; leading() from any.
#pragma once

#include <atomic>
#include <chrono>
#include <string>

#include "kycloud/base/clock.h"
#include "kycloud/storage/change_feed.h"
#include "kycloud/storage/lease_store.h"

namespace kycloud::cluster {

struct LeadershipOptions {
  std::string lease = "leader";
  std::string holder = storage::ThisInstanceId();
  std::chrono::milliseconds ttl{15000};
};

class Leadership {
 public:
  // `leases` and `clock` must outlive the leadership.
  Leadership(storage::LeaseStore& leases, const Clock& clock, LeadershipOptions options = {});

  // Takes or renews the lease when due (at once on the first call, then every ttl/3, or at
  // every call while another instance leads). Returns leading(). Call it at least every ttl/6.
  bool Tick();
  bool leading() const;
  const std::string& holder() const { return options_.holder; }
  // Gives the lease up (when held) so that another instance takes over without waiting.
  void Release();

 private:
  storage::LeaseStore& leases_;
  const Clock& clock_;
  LeadershipOptions options_;
  std::atomic<bool> leading_{false};
  std::atomic<std::int64_t> last_renewal_us_{0};  // Unix micros of the last renewal
};

}  // namespace kycloud::cluster
