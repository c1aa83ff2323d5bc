// RescreenSchedule: re-screening that follows the lists across restarts and instances (R27).
//
// The database records the hash of the lists its customers were last re-screened against (setting
// "screened_lists_hash"). Tick(), run each second by the leader, compares it with the lists in
// force and, when they differ and no job runs, queues a re-screening (cip/rescreening.h):
// - against the recorded lists when this process still holds them (a diff: only the entities
//   added or changed since count), which is the case after a reload here;
// - otherwise in full (every entity counts): the lists changed while no instance ran, or on an
//   instance that never had the old ones (a leader elected after the reload).
// The record moves only when a job has refreshed every customer it had to, and only from the
// lists that job started from (compare-and-set), so a crash, a cancelled job or two leaders in a
// hand-over never skip a change; a job that ended without moving it is tried again after
// `retry_after` (a change whose refreshes keep failing moves on after kMaxAttempts, the failures
// named in the jobs' audit entries). A database without a record takes the lists in force as its
// starting point: its customers were screened against them when they were decided — but on a
// database upgraded from a version without the record, a list change made while it was down is
// taken as the starting point too.
//
// Thread-safety: every method from any thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "kycloud/base/clock.h"
#include "kycloud/base/result.h"
#include "kycloud/cip/rescreening.h"
#include "kycloud/screening/screening_index.h"
#include "kycloud/storage/settings_store.h"

namespace kycloud::cip {

class RescreenSchedule {
 public:
  static constexpr std::string_view kSetting = "screened_lists_hash";
  static constexpr size_t kMaxBases = 3;  // old lists kept as bases of a diff
  static constexpr int kMaxAttempts = 3;  // tries of a change whose refreshes fail

  enum class Action {
    kNone,         // no lists loaded yet
    kBaseline,     // no record: the lists in force recorded as the starting point
    kUpToDate,     // the record is the lists in force
    kRunning,      // a job is queued or running
    kWaiting,      // the last job for this change ended without moving the record: retry later
    kStartedDiff,  // a job queued against the recorded lists
    kStartedFull,  // a job queued against every entity
    kFollowing,    // not leading: nothing started
  };

  // `settings` and `rescreener` must outlive the schedule and every job it queues.
  RescreenSchedule(storage::SettingsStore& settings, Rescreener& rescreener,
                   std::chrono::seconds retry_after = std::chrono::minutes(10));

  // From IndexHolder::OnLoaded: the lists this process had before, kept as the base of a diff
  // until the record reaches the lists in force.
  void Loaded(std::shared_ptr<const screening::ScreeningIndex> before);
  // `leading`: whether this instance may start jobs (a follower only lets go of old lists once
  // the record passes them). Errors: the settings store's.
  Result<Action> Tick(std::shared_ptr<const screening::ScreeningIndex> current, bool leading,
                      Timestamp now);

 private:
  storage::SettingsStore& settings_;
  Rescreener& rescreener_;
  const std::chrono::seconds retry_after_;
  std::mutex mu_;
  // Lists this process had before (the last kMaxBases).
  std::vector<std::shared_ptr<const screening::ScreeningIndex>> bases_;
  std::string started_for_;  // "<from>><to>" of the last job queued
  Timestamp started_at_;
  int attempts_ = 0;  // of started_for_
};

}  // namespace kycloud::cip
