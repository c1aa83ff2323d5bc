// SqlCaseStore and SqlReportStore: CaseStore and ReportStore on a Database (SQLite or
// PostgreSQL); tables cases, alerts, case_events, evidence_files and reports (migration 4).
//
// Thread-safety: as CaseStore and ReportStore.
#pragma once

#include "kycloud/storage/case_store.h"
#include "kycloud/storage/database.h"
#include "kycloud/storage/report_store.h"

namespace kycloud::storage {

class SqlCaseStore final : public CaseStore {
 public:
  // `db` must outlive the store.
  explicit SqlCaseStore(Database& db) : db_(db) {}
  Status Transact(const std::function<Status(CaseTx&)>& body) override;
  Result<std::optional<CaseRecord>> GetCase(const std::string& id) override;
  Result<std::vector<CaseRecord>> ListCases(const CaseFilter& filter) override;
  Result<std::optional<AlertRecord>> GetAlert(const std::string& id) override;
  Result<std::vector<AlertRecord>> ListAlerts(const AlertFilter& filter) override;
  Result<std::vector<CaseEventRecord>> EventsOf(const std::string& case_id) override;
  Result<std::optional<EvidenceFile>> GetEvidence(const std::string& sha256) override;
  Result<std::vector<CaseEventRecord>> EventsWithoutAudit(size_t limit) override;
  Status SetEventAudit(const std::string& case_id, std::int64_t seq,
                       std::int64_t audit_index) override;

 private:
  Database& db_;
};

class SqlReportStore final : public ReportStore {
 public:
  // `db` must outlive the store.
  explicit SqlReportStore(Database& db) : db_(db) {}
  Status Insert(const ReportRecord& r) override;
  Status Update(const ReportRecord& r, std::int64_t expected_version) override;
  Result<std::optional<ReportRecord>> Get(const std::string& id) override;
  Result<std::vector<ReportRecord>> List(const ReportFilter& filter) override;

 private:
  Database& db_;
};

}  // namespace kycloud::storage
