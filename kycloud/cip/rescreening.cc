#include "kycloud/cip/rescreening.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <set>

#include "kycloud/base/log.h"
#include "kycloud/lists/list_diff.h"
#include "kycloud/screening/screener.h"

namespace kycloud::cip {

std::string RescreenReport::Json() const {
  return nlohmann::json{{"before_hash", before_hash},
                        {"after_hash", after_hash},
                        {"changed_entities", changed_entities},
                        {"customers_scanned", customers_scanned},
                        {"refreshed", refreshed},
                        {"new_alerts", new_alerts},
                        {"errors", errors},
                        {"cancelled", cancelled}}
      .dump();
}

Result<RescreenReport> RescreenCustomers(storage::CustomerStore& customers, Onboarding& onboarding,
                                         const lists::ListSnapshot& before,
                                         const lists::ListSnapshot& after, const std::string& actor,
                                         double filter_threshold, const std::atomic<bool>* cancel) {
  RescreenReport out;
  out.before_hash = before.hash();
  out.after_hash = after.hash();
  const lists::SnapshotDiff diff = lists::DiffSnapshots(before, after);
  std::set<std::pair<std::string, std::string>> changed;
  for (const lists::ListChange& l : diff.lists) {
    for (const std::string& id : l.added) changed.emplace(l.list, id);
    for (const std::string& id : l.modified) changed.emplace(l.list, id);
  }
  out.changed_entities = changed.size();
  if (changed.empty()) return out;
  std::vector<lists::ListEntity> delta;
  for (const lists::ListEntity& e : after.entities()) {
    if (changed.count({e.list, e.id})) delta.push_back(e);
  }
  auto index = screening::ScreeningIndex::Build(
      std::make_shared<lists::ListSnapshot>(after.lists(), std::move(delta)));
  screening::ScreenOptions options;
  options.threshold = filter_threshold;

  storage::CustomerFilter f;
  f.status = "active";
  f.limit = 500;
  for (;;) {
    KY_ASSIGN_OR_RETURN(auto page, customers.List(f));
    for (const storage::CustomerRow& row : page) {
      if (cancel && cancel->load()) {
        out.cancelled = true;
        return out;
      }
      ++out.customers_scanned;
      auto record = onboarding.Open(row);
      if (!record) {
        out.errors.push_back(row.id + ": " + record.error().ToString());
        continue;
      }
      bool candidate = false;
      for (const auto& q : ScreeningQueries(*record)) {
        if (!screening::Screen(*index, q, options).empty()) {
          candidate = true;
          break;
        }
      }
      if (!candidate) continue;
      auto refreshed = onboarding.Refresh(row.id, actor);
      for (int attempt = 1;
           !refreshed && refreshed.error().code() == StatusCode::kAborted && attempt < 3;
           ++attempt) {
        refreshed = onboarding.Refresh(row.id, actor);  // lost a race with another update
      }
      if (!refreshed) {
        out.errors.push_back(row.id + ": " + refreshed.error().ToString());
        continue;
      }
      out.refreshed.push_back(row.id);
      if (refreshed->screening) out.new_alerts += refreshed->screening->alert_ids.size();
    }
    if (page.size() < f.limit) break;
    f.after_id = page.back().id;
  }
  return out;
}

Rescreener::Rescreener(storage::CustomerStore& customers, Onboarding& onboarding,
                       audit::AuditLog* audit)
    : customers_(customers), onboarding_(onboarding), audit_(audit) {
  thread_ = std::thread([this] { Run(); });
}

Rescreener::~Rescreener() { Stop(); }

void Rescreener::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    queue_.clear();
  }
  cancel_ = true;
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Rescreener::ListsChanged(std::shared_ptr<const screening::ScreeningIndex> before,
                              std::shared_ptr<const screening::ScreeningIndex> after, Done done) {
  if (!before || !after) return;
  {
    std::lock_guard lock(mu_);
    queue_.push_back({std::move(before), std::move(after), std::move(done)});
  }
  cv_.notify_all();
}

void Rescreener::Wait() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return (queue_.empty() && !busy_) || stopping_; });
}

bool Rescreener::idle() const {
  std::lock_guard lock(mu_);
  return queue_.empty() && !busy_;
}

std::optional<RescreenReport> Rescreener::last() const {
  std::lock_guard lock(mu_);
  return last_;
}

void Rescreener::Run() {
  for (;;) {
    Job job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      job = std::move(queue_.front());
      queue_.pop_front();
      busy_ = true;
    }
    auto report = RescreenCustomers(customers_, onboarding_, job.before->snapshot(),
                                    job.after->snapshot(), "system", 0.6, &cancel_);
    if (report) {
      KY_LOG_EVENT(kInfo, "customers re-screened",
                   {{"lists_hash", report->after_hash},
                    {"changed_entities", std::to_string(report->changed_entities)},
                    {"scanned", std::to_string(report->customers_scanned)},
                    {"refreshed", std::to_string(report->refreshed.size())},
                    {"new_alerts", std::to_string(report->new_alerts)}});
      if (audit_ && !report->cancelled) {
        nlohmann::json data = {{"lists_hash", report->after_hash},
                               {"previous_lists_hash", report->before_hash},
                               {"changed_entities", report->changed_entities},
                               {"customers_scanned", report->customers_scanned},
                               {"customers_refreshed", report->refreshed.size()},
                               {"new_alerts", report->new_alerts},
                               {"errors", report->errors.size()}};
        auto e = audit_->Append({"cip.rescreened", "system", data.dump()});
        if (!e) KY_LOG_ERROR("audit: recording a re-screening failed: {}", e.error().ToString());
      }
      if (job.done && !report->cancelled) job.done(*report);
    } else {
      KY_LOG_ERROR("re-screening customers after a list change failed: {}",
                   report.error().ToString());
    }
    {
      std::lock_guard lock(mu_);
      if (report) last_ = std::move(*report);
      busy_ = false;
    }
    cv_.notify_all();
  }
}

}  // namespace kycloud::cip
