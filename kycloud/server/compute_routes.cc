#include "kycloud/server/compute_routes.h"

#include <fmt/format.h>

#include "kycloud/compute/usage_parsers.h"
#include "kycloud/metering/compute_json.h"
#include "kycloud/server/json_body.h"
#include "kycloud/server/request_params.h"

namespace kycloud::server {

namespace {

using nlohmann::json;

// The batch as JSON lines (one record per line), whatever the content type.
Result<std::string> BatchAsLines(const HttpRequest& req) {
  if (req.Header("content-type").starts_with("application/x-ndjson")) return req.body;
  KY_ASSIGN_OR_RETURN(json body, ParseJsonObject(req.body));
  KY_TRY(CheckKnownFields(body, {"records"}));
  auto it = body.find("records");
  if (it == body.end() || !it->is_array()) {
    return Err(
        InvalidArgumentError("'records' must be an array of usage records").WithField("/records"));
  }
  std::string lines;
  for (const json& r : *it) {
    // A non-object becomes a line the parser rejects with its index.
    lines += r.dump(-1, ' ', false, json::error_handler_t::replace);
    lines += '\n';
  }
  return lines;
}

}  // namespace

void AddComputeRoutes(Router& router, metering::UsageLedger& ledger) {
  router.Add({.method = Method::kPost, .path = "/v1/usage", .roles = {"admin", "ingest"}},
             [&ledger](const HttpRequest& req, const RequestContext& ctx) -> Result<HttpResponse> {
               const bool ndjson = req.Header("content-type").starts_with("application/x-ndjson");
               KY_ASSIGN_OR_RETURN(std::string lines, BatchAsLines(req));
               compute::ParsedUsage parsed;
               compute::ParseUsageJsonLines(lines, 1, parsed);
               // Where an error points: the record's index in the batch (its line for x-ndjson).
               auto pointer = [ndjson](int line, std::string_view field) {
                 return ndjson ? fmt::format("line {}{}{}", line, field.empty() ? "" : ": ", field)
                               : fmt::format("/records/{}{}{}", line - 1, field.empty() ? "" : "/",
                                             field);
               };
               json errors = json::array();
               for (const auto& e : parsed.errors) {
                 const std::string field = e.message.substr(0, e.message.find(':'));
                 const bool named = field.find(' ') == std::string::npos && field != e.message;
                 errors.push_back({{"index", e.line - 1},
                                   {"field", pointer(e.line, named ? field : "")},
                                   {"message", e.message}});
               }
               if (parsed.records.empty()) {
                 if (parsed.errors.empty()) {
                   return Err(InvalidArgumentError("the batch holds no usage records")
                                  .WithField(ndjson ? "" : "/records"));
                 }
                 const auto& first = errors[0];
                 return Err(InvalidArgumentError(fmt::format("no valid usage record: {}",
                                                             first["message"].get<std::string>()))
                                .WithField(first["field"].get<std::string>()));
               }
               KY_ASSIGN_OR_RETURN(auto result, ledger.Apply(parsed.records, ActorOf(ctx)));
               for (const auto& e : result.errors) {
                 errors.push_back({{"record_id", e.record_id},
                                   {"field", std::string(e.status.field())},
                                   {"message", std::string(e.status.message())}});
               }
               json crossings = json::array();
               for (const auto& c : result.crossings) {
                 crossings.push_back({{"subject", c.subject},
                                      {"tier", c.tier},
                                      {"measure_ops", c.measure},
                                      {"alert_id", c.alert_id},
                                      {"report_id", c.report_id}});
               }
               return HttpResponse::Json(
                   200, DumpJson({{"received", result.received + parsed.errors.size()},
                                  {"accepted", result.accepted},
                                  {"duplicates", result.duplicates},
                                  {"errors", std::move(errors)},
                                  {"crossings", std::move(crossings)}}));
             });

  router.Add({.method = Method::kGet,
              .path = "/v1/accounts/{id}/compute",
              .roles = {"admin", "officer", "auditor"}},
             [&ledger](const HttpRequest& req, const RequestContext&) -> Result<HttpResponse> {
               const std::string& id = req.path_params.at("id");
               KY_ASSIGN_OR_RETURN(auto c, ledger.Compute(id));
               const auto& p = ledger.policy();
               json tiers = json::array();
               for (const auto& t : c.tiers) {
                 tiers.push_back({{"name", t.name},
                                  {"fraction", t.fraction},
                                  {"threshold_ops", t.threshold_ops},
                                  {"bio", t.bio}});
               }
               json out = {{"account", c.account},
                           {"bio", c.bio},
                           {"foreign", c.foreign ? json(*c.foreign) : json(nullptr)},
                           {"policy",
                            {{"version", p.version},
                             {"state", p.state},
                             {"threshold_ops", p.threshold_ops},
                             {"estimate", compute::EstimateKindName(p.estimate)},
                             {"tiers", std::move(tiers)}}},
                           {"account_compute", metering::SubjectJson(c.own)},
                           {"group", nullptr}};
               if (c.group) {
                 out["group"] = metering::SubjectJson(*c.group);
                 out["group"]["evidence"] = c.group_evidence;
               }
               return HttpResponse::Json(200, DumpJson(out));
             });

  router.Add(
      {.method = Method::kPut,
       .path = "/v1/accounts/{id}/compute-flags",
       .roles = {"admin", "officer"}},
      [&ledger](const HttpRequest& req, const RequestContext& ctx) -> Result<HttpResponse> {
        KY_ASSIGN_OR_RETURN(json body, ParseJsonObject(req.body));
        KY_TRY(CheckKnownFields(body, {"bio"}));
        auto it = body.find("bio");
        if (it == body.end() || !it->is_boolean()) {
          return Err(InvalidArgumentError("'bio' must be true or false").WithField("/bio"));
        }
        const std::string& id = req.path_params.at("id");
        KY_TRY(ledger.SetBio(id, it->get<bool>(), ActorOf(ctx)));
        return HttpResponse::Json(200, DumpJson({{"account", id}, {"bio", it->get<bool>()}}));
      });
}

}  // namespace kycloud::server
