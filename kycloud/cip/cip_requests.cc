#include "kycloud/cip/cip_requests.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <set>

#include "kycloud/base/sha256.h"
#include "kycloud/cases/case_manager.h"
#include "kycloud/cip/cip_error.h"
#include "kycloud/cip/cip_policy.h"

namespace kycloud::cip {

namespace {

using json = nlohmann::json;

constexpr size_t kMaxText = 2000;

json OptTime(const std::optional<Timestamp>& t) {
  return t ? json(FormatRfc3339(*t)) : json(nullptr);
}

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

Status Text(const json& v, const std::string& ptr, bool required, std::string& out) {
  if (!v.is_string()) return Bad(ptr, "cip.type", "must be a string");
  out = v.get<std::string>();
  if (required && out.empty()) return Bad(ptr, "cip.required", "must not be empty");
  if (out.size() > kMaxText) return Bad(ptr, "cip.too_long", "must be at most 2,000 bytes");
  return OkStatus();
}

}  // namespace

std::string CipRequestView::Json() const {
  return Dump({{"id", row.id},
               {"received_at", FormatRfc3339(row.received_at)},
               {"due_at", FormatRfc3339(row.due_at)},
               {"requester", row.requester},
               {"reference", row.reference},
               {"provider", row.provider},
               {"resellers", row.resellers},
               {"note", row.note},
               {"status", row.status},
               {"days_left", days_left ? json(*days_left) : json(nullptr)},
               {"overdue", overdue},
               {"produced_at", OptTime(row.produced_at)},
               {"produced_by", row.produced_by},
               {"package_sha256", row.package_sha256},
               {"created_at", FormatRfc3339(row.created_at)},
               {"created_by", row.created_by},
               {"revision", row.revision}});
}

CipRequests::CipRequests(storage::CipRequestStore& requests, storage::ResellerStore& resellers,
                         const provisioning::ProvisioningService& provisioning,
                         audit::AuditLog* audit, const Clock& clock, std::string provider)
    : requests_(requests),
      resellers_(resellers),
      provisioning_(provisioning),
      audit_(audit),
      clock_(clock),
      provider_(std::move(provider)) {}

CipRequestView CipRequests::View(storage::CipRequestRow row, Timestamp as_of) {
  CipRequestView v;
  if (row.status == "open") {
    // Calendar days (UTC) from today to the due day: 0 on the due day, -1 the day after.
    using std::chrono::days;
    using std::chrono::floor;
    v.days_left = static_cast<int>((floor<days>(row.due_at) - floor<days>(as_of)).count());
    v.overdue = as_of > row.due_at;
  }
  v.row = std::move(row);
  return v;
}

Result<CipRequestView> CipRequests::Open(std::string_view body, const std::string& actor) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Err(Bad("", "cip.json", "the body must be a JSON object"));
  }
  const Timestamp now = clock_.Now();
  storage::CipRequestRow row;
  row.received_at = now;
  bool all_resellers = false;
  for (const auto& [k, v] : j.items()) {
    const std::string ptr = "/" + k;
    if (k == "requester") {
      KY_TRY(Text(v, ptr, true, row.requester));
    } else if (k == "reference") {
      KY_TRY(Text(v, ptr, false, row.reference));
    } else if (k == "note") {
      KY_TRY(Text(v, ptr, false, row.note));
    } else if (k == "received_on") {
      if (!v.is_string()) return Err(Bad(ptr, "cip.type", "must be a date (YYYY-MM-DD)"));
      auto t = ParseRfc3339(v.get<std::string>());
      if (!t) return Err(Bad(ptr, "cip.date", t.error().message()));
      if (*t > now) return Err(Bad(ptr, "cip.future", "must not be in the future"));
      row.received_at = *t;
    } else if (k == "provider") {
      if (!v.is_boolean()) return Err(Bad(ptr, "cip.type", "must be true or false"));
      row.provider = v;
    } else if (k == "resellers") {
      if (v.is_string() && v == "all") {
        all_resellers = true;
        continue;
      }
      if (!v.is_array()) {
        return Err(Bad(ptr, "cip.type", "must be an array of reseller ids, or \"all\""));
      }
      std::set<std::string> seen;
      for (size_t i = 0; i < v.size(); ++i) {
        const std::string p = fmt::format("{}/{}", ptr, i);
        if (!v[i].is_string() || v[i].get<std::string>().empty()) {
          return Err(Bad(p, "cip.type", "must be a reseller's customer id"));
        }
        const std::string id = v[i];
        if (!seen.insert(id).second) continue;
        auto r = resellers_.Get(id);
        if (!r) {
          if (r.error().code() != StatusCode::kNotFound) return Err(r.error());
          return Err(Bad(p, "cip.unknown_reseller",
                         fmt::format("'{}' is not in the reseller registry", id)));
        }
        row.resellers.push_back(id);
      }
    } else {
      return Err(Bad(ptr, "cip.unknown_field", "is not a field of a CIP request"));
    }
  }
  if (row.requester.empty()) {
    return Err(Bad("/requester", "cip.required", "is required (who asked for the CIPs)"));
  }
  if (all_resellers) {
    KY_ASSIGN_OR_RETURN(auto all, resellers_.List(std::nullopt));
    for (const auto& r : all) {
      if (r.compliance_status != "terminated") row.resellers.push_back(r.customer_id);
    }
  }
  if (!row.provider && row.resellers.empty()) {
    return Err(Bad("/resellers", "cip.empty_request",
                   "a request asks for the provider's CIP, resellers' CIPs or both"));
  }
  auto pol = provisioning_.policy();
  auto rules = CipPolicy::ForPolicy(*pol);
  if (!rules) {
    if (rules.error().code() != StatusCode::kNotFound) return Err(rules.error());
    return Err(FailedPreconditionError("the policy in force has no CIP rules (cip.toml)")
                   .WithReason("cip.no_policy"));
  }
  // Days are calendar days: due by the end of the UTC day `response_days` after receipt.
  row.due_at = std::chrono::floor<std::chrono::days>(row.received_at) +
               std::chrono::days((*rules)->request_response_days + 1) -
               std::chrono::microseconds(1);
  row.id = cases::NewId("cipreq");
  row.created_at = now;
  row.created_by = actor;
  if (audit_) {
    KY_TRY(audit_->Append({"cip.request_opened", actor,
                           Dump({{"id", row.id},
                                 {"received_at", FormatRfc3339(row.received_at)},
                                 {"due_at", FormatRfc3339(row.due_at)},
                                 {"provider", row.provider},
                                 {"resellers", row.resellers}})}));
  }
  KY_ASSIGN_OR_RETURN(storage::CipRequestRow stored, requests_.Put(row));
  return View(std::move(stored), now);
}

