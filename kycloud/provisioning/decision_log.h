// DecisionLog: records provisioning decisions — each with its request, reasons and policy version —
// for the customer's history (GET /v1/customers/{id}/decisions) and for auditors, without putting
// a database commit on the decision's path: Record() queues, a background thread writes batches
// (every `flush_every`, or sooner when `batch` are waiting) in one transaction each.
//
// Durability: decisions queued but not yet written are lost if the process is killed (at most
// `flush_every` of them, plus what a failing database holds back); the destructor and Flush()
// write everything queued. When `max_pending` decisions wait (the database is down), the oldest
// are dropped and counted (dropped()), and an error is logged: deciding never blocks on the log.
//
// Thread-safety: Record() and Flush() are safe from many threads.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "kycloud/storage/policy_store.h"

namespace kycloud::provisioning {

struct DecisionLogOptions {
  std::chrono::milliseconds flush_every{200};  // default 200 ms
  size_t batch = 1000;                         // write sooner when this many wait
  size_t max_pending = 100000;                 // beyond this, the oldest are dropped
};

class DecisionLog {
 public:
  // `store` must outlive the log.
  explicit DecisionLog(storage::PolicyStore& store, DecisionLogOptions options = {});
  ~DecisionLog();
  DecisionLog(const DecisionLog&) = delete;
  DecisionLog& operator=(const DecisionLog&) = delete;

  void Record(storage::DecisionRecord record);
  // Writes everything queued so far. Errors: the store's (the records stay queued).
  Status Flush();
  std::uint64_t dropped() const { return dropped_.load(); }
  std::uint64_t written() const { return written_.load(); }

 private:
  void Run();
  Status WriteOnce();

  storage::PolicyStore& store_;
  DecisionLogOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<storage::DecisionRecord> pending_;
  bool stopping_ = false;
  std::mutex write_mu_;  // one writer at a time (the thread or Flush)
  std::atomic<std::uint64_t> dropped_{0}, written_{0};
  std::thread thread_;
};

}  // namespace kycloud::provisioning
