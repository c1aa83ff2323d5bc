// SqlUsageStore: UsageStore on a Database (SQLite or PostgreSQL), tables usage_records,
// usage_account_links, compute_account_flags and compute_tier_crossings usage_account_totals and
// usage_telemetry (migration 5).
//
// Thread-safety: as UsageStore.
#pragma once

#include "kycloud/storage/database.h"
#include "kycloud/storage/usage_store.h"

namespace kycloud::storage {

class SqlUsageStore final : public UsageStore {
 public:
  // `db` must outlive the store.
  explicit SqlUsageStore(Database& db) : db_(db) {}
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
  Database& db_;
};

}  // namespace kycloud::storage