Result<CipRequestView> CipRequests::Get(const std::string& id) {
  KY_ASSIGN_OR_RETURN(storage::CipRequestRow row, requests_.Get(id));
  return View(std::move(row), clock_.Now());
}

Result<std::vector<CipRequestView>> CipRequests::List(const std::optional<std::string>& status) {
  KY_ASSIGN_OR_RETURN(auto rows, requests_.List(status));
  std::vector<CipRequestView> out;
  const Timestamp now = clock_.Now();
  for (auto& r : rows) out.push_back(View(std::move(r), now));
  return out;
}

Result<std::vector<CipRequestView>> CipRequests::Due(Timestamp as_of) {
  KY_ASSIGN_OR_RETURN(auto rows, requests_.List(std::string("open")));
  std::vector<CipRequestView> out;
  for (auto& r : rows) out.push_back(View(std::move(r), as_of));
  return out;
}

Result<CipPackage> CipRequests::Produce(const std::string& id, const std::string& actor) {
  KY_ASSIGN_OR_RETURN(storage::CipRequestRow row, requests_.Get(id));
  if (row.status == "withdrawn") {
    return Err(FailedPreconditionError(fmt::format("CIP request '{}' was withdrawn", id))
                   .WithReason("cip.request_withdrawn"));
  }
  const Timestamp now = clock_.Now();
  auto pol = provisioning_.policy();
  json provider_cip = nullptr;
  for (const policy::PolicyFile& f : pol->files()) {
    if (f.name != "cip.toml") continue;
    KY_ASSIGN_OR_RETURN(auto rules, CipPolicy::ForPolicy(*pol));
    provider_cip = {{"policy_version", pol->Id()},
                    {"cip_version", rules->version},
                    {"file", f.name},
                    {"sha256", Sha256Hex(f.text)},
                    {"text", f.text}};
  }
  if (row.provider && provider_cip.is_null()) {
    return Err(FailedPreconditionError("the policy in force has no CIP rules (cip.toml)")
                   .WithReason("cip.no_policy"));
  }
  json resellers = json::array();
  std::vector<std::string> missing;
  bool any_adopted = false;
  for (const std::string& rid : row.resellers) {
    KY_ASSIGN_OR_RETURN(storage::ResellerRow r, resellers_.Get(rid));
    json entry = {{"customer_id", r.customer_id},
                  {"cip", r.cip},
                  {"contract_flow_down", r.contract_flow_down},
                  {"reports_pass_through", r.reports_pass_through},
                  {"compliance_status", r.compliance_status}};
    if (r.cip == "adopted") {
      any_adopted = true;
      entry["cip_document"] = nullptr;
      entry["statement"] = fmt::format("runs {}'s CIP (adopted): see provider_cip", provider_);
      if (provider_cip.is_null()) missing.push_back(rid + " (adopted, and no provider CIP)");
      entry["provider_cip_sha256"] =
          provider_cip.is_null() ? json(nullptr) : provider_cip["sha256"];
    } else {
      entry["cip_document"] = r.cip_document;
      entry["statement"] = "runs its own CIP: the document on file";
      if (r.cip_document.empty()) missing.push_back(rid);
    }
    resellers.push_back(std::move(entry));
  }
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
    return Err(FailedPreconditionError(
                   fmt::format("no CIP document on file for reseller(s) {}: record the reference "
                               "in the reseller registry (cip_document), then produce",
                               list))
                   .WithReason("cip.request_incomplete"));
  }
  json package = {{"kind", "cip_production"},
                  {"provider", provider_},
                  {"request",
                   {{"id", row.id},
                    {"received_at", FormatRfc3339(row.received_at)},
                    {"due_at", FormatRfc3339(row.due_at)},
                    {"requester", row.requester},
                    {"reference", row.reference}}},
                  {"produced_at", FormatRfc3339(now)},
                  {"produced_by", actor},
                  {"on_time", now <= row.due_at},
                  // An adopted CIP is the provider's: it goes with the package then too.
                  {"provider_cip", row.provider || any_adopted ? provider_cip : json(nullptr)},
                  {"resellers", std::move(resellers)}};
  CipPackage out;
  out.json = Dump(package);
  out.sha256 = Sha256Hex(out.json);
  if (audit_) {
    KY_TRY(audit_->Append(
        {"cip.request_produced", actor,
         Dump({{"id", row.id}, {"package_sha256", out.sha256}, {"on_time", now <= row.due_at}})}));
  }
  if (row.status == "open") {
    row.status = "produced";
    row.produced_at = now;
    row.produced_by = actor;
    row.package_sha256 = out.sha256;
    KY_ASSIGN_OR_RETURN(row, requests_.Put(row));
  }
  out.request = View(std::move(row), now);
  return out;
}

