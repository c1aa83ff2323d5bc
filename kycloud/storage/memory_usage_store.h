// MemoryUsageStore: UsageStore in memory, for tests and as the reference behaviour of the SQL
// store.
//
// Thread-safety: as UsageStore (one mutex).
#pragma once

#include <map>
#include <mutex>
#include <set>

#include "kycloud/storage/usage_store.h"

namespace kycloud::storage {

class MemoryUsageStore final : public UsageStore {
 public:
  Result<size_t> Insert(const std::vector<UsageRow>& rows) override;
  Result<std::vector<UsageRow>> ForAccounts(const std::vector<std::string>& accounts,
                                            std::optional<Timestamp> since) override;
  Result<std::map<std::string, double>> Totals(const std::vector<std::string>& accounts,
                                               UsageFigure figure) override;
  Result<std::vector<AccountLink>> AccountLinks() override;
  Result<std::vector<std::string>> Accounts() override;
  Result<size_t> CountRecords() override;
  Status InsertTelemetry(const std::vector<TelemetryRow>& rows) override;
  Result<std::vector<TelemetryRow>> Telemetry(const std::vector<std::string>& resources,
                                              Timestamp from, Timestamp to) override;
  Status SetBio(const std::string& account_id, bool bio) override;
  Result<bool> IsBio(const std::string& account_id) override;
  Result<std::set<std::string>> BioAmong(const std::vector<std::string>& accounts) override;
  Result<bool> AddCrossing(const TierCrossingRow& c) override;
  Status SetCrossingRefs(const std::string& subject, const std::string& tier,
                         const std::string& alert_id, const std::string& report_id) override;
  Result<std::vector<TierCrossingRow>> Crossings(const std::string& subject) override;

 private:
  std::mutex mu_;
  std::map<std::string, UsageRow> rows_;  // by record id
  std::set<std::tuple<std::string, std::string, std::string>> links_;
  std::set<std::string> bio_;
  std::map<std::tuple<std::string, Timestamp, std::string>, TelemetryRow> telemetry_;
  std::map<std::pair<std::string, std::string>, TierCrossingRow> crossings_;
};

}  // namespace kycloud::storage
