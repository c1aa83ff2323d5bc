#include "kycloud/server/screening_json.h"

#include <fmt/format.h>

#include <cmath>

namespace kycloud::server {

namespace {

double Round(double v, double scale) { return std::round(v * scale) / scale; }

// The first of `keys` present: a string, or a number written as text. Errors for other types.
Result<std::string> Field(const nlohmann::json& q, std::initializer_list<const char*> keys,
                          std::string_view pointer) {
  for (const char* k : keys) {
    auto it = q.find(k);
    if (it == q.end() || it->is_null()) continue;
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number()) return it->dump();
    return Err(InvalidArgumentError(fmt::format("'{}' must be a string", k))
                   .WithField(fmt::format("{}/{}", pointer, k)));
  }
  return std::string();
}

}  // namespace

nlohmann::json HitJson(const screening::ScreeningIndex& index, const screening::Hit& h) {
  const lists::ListEntity& e = index.snapshot().entities()[h.entity];
  nlohmann::json aligned = nlohmann::json::array();
  for (const auto& p : h.detail.aligned) {
    aligned.push_back({{"query", p.query},
                       {"candidate", p.candidate},
                       {"similarity", Round(p.similarity, 1000)},
                       {"weight", Round(p.weight, 1000)}});
  }
  nlohmann::json out = {{"list", e.list},
                        {"entity_id", e.id},
                        {"name", e.primary_name()},
                        {"matched_name", h.matched_name},
                        {"score", Round(h.score, 10000)},
                        {"explanation",
                         {{"name_score", Round(h.name_score, 10000)},
                          {"matched_name_kind", lists::NameKindName(h.matched_kind)},
                          {"aligned", std::move(aligned)},
                          {"unmatched_query", h.detail.unmatched_query},
                          {"unmatched_candidate", h.detail.unmatched_candidate},
                          {"features", h.features},
                          {"schema", lists::SchemaName(e.schema)}}}};
  if (h.detail.cross_script > 0) {
    out["explanation"]["cross_script"] = Round(h.detail.cross_script, 10000);
  }
  return out;
}

nlohmann::json OfacHitJson(const screening::OfacIndex& index, const screening::OfacIndex::Hit& h) {
  const lists::ListEntity& e = index.snapshot().entities()[h.entity];
  const lists::EntityName& n = e.names[h.name];
  return {{"list", e.list},
          {"entity_id", e.id},
          {"name", e.primary_name()},
          {"matched_name", n.text},
          {"score", h.score / 100.0},
          {"explanation",
           {{"algorithm", "ofac"},
            {"ofac_score", h.score},
            {"matched_name_kind", lists::NameKindName(n.kind)},
            {"schema", lists::SchemaName(e.schema)}}}};
}

Result<screening::ScreeningQuery> QueryFromJson(const nlohmann::json& q, std::string_view pointer) {
  if (!q.is_object()) {
    return Err(
        InvalidArgumentError("a query must be a JSON object").WithField(std::string(pointer)));
  }
  screening::ScreeningQuery out;
  KY_ASSIGN_OR_RETURN(out.name, Field(q, {"name", "full_name"}, pointer));
  if (out.name.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Err(InvalidArgumentError("'name' (or 'full_name') is required")
                   .WithField(fmt::format("{}/name", pointer)));
  }
  KY_ASSIGN_OR_RETURN(std::string schema, Field(q, {"schema"}, pointer));
  if (!schema.empty()) {
    lists::Schema s;
    if (!lists::ParseSchema(schema, s)) {
      return Err(InvalidArgumentError(fmt::format("unknown schema '{}' (Person, Company, "
                                                  "Organization, LegalEntity, Vessel, Airplane)",
                                                  schema))
                     .WithField(fmt::format("{}/schema", pointer)));
    }
    out.schema = s;
  }
  KY_ASSIGN_OR_RETURN(out.date_of_birth, Field(q, {"date_of_birth", "dob"}, pointer));
  KY_ASSIGN_OR_RETURN(out.country, Field(q, {"nationality", "country"}, pointer));
  KY_ASSIGN_OR_RETURN(out.id, Field(q, {"id"}, pointer));
  KY_ASSIGN_OR_RETURN(out.subject_id, Field(q, {"subject_id"}, pointer));
  return out;
}

}  // namespace kycloud::server
