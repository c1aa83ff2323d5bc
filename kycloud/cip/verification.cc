#include "kycloud/cip/verification.h"

#include "kycloud/cip/cip_error.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace kycloud::cip {

namespace {

using json = nlohmann::json;

Result<std::string> OneOf(const json& j, const char* key,
                          std::initializer_list<std::string_view> ok, bool required) {
  const std::string ptr = std::string("/") + key;
  if (!j.contains(key)) {
    if (required) return Err(Bad(ptr, "cip.required", "is required"));
    return std::string();
  }
  if (!j[key].is_string()) return Err(Bad(ptr, "cip.type", "must be a string"));
  std::string v = j[key];
  for (std::string_view a : ok) {
    if (v == a) return v;
  }
  std::string allowed;
  for (std::string_view a : ok) allowed += (allowed.empty() ? "" : ", ") + std::string(a);
  return Err(Bad(ptr, "cip.enum", fmt::format("must be one of {}", allowed)));
}

}  // namespace

Result<VerificationRequest> ParseVerificationRequest(std::string_view body, const CipPolicy& cip) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Err(Bad("", "cip.json", "the body must be a JSON object"));
  }
  for (const auto& [k, v] : j.items()) {
    if (k != "outcome" && k != "method" && k != "evidence" && k != "resolution" && k != "note") {
      return Err(Bad("/" + k, "cip.unknown_field", "is not a field of a verification"));
    }
  }
  VerificationRequest r;
  KY_ASSIGN_OR_RETURN(r.outcome, OneOf(j, "outcome", {"verified", "failed", "reopened"}, true));
  const bool resolved = r.outcome != "reopened";
  KY_ASSIGN_OR_RETURN(r.method, OneOf(j, "method", {"documentary", "non_documentary"}, resolved));
  if (!resolved && !r.method.empty()) {
    return Err(Bad("/method", "cip.not_applicable", "applies to verified and failed outcomes"));
  }
  if (j.contains("evidence")) {
    const json& e = j["evidence"];
    if (!e.is_array()) return Err(Bad("/evidence", "cip.type", "must be an array of strings"));
    for (size_t i = 0; i < e.size(); ++i) {
      const std::string ptr = fmt::format("/evidence/{}", i);
      if (!e[i].is_string() || e[i].get<std::string>().empty()) {
        return Err(Bad(ptr, "cip.type", "must be a non-empty string"));
      }
      if (e[i].get<std::string>().size() > 500) {
        return Err(Bad(ptr, "cip.too_long", "must be at most 500 bytes"));
      }
      r.evidence.push_back(e[i]);
    }
  }
  if (resolved && r.evidence.empty()) {
    return Err(Bad("/evidence", "cip.evidence_required",
                   "must name at least one document or check (R9: keep the evidence)"));
  }
  KY_ASSIGN_OR_RETURN(r.resolution,
                      OneOf(j, "resolution", {"deny", "restrict_and_monitor", "close"}, false));
  if (!r.resolution.empty() && r.outcome != "failed") {
    return Err(Bad("/resolution", "cip.not_applicable", "applies to a failed verification"));
  }
  if (r.outcome == "failed" && r.resolution.empty()) r.resolution = cip.failed_action;
  if (j.contains("note")) {
    if (!j["note"].is_string()) return Err(Bad("/note", "cip.type", "must be a string"));
    r.note = j["note"];
    if (r.note.size() > 4000)
      return Err(Bad("/note", "cip.too_long", "must be at most 4000 bytes"));
  }
  return r;
}

std::string VerificationRequest::DetailsJson() const {
  return json{{"evidence", evidence}, {"note", note}}.dump(-1, ' ', false,
                                                           json::error_handler_t::replace);
}

}  // namespace kycloud::cip
