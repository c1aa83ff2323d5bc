#include "kycloud/cip/reseller_registry.h"

#include "kycloud/cip/cip_error.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace kycloud::cip {

namespace {

using json = nlohmann::json;

json OptTime(const std::optional<Timestamp>& t) {
  return t ? json(FormatRfc3339(*t)) : json(nullptr);
}

}  // namespace

std::string ResellerView::Json() const {
  json j = {{"customer_id", row.customer_id},
            {"cip", row.cip},
            {"cip_document", row.cip_document},
            {"contract_flow_down", row.contract_flow_down},
            {"reports_pass_through", row.reports_pass_through},
            {"compliance_status", row.compliance_status},
            {"noncompliant_since", OptTime(row.noncompliant_since)},
            {"terminate_by", OptTime(row.terminate_by)},
            {"terminated_at", OptTime(row.terminated_at)},
            {"days_left", days_left ? json(*days_left) : json(nullptr)},
            {"overdue", overdue},
            {"note", row.note},
            {"updated_at", FormatRfc3339(row.updated_at)},
            {"updated_by", row.updated_by},
            {"revision", row.revision}};
  if (alert_id) j["alert_id"] = *alert_id;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

ResellerRegistry::ResellerRegistry(storage::ResellerStore& resellers, Onboarding& onboarding,
                                   cases::CaseManager* cases, const Clock& clock)
    : resellers_(resellers), onboarding_(onboarding), cases_(cases), clock_(clock) {}

ResellerView ResellerRegistry::View(storage::ResellerRow row, Timestamp as_of) {
  ResellerView v;
  if (row.compliance_status == "non_compliant" && row.terminate_by) {
    auto left = std::chrono::ceil<std::chrono::days>(*row.terminate_by - as_of);
    v.days_left = static_cast<int>(left.count());
    v.overdue = as_of > *row.terminate_by;
  }
  v.row = std::move(row);
  return v;
}

Result<std::vector<ResellerView>> ResellerRegistry::TerminationsDue(Timestamp by, Timestamp as_of) {
  KY_ASSIGN_OR_RETURN(auto rows, resellers_.List(std::string("non_compliant")));
  std::vector<ResellerView> out;
  for (auto& r : rows) {
    if (r.terminate_by && *r.terminate_by <= by) out.push_back(View(std::move(r), as_of));
  }
  return out;
}

Result<ResellerView> ResellerRegistry::Register(std::string_view body, const std::string& actor) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Err(Bad("", "cip.json", "the body must be a JSON object"));
  }
  if (!j.contains("customer_id") || !j["customer_id"].is_string()) {
    return Err(Bad("/customer_id", "cip.required", "is required (the reseller's customer id)"));
  }
  storage::ResellerRow row;
  row.customer_id = j["customer_id"];
  return Apply(std::move(row), body, true, actor);
}

Result<ResellerView> ResellerRegistry::Update(const std::string& id, std::string_view body,
                                              const std::string& actor) {
  KY_ASSIGN_OR_RETURN(storage::ResellerRow row, resellers_.Get(id));
  return Apply(std::move(row), body, false, actor);
}

Result<ResellerView> ResellerRegistry::Get(const std::string& id) {
  KY_ASSIGN_OR_RETURN(storage::ResellerRow row, resellers_.Get(id));
  return View(std::move(row));
}

Result<std::vector<ResellerView>> ResellerRegistry::List(const std::optional<std::string>& status) {
  KY_ASSIGN_OR_RETURN(auto rows, resellers_.List(status));
  std::vector<ResellerView> out;
  for (auto& r : rows) out.push_back(View(std::move(r)));
  return out;
}

