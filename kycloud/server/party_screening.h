// Screening of parties for the service: the PartyScreener of onboarding (cip/party_screener.h)
// over the loaded list index, officers' dispositions and the case manager — the same hits,
// suppression and alerts as POST /v1/screen — and RaiseHitAlerts(), which both use.
//
// Thread-safety: safe from many threads (the index is immutable; stores and the case manager are).
#pragma once

#include <nlohmann/json.hpp>

#include "kycloud/audit/audit_log.h"
#include "kycloud/cases/case_manager.h"
#include "kycloud/cip/party_screener.h"
#include "kycloud/screening/index_holder.h"
#include "kycloud/storage/disposition_store.h"

namespace kycloud::server {

// Raises an alert for each hit of `result` (one query's {"hits": [...]}, dispositions applied)
// that is not suppressed; the query needs a subject_id. Adds "case_alerts" to `result`.
Status RaiseHitAlerts(cases::CaseManager& cases, const screening::ScreeningIndex& index,
                      const screening::ScreeningQuery& query, nlohmann::json& result,
                      const nlohmann::json& audit_ref, const std::string& actor);

class ServicePartyScreener final : public cip::PartyScreener {
 public:
  // The references (and `cases`, `audit`, which may be null) must outlive the screener.
  ServicePartyScreener(const screening::IndexHolder& holder,
                       storage::DispositionStore& dispositions, cases::CaseManager* cases,
                       audit::AuditLog* audit);

  Result<cip::ScreeningOutcome> Screen(const std::vector<screening::ScreeningQuery>& q) override;
  Status Record(cip::ScreeningOutcome& outcome, const std::string& actor) override;

 private:
  const screening::IndexHolder& holder_;
  storage::DispositionStore& dispositions_;
  cases::CaseManager* cases_;
  audit::AuditLog* audit_;
};

}  // namespace kycloud::server
