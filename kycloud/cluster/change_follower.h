// ChangeFollower: keeps one `kycloud serve` instance's in-memory state (the policy in force,
// parties' policy facts, the account-linking index) up to date with what other instances and
// command-line runs write to the shared database, by polling the change feed
// (storage/change_feed.h) and handing each topic's changed keys to its handler, which re-reads
// them from the database.
//
// - Start() positions the follower at the feed's head less `replay_on_start` rows; call it before
//   loading the state it keeps current, so nothing written meanwhile is missed (the replayed rows
//   are applied again, which re-reading makes harmless).
// - Poll() reads what is new. On PostgreSQL sequence numbers commit out of order: a missing
//   number is a gap, looked for again at every poll until it appears or `gap_timeout` passes (a
//   rolled-back transaction never fills its gap).
// - The follower's own process's rows are skipped (already applied in memory when written).
// - A handler that fails gets the same keys again at the next poll.
//
// Thread-safety: On() before the first Poll(); Poll() from one thread at a time; stats() from any.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "kycloud/base/clock.h"
#include "kycloud/base/result.h"
#include "kycloud/storage/change_feed.h"

namespace kycloud::cluster {

struct ChangeFollowerOptions {
  size_t batch = 1000;            // rows read per query
  size_t max_batches = 20;        // queries per poll at most (the rest at the next)
  size_t replay_on_start = 1000;  // rows below the head applied again at Start()
  std::chrono::milliseconds gap_timeout{std::chrono::minutes(5)};
  size_t max_gaps = 10000;  // gaps tracked at most (the oldest are given up)
  std::string own_instance = storage::ThisInstanceId();  // rows to skip ("" skips none)
};

struct ChangeFollowerStats {
  std::int64_t cursor = 0;    // every row up to here was handled
  std::int64_t max_seen = 0;  // the highest row read
  size_t open_gaps = 0;
  std::uint64_t applied = 0;  // rows handed to handlers
  std::uint64_t skipped_own = 0;
  std::uint64_t expired_gaps = 0;
  std::uint64_t failed_polls = 0;
  Timestamp last_poll{};
};

class ChangeFollower {
 public:
  // Gets the distinct keys of its topic that changed since the last poll.
  using Handler = std::function<Status(const std::vector<std::string>& keys)>;

  // `feed` and `clock` must outlive the follower.
  ChangeFollower(storage::ChangeFeed& feed, const Clock& clock, ChangeFollowerOptions options = {});

  // Handlers run in the order added (a topic's state may depend on an earlier one's).
  void On(std::string topic, Handler handler);
  Status Start();
  // Returns the number of rows handed to handlers. Errors: the feed's (nothing is lost: the
  // next poll reads the same rows).
  Result<size_t> Poll();
  ChangeFollowerStats stats() const;

 private:
  void Track(const storage::ChangeRecord& r, std::map<std::string, std::set<std::string>>& keys);

  storage::ChangeFeed& feed_;
  const Clock& clock_;
  ChangeFollowerOptions options_;
  std::vector<std::pair<std::string, Handler>> handlers_;
  // Poll()'s state: touched by the polling thread only.
  std::int64_t max_seen_ = 0;
  std::map<std::int64_t, Timestamp> gaps_;              // missing seq -> when first missed
  std::map<std::string, std::set<std::string>> retry_;  // topic -> keys whose handler failed
  mutable std::mutex stats_mu_;
  ChangeFollowerStats stats_;
};

}  // namespace kycloud::cluster
