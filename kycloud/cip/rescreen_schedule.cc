#include "kycloud/cip/rescreen_schedule.h"

#include "kycloud/base/log.h"
#include "kycloud/lists/list_snapshot.h"

namespace kycloud::cip {

RescreenSchedule::RescreenSchedule(storage::SettingsStore& settings, Rescreener& rescreener,
                                   std::chrono::seconds retry_after)
    : settings_(settings), rescreener_(rescreener), retry_after_(retry_after) {}

void RescreenSchedule::Loaded(std::shared_ptr<const screening::ScreeningIndex> before) {
  if (!before) return;
  std::lock_guard lock(mu_);
  // Reloads while a job runs: the last few lists are kept; Tick lets go of those the record has
  // passed.
  if (bases_.size() == kMaxBases) bases_.erase(bases_.begin());
  bases_.push_back(std::move(before));
}

Result<RescreenSchedule::Action> RescreenSchedule::Tick(
    std::shared_ptr<const screening::ScreeningIndex> current, bool leading, Timestamp now) {
  if (!current) return Action::kNone;
  // Before the record is read: a job finishing in between would otherwise be started again.
  if (leading && !rescreener_.idle()) return Action::kRunning;
  const std::string& hash = current->snapshot().hash();
  KY_ASSIGN_OR_RETURN(std::optional<std::string> recorded, settings_.Get(kSetting));
  if (!recorded) {
    if (!leading) return Action::kFollowing;
    KY_ASSIGN_OR_RETURN(std::string now_recorded, settings_.PutIfAbsent(kSetting, hash));
    if (now_recorded == hash) {
      KY_LOG_EVENT(kInfo, "re-screening: the lists in force are the starting point",
                   {{"lists_hash", hash}});
      return Action::kBaseline;
    }
    recorded = std::move(now_recorded);
  }
  std::lock_guard lock(mu_);
  if (*recorded == hash) {
    // The lists the record has passed go; the recorded ones stay (a reload may be racing with
    // this tick, and they are then the base of its diff).
    std::erase_if(bases_, [&](const auto& b) { return b->snapshot().hash() != *recorded; });
    return Action::kUpToDate;
  }
  if (!leading) return Action::kFollowing;
  const std::string job = *recorded + ">" + hash;
  if (job == started_for_) {
    if (now - started_at_ < retry_after_) return Action::kWaiting;
    ++attempts_;
  } else {
    attempts_ = 1;
  }
  // A job with customers that failed to refresh leaves the record, so the change is re-screened
  // again after the back-off; the last attempt moves it (the failures are in its audit entry).
  const bool last_attempt = attempts_ >= kMaxAttempts;
  std::shared_ptr<const screening::ScreeningIndex> before;
  for (const auto& base : bases_) {
    if (base->snapshot().hash() == *recorded) before = base;
  }
  const bool full = !before;
  if (full) before = screening::ScreeningIndex::Build(std::make_shared<lists::ListSnapshot>());
  started_for_ = job;
  started_at_ = now;
  KY_LOG_EVENT(
      kInfo, "re-screening customers: the lists changed",
      {{"from", *recorded}, {"to", hash}, {"against", full ? "every entity" : "the diff"}});
  rescreener_.ListsChanged(
      std::move(before), std::move(current),
      [&settings = settings_, from = *recorded, to = hash,
       last_attempt](const RescreenReport& report) {
        if (!report.errors.empty()) {
          if (!last_attempt) {
            KY_LOG_WARN("re-screening: {} customers failed; the change is re-screened again",
                        report.errors.size());
            return;
          }
          KY_LOG_ERROR(
              "re-screening: {} customers failed again; moving on (named in the "
              "cip.rescreened audit entry)",
              report.errors.size());
        }
        auto moved = settings.Replace(kSetting, from, to);
        if (!moved.has_value()) {
          KY_LOG_WARN(
              "re-screening: recording the lists failed (the change is re-screened "
              "again): {}",
              moved.error().ToString());
        } else if (!*moved) {
          KY_LOG_WARN("re-screening: the record moved meanwhile (another leader); left as it is");
        }
      });
  return full ? Action::kStartedFull : Action::kStartedDiff;
}

}  // namespace kycloud::cip
