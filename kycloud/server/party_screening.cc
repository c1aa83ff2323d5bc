#include "kycloud/server/party_screening.h"

#include <fmt/format.h>

#include "kycloud/base/sha256.h"
#include "kycloud/server/disposition_routes.h"
#include "kycloud/server/json_body.h"
#include "kycloud/server/screening_json.h"

namespace kycloud::server {

Status RaiseHitAlerts(cases::CaseManager& cases, const screening::ScreeningIndex& index,
                      const screening::ScreeningQuery& query, nlohmann::json& result,
                      const nlohmann::json& audit_ref, const std::string& actor) {
  nlohmann::json raised = nlohmann::json::array();
  const std::string subject_key = screening::SubjectKey(query);
  for (const auto& hit : result["hits"]) {
    if (hit.value("suppressed", false) || hit.value("confirmed", false)) continue;
    const std::string list = hit["list"].get<std::string>();
    const std::string entity_id = hit["entity_id"].get<std::string>();
    const lists::ListEntity* e = index.snapshot().Find(list, entity_id);
    const double score = hit["score"].get<double>();
    nlohmann::json details = {
        {"subject_key", subject_key},
        {"list", list},
        {"entity_id", entity_id},
        {"entity_fingerprint", e ? lists::ListSnapshot::EntityFingerprint(*e) : ""},
        {"name", hit["name"]},
        {"matched_name", hit["matched_name"]},
        {"score", score},
        {"query_name", query.name},
        {"lists_hash", index.snapshot().hash()},
        {"explanation", hit["explanation"]}};
    if (!audit_ref.is_null()) details["screening_audit"] = audit_ref;
    cases::NewAlert alert{
        "screening",
        "screening.hit",
        score >= 0.95 ? "high" : "medium",
        query.subject_id,
        fmt::format("{} hit: {} ({:.2f})", list, hit["name"].get<std::string>(), score),
        DumpJson(details),
        fmt::format("screening|{}|{}|{}", subject_key, list, entity_id)};
    KY_ASSIGN_OR_RETURN(auto r, cases.RaiseAlert(alert, actor));
    raised.push_back({{"alert_id", r.alert.id},
                      {"outcome", r.outcome},
                      {"case_id", r.alert.case_id},
                      {"list", list},
                      {"entity_id", entity_id}});
  }
  result["case_alerts"] = std::move(raised);
  return OkStatus();
}

ServicePartyScreener::ServicePartyScreener(const screening::IndexHolder& holder,
                                           storage::DispositionStore& dispositions,
                                           cases::CaseManager* cases, audit::AuditLog* audit)
    : holder_(holder), dispositions_(dispositions), cases_(cases), audit_(audit) {}

Result<cip::ScreeningOutcome> ServicePartyScreener::Screen(
    const std::vector<screening::ScreeningQuery>& queries) {
  auto index = holder_.Get();
  if (!index) {
    return Err(
        UnavailableError("lists are still loading: the record cannot be screened yet, "
                         "retry shortly"));
  }
  cip::ScreeningOutcome out;
  out.lists_hash = index->snapshot().hash();
  out.queries = queries;
  nlohmann::json results = nlohmann::json::array();
  for (const auto& q : queries) {
    nlohmann::json hits = nlohmann::json::array();
    for (const auto& h : screening::Screen(*index, q)) hits.push_back(HitJson(*index, h));
    results.push_back({{"hits", std::move(hits)}});
  }
  KY_TRY(ApplyDispositions(*index, queries, dispositions_, results));
  size_t listed = 0;
  for (size_t i = 0; i < results.size(); ++i) {
    // The customer's own names (not its owners', payers' or institutions'): a confirmed match
    // lists the customer.
    const bool own = queries[i].subject_id.find('/') == std::string::npos;
    for (const auto& h : results[i]["hits"]) {
      if (h.value("suppressed", false)) {
        ++out.suppressed;
      } else if (h.value("confirmed", false)) {
        if (!own) continue;
        if (h["list"] == "us_bis_entity_list") {
          out.entity_list = true;
        } else {
          ++listed;
        }
      } else {
        ++out.hits;
      }
    }
  }
  out.status = listed > 0 ? "listed" : out.hits > 0 ? "pending" : "clear";
  out.results_json = DumpJson(results);
  return out;
}

Status ServicePartyScreener::Record(cip::ScreeningOutcome& outcome, const std::string& actor) {
  auto index = holder_.Get();
  if (!index) return UnavailableError("lists are still loading");
  nlohmann::json results = nlohmann::json::parse(outcome.results_json, nullptr, false);
  if (!results.is_array() || results.size() != outcome.queries.size()) {
    return InternalError("screening results do not match their queries");
  }
  nlohmann::json audit_ref;
  if (audit_) {
    nlohmann::json qs = nlohmann::json::array();
    for (size_t i = 0; i < outcome.queries.size(); ++i) {
      nlohmann::json hits = nlohmann::json::array();
      for (const auto& h : results[i]["hits"]) {
        hits.push_back({{"list", h["list"]},
                        {"entity_id", h["entity_id"]},
                        {"score", h["score"]},
                        {"suppressed", h["suppressed"]}});
      }
      qs.push_back({{"subject", audit_->PiiDigest(screening::SubjectKey(outcome.queries[i]))},
                    {"hits", std::move(hits)}});
    }
    nlohmann::json data = {
        {"lists_hash", outcome.lists_hash}, {"source", "cip"}, {"queries", std::move(qs)}};
    KY_ASSIGN_OR_RETURN(auto entry, audit_->Append({"screening.result", actor, DumpJson(data)}));
    audit_ref = {{"leaf_index", entry.index}, {"leaf_hash", HexEncode(entry.leaf_hash)}};
  }
  if (!cases_) return OkStatus();
  for (size_t i = 0; i < outcome.queries.size(); ++i) {
    KY_TRY(RaiseHitAlerts(*cases_, *index, outcome.queries[i], results[i], audit_ref, actor));
    for (const auto& a : results[i]["case_alerts"]) {
      outcome.alert_ids.push_back(a["alert_id"].get<std::string>());
    }
  }
  return OkStatus();
}

}  // namespace kycloud::server
