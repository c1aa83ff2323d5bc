#include "kycloud/server/policy_routes.h"

#include <fmt/format.h>

#include "kycloud/base/time.h"
#include "kycloud/server/json_body.h"
#include "kycloud/server/request_params.h"

namespace kycloud::server {

namespace {

using nlohmann::json;

Result<provisioning::AuthorizeInput> AuthorizeBody(const HttpRequest& req) {
  KY_ASSIGN_OR_RETURN(json body, ParseJsonObject(req.body));
  KY_TRY(CheckKnownFields(
      body, {"customer_id", "instance_type", "accelerator", "count", "region", "at"}));
  provisioning::AuthorizeInput in;
  KY_ASSIGN_OR_RETURN(in.customer_id, RequiredString(body, "customer_id"));
  KY_ASSIGN_OR_RETURN(auto instance_type, OptionalString(body, "instance_type"));
  KY_ASSIGN_OR_RETURN(auto accelerator, OptionalString(body, "accelerator"));
  in.instance_type = instance_type.value_or("");
  in.accelerator = accelerator.value_or("");
  if (auto it = body.find("count"); it != body.end() && !it->is_null()) {
    if (!it->is_number()) {
      return Err(InvalidArgumentError("count must be a positive number").WithField("/count"));
    }
    in.count = it->get<double>();
  }
  KY_ASSIGN_OR_RETURN(auto region, OptionalString(body, "region"));
  in.region = region.value_or("");
  KY_ASSIGN_OR_RETURN(auto at, OptionalString(body, "at"));
  if (at) {
    auto d = policy::ParseDate(at->substr(0, 10));
    if (!d || (at->size() > 10 && (*at)[10] != 'T')) {
      return Err(InvalidArgumentError("at must be a date (YYYY-MM-DD) or an RFC 3339 time")
                     .WithField("/at"));
    }
    in.at = *d;
  }
  return in;
}

}  // namespace

void AddPolicyRoutes(Router& router, provisioning::ProvisioningService& service) {
  router.Add({.method = Method::kPost,
              .path = "/v1/authorize",
              .roles = {"admin", "officer", "integrator"}},
             [&service](const HttpRequest& req, const RequestContext&) -> Result<HttpResponse> {
               KY_ASSIGN_OR_RETURN(auto in, AuthorizeBody(req));
               KY_ASSIGN_OR_RETURN(auto d, service.Authorize(in));
               return HttpResponse::Json(200, provisioning::DecisionJson(d));
             });

  router.Add({.method = Method::kPut,
              .path = "/v1/customers/{id}/policy-facts",
              .roles = {"admin", "officer", "integrator"}},
             [&service](const HttpRequest& req, const RequestContext&) -> Result<HttpResponse> {
               KY_ASSIGN_OR_RETURN(json body, ParseJsonObject(req.body));
               (void)body;  // well-formed JSON object; the facts parser names bad fields
               KY_ASSIGN_OR_RETURN(auto s, service.PutParty(req.path_params.at("id"), req.body));
               return HttpResponse::Json(200, provisioning::StandingJson(s));
             });

  router.Add({.method = Method::kGet,
              .path = "/v1/customers/{id}/standing",
              .roles = {"admin", "officer", "auditor", "integrator"}},
             [&service](const HttpRequest& req, const RequestContext&) -> Result<HttpResponse> {
               const std::string& id = req.path_params.at("id");
               auto s = service.StandingOf(id);
               if (!s) {
                 return Err(NotFoundError(fmt::format("no policy facts for customer '{}'", id)));
               }
               return HttpResponse::Json(200, provisioning::StandingJson(*s));
             });

  router.Add({.method = Method::kGet,
              .path = "/v1/customers/{id}/decisions",
              .roles = {"admin", "officer", "auditor"}},
             [&service](const HttpRequest& req, const RequestContext&) -> Result<HttpResponse> {
               KY_ASSIGN_OR_RETURN(size_t limit, SizeQueryParam(req, "limit", 50, 1000));
               KY_ASSIGN_OR_RETURN(auto records,
                                   service.DecisionsOf(req.path_params.at("id"), limit));
               json out = json::array();
               for (const auto& r : records) {
                 out.push_back({{"at", FormatRfc3339(r.at)},
                                {"decision", r.outcome},
                                {"policy_version", r.policy_id},
                                {"request", json::parse(r.request_json, nullptr, false)},
                                {"reasons", json::parse(r.reasons_json, nullptr, false)}});
               }
               return HttpResponse::Json(200, DumpJson({{"customer_id", req.path_params.at("id")},
                                                        {"decisions", std::move(out)}}));
             });

  router.Add({.method = Method::kGet,
              .path = "/v1/policy",
              .roles = {"admin", "officer", "auditor", "integrator"}},
             [&service](const HttpRequest&, const RequestContext&) -> Result<HttpResponse> {
               const policy::Date today =
                   std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
               return HttpResponse::Json(200, provisioning::PolicyJson(*service.policy(), today));
             });

  router.Add({.method = Method::kPost, .path = "/v1/policy/versions", .roles = {"admin"}},
             [&service](const HttpRequest& req, const RequestContext& ctx) -> Result<HttpResponse> {
               KY_ASSIGN_OR_RETURN(json body, ParseJsonObject(req.body));
               KY_TRY(CheckKnownFields(body, {"files"}));
               auto it = body.find("files");
               if (it == body.end() || !it->is_array() || it->empty()) {
                 return Err(InvalidArgumentError("files must be a non-empty array of {name, text}")
                                .WithField("/files"));
               }
               std::vector<policy::PolicyFile> files;
               for (size_t i = 0; i < it->size(); ++i) {
                 const json& f = (*it)[i];
                 const std::string prefix = fmt::format("/files/{}", i);
                 if (!f.is_object()) {
                   return Err(InvalidArgumentError("must be an object").WithField(prefix));
                 }
                 KY_TRY(CheckKnownFields(f, {"name", "text"}, prefix));
                 KY_ASSIGN_OR_RETURN(std::string name, RequiredString(f, "name", prefix));
                 KY_ASSIGN_OR_RETURN(std::string text, RequiredString(f, "text", prefix));
                 files.push_back({std::move(name), std::move(text)});
               }
               KY_ASSIGN_OR_RETURN(auto r, service.Publish(std::move(files), ActorOf(ctx)));
               json changes = json::array();
               for (const auto& c : r.changes) {
                 changes.push_back(json::parse(provisioning::StandingChangeJson(c)));
               }
               return HttpResponse::Json(r.published ? 201 : 200,
                                         DumpJson({{"policy_version", r.policy_id},
                                                   {"published", r.published},
                                                   {"changes", std::move(changes)},
                                                   {"alerts", r.alert_ids}}));
             });
}

}  // namespace kycloud::server
