// Re-screening when the lists change (R27): the customers whose screening result can change are
// screened again, and new hits raise alerts. "Can change" is decided cheaply: an index of only the
// entities added or modified between the two snapshots (lists::DiffSnapshots) is built, and every
// active customer's screening queries (ScreeningQueries: the customer, owners, parent, payers,
// institutions) are matched against it with a lenient threshold (the small index weighs words
// differently from the full one). Only the customers with a candidate there are refreshed
// through onboarding (Onboarding::Refresh: screened in full against the lists in force, alerts
// for new hits — an open alert for the same subject, list and entity is not raised twice — and
// decided again). Removed entities only remove hits: their alerts stay for officers to close.
//
// Rescreener runs those jobs one at a time on its own thread, so a list reload (SIGHUP, POST
// /v1/lists/reload, the directory watcher) returns at once.
//
// Thread-safety: RescreenCustomers as the stores; Rescreener's methods from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "kycloud/audit/audit_log.h"
#include "kycloud/cip/onboarding.h"
#include "kycloud/screening/screening_index.h"
#include "kycloud/storage/customer_store.h"

namespace kycloud::cip {

struct RescreenReport {
  std::string before_hash, after_hash;
  size_t changed_entities = 0;  // added or modified
  size_t customers_scanned = 0;
  std::vector<std::string> refreshed;  // customer ids screened again in full
  size_t new_alerts = 0;
  std::vector<std::string> errors;  // "<id>: <error>" (the others go on)
  bool cancelled = false;           // stopped early (shutdown): not every customer was seen
  std::string Json() const;
};

// Errors: the store's (listing customers). A customer that cannot be refreshed is reported in
// `errors`.
// `cancel` (may be null) is checked per customer: set, the job ends early with `cancelled`.
// A refresh that loses a race with another update (Aborted) is tried again, up to 3 times.
Result<RescreenReport> RescreenCustomers(storage::CustomerStore& customers, Onboarding& onboarding,
                                         const lists::ListSnapshot& before,
                                         const lists::ListSnapshot& after, const std::string& actor,
                                         double filter_threshold = 0.6,
                                         const std::atomic<bool>* cancel = nullptr);

class Rescreener {
 public:
  // The references (and `audit`, which may be null: each job's report is an audit entry
  // "cip.rescreened") must outlive the rescreener.
  Rescreener(storage::CustomerStore& customers, Onboarding& onboarding, audit::AuditLog* audit);
  ~Rescreener();  // Stop()

  // Cancels the running job (at the next customer), drops queued ones and joins the thread; no
  // audit entry is written after it returns. Idempotent.
  void Stop();

  // Called when a job has seen every customer (not cancelled; per-customer errors are in the
  // report), on the rescreener's thread.
  using Done = std::function<void(const RescreenReport&)>;
  // Queues a job for a list change and returns.
  void ListsChanged(std::shared_ptr<const screening::ScreeningIndex> before,
                    std::shared_ptr<const screening::ScreeningIndex> after, Done done = {});
  // Waits until no job is queued or running (tests, shutdown).
  void Wait();
  // No job queued or running.
  bool idle() const;
  // The last job's report (empty before the first).
  std::optional<RescreenReport> last() const;

 private:
  void Run();

  storage::CustomerStore& customers_;
  Onboarding& onboarding_;
  audit::AuditLog* audit_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  struct Job {
    std::shared_ptr<const screening::ScreeningIndex> before, after;
    Done done;
  };
  std::deque<Job> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  std::atomic<bool> cancel_{false};
  std::optional<RescreenReport> last_;
  std::thread thread_;
};

}  // namespace kycloud::cip
