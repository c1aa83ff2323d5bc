// MeteringStack: the usage ledger over the database, as the CLI's ingest commands need it — the
// usage store, the case manager (compute alerts) and report manager (training-run drafts) with
// the audit log, signed with the service's key when its file exists.
//
// Thread-safety: as UsageLedger.
#pragma once

#include <memory>
#include <optional>

#include "commands.h"
#include "kycloud/audit/audit_log.h"
#include "kycloud/audit/signing_key.h"
#include "kycloud/cases/case_manager.h"
#include "kycloud/cases/report_manager.h"
#include "kycloud/metering/usage_ledger.h"
#include "kycloud/storage/sql_audit_store.h"
#include "kycloud/storage/sql_case_store.h"
#include "kycloud/storage/sql_disposition_store.h"
#include "kycloud/storage/sql_usage_store.h"

namespace kycloud::app {

// The thresholds policy: [compute] thresholds_file when set, else the bundled one. Errors: the
// file's (NotFound, InvalidArgument naming file:line and the key).
Result<compute::ComputePolicy> LoadComputePolicy(const Config& config);

struct MeteringStack {
  Opened o;
  compute::ComputePolicy policy;
  std::optional<audit::SigningKey> key;
  std::unique_ptr<storage::SqlAuditStore> audit_store;
  std::unique_ptr<audit::AuditLog> log;
  std::unique_ptr<storage::SqlCaseStore> case_store;
  std::unique_ptr<storage::SqlReportStore> report_store;
  std::unique_ptr<storage::SqlDispositionStore> dispositions;
  std::unique_ptr<storage::SqlUsageStore> usage_store;
  std::unique_ptr<cases::CaseManager> cases;
  std::unique_ptr<cases::ReportManager> reports;
  std::unique_ptr<metering::UsageLedger> ledger;
};

// Opens the database and builds the stack, or Fail()s.
std::unique_ptr<MeteringStack> OpenMeteringOrFail(const CommonFlags& flags);

}  // namespace kycloud::app