Result<CipRequestView> CipRequests::Withdraw(const std::string& id, std::string_view body,
                                             const std::string& actor) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Err(Bad("", "cip.json", "the body must be a JSON object"));
  }
  std::string reason;
  for (const auto& [k, v] : j.items()) {
    if (k != "reason") {
      return Err(Bad("/" + k, "cip.unknown_field", "is not a field of a withdrawal (reason)"));
    }
    KY_TRY(Text(v, "/reason", true, reason));
  }
  if (reason.empty()) {
    return Err(Bad("/reason", "cip.required", "is required (why the request is withdrawn)"));
  }
  KY_ASSIGN_OR_RETURN(storage::CipRequestRow row, requests_.Get(id));
  if (row.status != "open") {
    return Err(FailedPreconditionError(fmt::format("CIP request '{}' is {}", id, row.status))
                   .WithReason("cip.request_closed"));
  }
  if (audit_) {
    KY_TRY(audit_->Append(
        {"cip.request_withdrawn", actor, Dump({{"id", row.id}, {"reason", reason}})}));
  }
  row.status = "withdrawn";
  row.note = row.note.empty() ? "withdrawn: " + reason : row.note + "\nwithdrawn: " + reason;
  KY_ASSIGN_OR_RETURN(row, requests_.Put(row));
  return View(std::move(row), clock_.Now());
}

}  // namespace kycloud::cip
