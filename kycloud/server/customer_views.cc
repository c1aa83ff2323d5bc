#include "kycloud/server/customer_views.h"

#include "kycloud/base/time.h"
#include "kycloud/cip/customer_json.h"

namespace kycloud::server {

using nlohmann::json;

nlohmann::json RowJson(const storage::CustomerRow& r) {
  json j = {{"id", r.id},
            {"kind", r.kind},
            {"status", r.status},
            {"country", r.country},
            {"headquarters_country", r.headquarters_country},
            {"decision", r.decision},
            {"verification", r.verification},
            {"us_person", r.us_person},
            {"risk_level", r.risk_level},
            {"policy_version", r.policy_id},
            {"legal_hold", r.legal_hold},
            {"revision", r.revision},
            {"created_at", FormatRfc3339(r.created_at)},
            {"updated_at", FormatRfc3339(r.updated_at)}};
  j["reverify_due"] = r.reverify_due ? json(FormatRfc3339(*r.reverify_due)) : json(nullptr);
  j["verified_at"] = r.verified_at ? json(FormatRfc3339(*r.verified_at)) : json(nullptr);
  j["verification_resolution"] =
      r.verification_resolution.empty() ? json(nullptr) : json(r.verification_resolution);
  j["closed_at"] = r.closed_at ? json(FormatRfc3339(*r.closed_at)) : json(nullptr);
  j["last_access_at"] = r.last_access_at ? json(FormatRfc3339(*r.last_access_at)) : json(nullptr);
  j["classification"] = json::parse(r.classification_json, nullptr, false);
  j["risk"] = json::parse(r.risk_json, nullptr, false);
  return j;
}

nlohmann::json ResultJson(const cip::OnboardingResult& r) {
  json j = RowJson(r.row);
  json reasons = json::array();
  for (const auto& x : r.reasons) {
    reasons.push_back({{"rule", x.rule},
                       {"regime", x.regime},
                       {"action", policy::ActionName(x.action)},
                       {"text", x.text}});
  }
  j["reasons"] = std::move(reasons);
  j["alert_id"] = r.alert_id ? json(*r.alert_id) : json(nullptr);
  if (r.screening) {
    j["screening"] = {{"status", r.screening->status},
                      {"hits", r.screening->hits},
                      {"suppressed", r.screening->suppressed},
                      {"lists_hash", r.screening->lists_hash},
                      {"alerts", r.screening->alert_ids}};
  }
  j["record"] = json::parse(cip::CustomerJson(r.customer), nullptr, false);
  return j;
}

nlohmann::json LinkedGroupJson(const cip::LinkedEvidence& e) {
  return {{"group", e.group.empty() ? json(nullptr) : json(e.group)},
          {"members", e.members},
          {"countries", e.countries}};
}

}  // namespace kycloud::server
