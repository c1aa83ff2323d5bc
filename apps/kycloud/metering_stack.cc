#include "metering_stack.h"

#include <fstream>
#include <sstream>

#include "kycloud/base/clock.h"

namespace kycloud::app {

Result<compute::ComputePolicy> LoadComputePolicy(const Config& config) {
  if (config.compute_thresholds_file.empty()) return compute::ComputePolicy::Bundled();
  std::ifstream in(config.compute_thresholds_file);
  if (!in) {
    return Err(
        NotFoundError("cannot read compute.thresholds_file " + config.compute_thresholds_file));
  }
  std::stringstream text;
  text << in.rdbuf();
  return compute::ComputePolicy::Parse(text.str(), config.compute_thresholds_file);
}

std::unique_ptr<MeteringStack> OpenMeteringOrFail(const CommonFlags& flags) {
  auto m = std::make_unique<MeteringStack>();
  m->o = OpenOrFail(flags);
  auto policy = LoadComputePolicy(m->o.config);
  if (!policy) Fail(policy.error());
  m->policy = std::move(*policy);
  auto key = audit::SigningKey::Load(m->o.config.audit_signing_key_file, m->o.config.audit.origin);
  if (key.has_value()) m->key = std::move(*key);
  const Clock& clock = SystemClock::Default();
  m->audit_store = std::make_unique<storage::SqlAuditStore>(*m->o.db);
  m->log = std::make_unique<audit::AuditLog>(*m->audit_store, clock, m->key ? &*m->key : nullptr,
                                             m->o.config.audit);
  m->case_store = std::make_unique<storage::SqlCaseStore>(*m->o.db);
  m->report_store = std::make_unique<storage::SqlReportStore>(*m->o.db);
  m->dispositions = std::make_unique<storage::SqlDispositionStore>(*m->o.db);
  m->usage_store = std::make_unique<storage::SqlUsageStore>(*m->o.db);
  m->cases = std::make_unique<cases::CaseManager>(*m->case_store, clock, m->log.get(),
                                                  m->dispositions.get(), m->o.config.cases);
  m->reports =
      std::make_unique<cases::ReportManager>(*m->report_store, *m->case_store, clock, m->log.get());
  m->ledger =
      std::make_unique<metering::UsageLedger>(*m->usage_store, m->cases.get(), m->reports.get(),
                                              compute::Estimator::Bundled(), m->policy, clock);
  return m;
}

}  // namespace kycloud::app
