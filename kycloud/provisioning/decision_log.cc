#include "kycloud/provisioning/decision_log.h"

#include <vector>

#include "kycloud/base/log.h"

namespace kycloud::provisioning {

DecisionLog::DecisionLog(storage::PolicyStore& store, DecisionLogOptions options)
    : store_(store), options_(options), thread_([this] { Run(); }) {}

DecisionLog::~DecisionLog() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
  if (Status s = Flush(); !s.ok()) {
    KY_LOG_ERROR("decision log: {} decisions not written at exit: {}", pending_.size(),
                 s.ToString());
  }
}

void DecisionLog::Record(storage::DecisionRecord record) {
  bool wake = false;
  {
    std::lock_guard lock(mu_);
    if (pending_.size() >= options_.max_pending) {
      pending_.pop_front();
      if (dropped_.fetch_add(1) % 10000 == 0) {
        KY_LOG_ERROR("decision log: {} decisions waiting; dropping the oldest ({} so far)",
                     pending_.size(), dropped_.load());
      }
    }
    pending_.push_back(std::move(record));
    wake = pending_.size() >= options_.batch;
  }
  if (wake) cv_.notify_one();
}

Status DecisionLog::WriteOnce() {
  std::lock_guard write_lock(write_mu_);
  std::vector<storage::DecisionRecord> batch;
  {
    std::lock_guard lock(mu_);
    const size_t n = std::min(pending_.size(), options_.batch);
    batch.assign(std::make_move_iterator(pending_.begin()),
                 std::make_move_iterator(pending_.begin() + static_cast<std::ptrdiff_t>(n)));
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(n));
  }
  if (batch.empty()) return OkStatus();
  Status s = store_.AppendDecisions(batch);
  if (!s.ok()) {
    // Put them back in front, in order, for the next attempt.
    std::lock_guard lock(mu_);
    pending_.insert(pending_.begin(), std::make_move_iterator(batch.begin()),
                    std::make_move_iterator(batch.end()));
    return s;
  }
  written_ += batch.size();
  return OkStatus();
}

Status DecisionLog::Flush() {
  while (true) {
    {
      std::lock_guard lock(mu_);
      if (pending_.empty()) return OkStatus();
    }
    KY_TRY(WriteOnce());
  }
}

void DecisionLog::Run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, options_.flush_every,
                 [this] { return stopping_ || pending_.size() >= options_.batch; });
    if (pending_.empty()) continue;
    lock.unlock();
    if (Status s = WriteOnce(); !s.ok()) {
      KY_LOG_ERROR("decision log: writing a batch failed (will retry): {}", s.ToString());
      std::this_thread::sleep_for(options_.flush_every);
    }
    lock.lock();
  }
}

}  // namespace kycloud::provisioning
