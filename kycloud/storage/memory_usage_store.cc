#include "kycloud/storage/memory_usage_store.h"

#include <algorithm>
#include <tuple>

namespace kycloud::storage {

Result<size_t> MemoryUsageStore::Insert(const std::vector<UsageRow>& rows) {
  std::lock_guard lock(mu_);
  size_t added = 0;
  for (const UsageRow& r : rows) {
    if (!rows_.emplace(r.record_id, r).second) continue;
    ++added;
    links_.emplace(r.account_id, r.payer_id, r.organization_id);
  }
  return added;
}

Result<std::vector<UsageRow>> MemoryUsageStore::ForAccounts(
    const std::vector<std::string>& accounts, std::optional<Timestamp> since) {
  std::lock_guard lock(mu_);
  std::set<std::string> wanted(accounts.begin(), accounts.end());
  std::vector<UsageRow> out;
  for (const auto& [id, r] : rows_) {
    if (wanted.contains(r.account_id) && (!since || r.end > *since)) out.push_back(r);
  }
  std::sort(out.begin(), out.end(), [](const UsageRow& a, const UsageRow& b) {
    return std::tie(a.start, a.record_id) < std::tie(b.start, b.record_id);
  });
  return out;
}

Result<std::map<std::string, double>> MemoryUsageStore::Totals(
    const std::vector<std::string>& accounts, UsageFigure figure) {
  std::lock_guard lock(mu_);
  std::set<std::string> wanted(accounts.begin(), accounts.end());
  std::map<std::string, double> out;
  for (const auto& [id, r] : rows_) {
    if (!wanted.contains(r.account_id)) continue;
    const double v = figure == UsageFigure::kLow       ? r.low
                     : figure == UsageFigure::kCentral ? r.central
                     : figure == UsageFigure::kHigh    ? r.high
                                                       : r.upper_bound;
    out[r.account_id] += v;
  }
  return out;
}

Result<std::vector<AccountLink>> MemoryUsageStore::AccountLinks() {
  std::lock_guard lock(mu_);
  std::vector<AccountLink> out;
  for (const auto& [a, p, o] : links_) out.push_back({a, p, o});
  return out;
}

Result<std::vector<std::string>> MemoryUsageStore::Accounts() {
  std::lock_guard lock(mu_);
  std::set<std::string> accounts;
  for (const auto& [a, p, o] : links_) accounts.insert(a);
  return std::vector<std::string>(accounts.begin(), accounts.end());
}

Result<size_t> MemoryUsageStore::CountRecords() {
  std::lock_guard lock(mu_);
  return rows_.size();
}

Status MemoryUsageStore::InsertTelemetry(const std::vector<TelemetryRow>& rows) {
  std::lock_guard lock(mu_);
  for (const TelemetryRow& r : rows) telemetry_[{r.resource_id, r.at, r.gpu}] = r;
  return OkStatus();
}

Result<std::vector<TelemetryRow>> MemoryUsageStore::Telemetry(
    const std::vector<std::string>& resources, Timestamp from, Timestamp to) {
  std::lock_guard lock(mu_);
  std::set<std::string> wanted(resources.begin(), resources.end());
  std::vector<TelemetryRow> out;
  for (const auto& [key, r] : telemetry_) {
    if (wanted.contains(r.resource_id) && r.at >= from && r.at <= to) out.push_back(r);
  }
  return out;
}

Status MemoryUsageStore::SetBio(const std::string& account_id, bool bio) {
  std::lock_guard lock(mu_);
  if (bio) {
    bio_.insert(account_id);
  } else {
    bio_.erase(account_id);
  }
  return OkStatus();
}

Result<bool> MemoryUsageStore::IsBio(const std::string& account_id) {
  std::lock_guard lock(mu_);
  return bio_.contains(account_id);
}

Result<std::set<std::string>> MemoryUsageStore::BioAmong(const std::vector<std::string>& accounts) {
  std::lock_guard lock(mu_);
  std::set<std::string> out;
  for (const auto& a : accounts) {
    if (bio_.contains(a)) out.insert(a);
  }
  return out;
}

Result<bool> MemoryUsageStore::AddCrossing(const TierCrossingRow& c) {
  std::lock_guard lock(mu_);
  return crossings_.emplace(std::pair(c.subject, c.tier), c).second;
}

Status MemoryUsageStore::SetCrossingRefs(const std::string& subject, const std::string& tier,
                                         const std::string& alert_id,
                                         const std::string& report_id) {
  std::lock_guard lock(mu_);
  auto it = crossings_.find({subject, tier});
  if (it == crossings_.end()) return NotFoundError("no crossing of " + tier + " by " + subject);
  it->second.alert_id = alert_id;
  it->second.report_id = report_id;
  return OkStatus();
}

Result<std::vector<TierCrossingRow>> MemoryUsageStore::Crossings(const std::string& subject) {
  std::lock_guard lock(mu_);
  std::vector<TierCrossingRow> out;
  for (const auto& [key, c] : crossings_) {
    if (key.first == subject) out.push_back(c);
  }
  std::sort(out.begin(), out.end(), [](const TierCrossingRow& a, const TierCrossingRow& b) {
    return std::tie(a.threshold_ops, a.tier) < std::tie(b.threshold_ops, b.tier);
  });
  return out;
}

}  // namespace kycloud::storage
