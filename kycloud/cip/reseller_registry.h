// ResellerRegistry (R18-R20; proposed 15 CFR 7.302(c)): the provider's register of its foreign
// resellers. A reseller is a customer whose CIP record says it resells (`is_reseller`); the
// registry keeps whose CIP it runs (its own, or the provider's, adopted), whether its contract
// flows the rule down and whether it passes its customers' training-run reports on, and its
// compliance status:
//   compliant      nothing outstanding;
//   non_compliant  found deficient (or its contract does not flow the rule down, or it does not
//                  pass reports on — R20): the termination clock starts, `terminate_by` = the
//                  finding + the policy's [resellers] termination_days (30), and an alert is
//                  raised; remedied (back to compliant) clears the clock;
//   terminated     the provider ended the relationship: the reseller's account is closed.
// Requests (JSON): {"customer_id", "cip": "own" | "adopted", "cip_document" (where the reseller's
// own CIP document is kept: produced on request, R17), "contract_flow_down": bool,
// "reports_pass_through": bool, "compliance_status", "note"}; an update may send any subset.
//
// Thread-safety: safe from many threads (the stores'; revisions guard updates).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kycloud/base/clock.h"
#include "kycloud/cases/case_manager.h"
#include "kycloud/cip/onboarding.h"
#include "kycloud/storage/reseller_store.h"

namespace kycloud::cip {

struct ResellerView {
  storage::ResellerRow row;
  std::optional<int> days_left;  // until terminate_by (negative when overdue)
  bool overdue = false;          // non-compliant past terminate_by
  std::optional<std::string> alert_id;

  // The API's JSON object.
  std::string Json() const;
};

class ResellerRegistry {
 public:
  // The references (and `cases`, which may be null) must outlive the registry.
  ResellerRegistry(storage::ResellerStore& resellers, Onboarding& onboarding,
                   cases::CaseManager* cases, const Clock& clock);

  // Errors: InvalidArgument naming the field and the rule ("cip.*"; "cip.not_a_reseller" when
  // the customer's record does not say it resells); NotFound (no such customer); AlreadyExists.
  Result<ResellerView> Register(std::string_view body, const std::string& actor);
  // Errors: as Register; NotFound; Aborted on a concurrent update.
  Result<ResellerView> Update(const std::string& id, std::string_view body,
                              const std::string& actor);
  Result<ResellerView> Get(const std::string& id);
  Result<std::vector<ResellerView>> List(const std::optional<std::string>& status);
  // Non-compliant resellers whose termination date is at or before `by`, with days left and
  // overdue as of `as_of` (the due list).
  Result<std::vector<ResellerView>> TerminationsDue(Timestamp by, Timestamp as_of);

 private:
  Result<ResellerView> Apply(storage::ResellerRow row, std::string_view body, bool create,
                             const std::string& actor);
  ResellerView View(storage::ResellerRow row) const { return View(std::move(row), clock_.Now()); }
  static ResellerView View(storage::ResellerRow row, Timestamp as_of);

  storage::ResellerStore& resellers_;
  Onboarding& onboarding_;
  cases::CaseManager* cases_;
  const Clock& clock_;
};

}  // namespace kycloud::cip
