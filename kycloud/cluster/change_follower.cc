#include "kycloud/cluster/change_follower.h"

#include "kycloud/base/log.h"

namespace kycloud::cluster {

ChangeFollower::ChangeFollower(storage::ChangeFeed& feed, const Clock& clock,
                               ChangeFollowerOptions options)
    : feed_(feed), clock_(clock), options_(std::move(options)) {}

void ChangeFollower::On(std::string topic, Handler handler) {
  handlers_.emplace_back(std::move(topic), std::move(handler));
}

Status ChangeFollower::Start() {
  KY_ASSIGN_OR_RETURN(std::int64_t head, feed_.Head());
  max_seen_ = std::max<std::int64_t>(0, head - static_cast<std::int64_t>(options_.replay_on_start));
  gaps_.clear();
  std::lock_guard lock(stats_mu_);
  stats_.cursor = stats_.max_seen = max_seen_;
  return OkStatus();
}

void ChangeFollower::Track(const storage::ChangeRecord& r,
                           std::map<std::string, std::set<std::string>>& keys) {
  std::lock_guard lock(stats_mu_);
  if (!options_.own_instance.empty() && r.instance == options_.own_instance) {
    ++stats_.skipped_own;
    return;
  }
  ++stats_.applied;
  keys[r.topic].insert(r.key);
}

Result<size_t> ChangeFollower::Poll() {
  const Timestamp now = clock_.Now();
  std::map<std::string, std::set<std::string>> keys = std::move(retry_);
  retry_.clear();
  size_t rows = 0;
  auto failed = [&](const Status& st) -> Result<size_t> {
    // Nothing read this time is lost: what was read goes to the handlers at the next poll.
    for (auto& [topic, ks] : keys) retry_[topic].insert(ks.begin(), ks.end());
    std::lock_guard lock(stats_mu_);
    ++stats_.failed_polls;
    return Err(st);
  };

  // Gaps that filled since the last poll.
  if (!gaps_.empty()) {
    std::vector<std::int64_t> missing;
    missing.reserve(gaps_.size());
    for (const auto& [seq, since] : gaps_) missing.push_back(seq);
    auto found = feed_.Find(missing);
    if (!found.has_value()) return failed(found.error());
    for (const storage::ChangeRecord& r : *found) {
      gaps_.erase(r.seq);
      Track(r, keys);
      ++rows;
    }
  }
  // New rows.
  for (size_t b = 0; b < options_.max_batches; ++b) {
    auto batch = feed_.After(max_seen_, options_.batch);
    if (!batch.has_value()) return failed(batch.error());
    for (const storage::ChangeRecord& r : *batch) {
      const std::int64_t from =
          std::max(max_seen_ + 1, r.seq - static_cast<std::int64_t>(options_.max_gaps));
      for (std::int64_t s = from; s < r.seq; ++s) gaps_.emplace(s, now);
      max_seen_ = std::max(max_seen_, r.seq);
      Track(r, keys);
      ++rows;
    }
    if (batch->size() < options_.batch) break;
  }
  // Gaps given up: timed out, or too many.
  std::uint64_t expired = 0;
  for (auto it = gaps_.begin(); it != gaps_.end();) {
    if (now - it->second > options_.gap_timeout || gaps_.size() > options_.max_gaps) {
      KY_LOG_DEBUG("change feed: gap at {} never filled; given up", it->first);
      it = gaps_.erase(it);
      ++expired;
    } else {
      ++it;
    }
  }

  for (const auto& [topic, handler] : handlers_) {
    auto it = keys.find(topic);
    if (it == keys.end() || it->second.empty()) continue;
    std::vector<std::string> ks(it->second.begin(), it->second.end());
    if (Status st = handler(ks); !st.ok()) {
      KY_LOG_WARN("change feed: applying {} {} change(s) failed, retrying at the next poll: {}",
                  ks.size(), topic, st.ToString());
      retry_[topic].insert(ks.begin(), ks.end());
    }
  }

  std::lock_guard lock(stats_mu_);
  stats_.max_seen = max_seen_;
  stats_.cursor = gaps_.empty() ? max_seen_ : gaps_.begin()->first - 1;
  stats_.open_gaps = gaps_.size();
  stats_.expired_gaps += expired;
  stats_.last_poll = now;
  return rows;
}

ChangeFollowerStats ChangeFollower::stats() const {
  std::lock_guard lock(stats_mu_);
  return stats_;
}

}  // namespace kycloud::cluster