Result<ResellerView> ResellerRegistry::Apply(storage::ResellerRow row, std::string_view body,
                                             bool create, const std::string& actor) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Err(Bad("", "cip.json", "the body must be a JSON object"));
  }
  std::string status = row.compliance_status;
  for (const auto& [k, v] : j.items()) {
    const std::string ptr = "/" + k;
    if (k == "customer_id") {
      if (!create && v != row.customer_id) {
        return Err(Bad(ptr, "cip.immutable", "cannot change; register the other customer"));
      }
    } else if (k == "cip" || k == "compliance_status" || k == "note" || k == "cip_document") {
      if (!v.is_string()) return Err(Bad(ptr, "cip.type", "must be a string"));
      const std::string s = v;
      if (k == "cip") {
        if (s != "own" && s != "adopted")
          return Err(Bad(ptr, "cip.enum", "must be own or adopted"));
        row.cip = s;
      } else if (k == "compliance_status") {
        if (s != "compliant" && s != "non_compliant" && s != "terminated") {
          return Err(Bad(ptr, "cip.enum", "must be compliant, non_compliant or terminated"));
        }
        status = s;
      } else if (k == "cip_document") {
        if (s.size() > 2000) return Err(Bad(ptr, "cip.too_long", "must be at most 2000 bytes"));
        row.cip_document = s;
      } else {
        if (s.size() > 4000) return Err(Bad(ptr, "cip.too_long", "must be at most 4000 bytes"));
        row.note = s;
      }
    } else if (k == "contract_flow_down" || k == "reports_pass_through") {
      if (!v.is_boolean()) return Err(Bad(ptr, "cip.type", "must be true or false"));
      (k == "contract_flow_down" ? row.contract_flow_down : row.reports_pass_through) = v;
    } else {
      return Err(Bad(ptr, "cip.unknown_field", "is not a field of a reseller"));
    }
  }
  if (row.compliance_status == "terminated" && status != "terminated") {
    return Err(Bad("/compliance_status", "cip.terminated",
                   "a terminated reseller stays terminated; register a new relationship"));
  }
  // The rule's conditions (R18, R20): without the flow-down or the report pass-through the
  // reseller is non-compliant whatever was sent.
  std::vector<std::string> findings;
  if (!row.contract_flow_down) findings.push_back("its contract does not flow the rule down");
  if (!row.reports_pass_through) {
    findings.push_back("it does not pass its customers' training-run reports on");
  }
  if (status == "compliant" && !findings.empty()) status = "non_compliant";

  KY_ASSIGN_OR_RETURN(auto customer, onboarding_.Get(row.customer_id));
  if (!customer.second.is_reseller) {
    return Err(Bad("/customer_id", "cip.not_a_reseller",
                   fmt::format("customer '{}' is not a reseller (its record has is_reseller "
                               "false)",
                               row.customer_id)));
  }
  KY_ASSIGN_OR_RETURN(CipPolicy cip, onboarding_.CipRules());
  const Timestamp now = clock_.Now();
  const bool newly_noncompliant =
      status == "non_compliant" && (create || row.compliance_status != "non_compliant");
  if (newly_noncompliant) {
    row.noncompliant_since = now;
    row.terminate_by = now + std::chrono::days(cip.reseller_termination_days);
  } else if (status == "compliant") {
    row.noncompliant_since.reset();
    row.terminate_by.reset();
  }
  const bool newly_terminated = status == "terminated" && row.compliance_status != "terminated";
  if (newly_terminated) row.terminated_at = now;
  // Side effects first, each idempotent, so that a failure leaves the status unchanged and a
  // retry does them again: the account is closed, the alert raised (deduplicated by the date of
  // the finding), then the status stored.
  if (status == "terminated" && customer.first.status != "closed") {
    KY_TRY(onboarding_.Close(row.customer_id, actor));
  }
  std::optional<std::string> alert_id;
  if (newly_noncompliant && cases_) {
    cases::NewAlert a;
    a.source = "cip";
    a.kind = "cip.reseller-noncompliant";
    a.severity = "high";
    a.subject = row.customer_id;
    a.title = fmt::format("Reseller non-compliant: terminate by {} unless remedied",
                          FormatRfc3339(*row.terminate_by).substr(0, 10));
    a.details_json = json{
        {"terminate_by", FormatRfc3339(*row.terminate_by)},
        {"findings", findings},
        {"note", row.note},
        {"cip", row.cip},
        {"policy_version",
         cip.version}}.dump(-1, ' ', false, json::error_handler_t::replace);
    a.dedup_key = "reseller-noncompliant:" + FormatRfc3339(*row.noncompliant_since);
    KY_ASSIGN_OR_RETURN(auto raised, cases_->RaiseAlert(a, actor));
    alert_id = raised.alert.id;
  }
  row.compliance_status = status;
  row.updated_at = now;
  row.updated_by = actor;
  KY_ASSIGN_OR_RETURN(storage::ResellerRow stored, resellers_.Put(row));
  ResellerView view = View(std::move(stored));
  view.alert_id = std::move(alert_id);
  return view;
}

}  // namespace kycloud::cip
