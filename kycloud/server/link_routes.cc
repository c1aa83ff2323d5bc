#include "kycloud/server/link_routes.h"

#include <nlohmann/json.hpp>

#include "kycloud/server/json_body.h"

namespace kycloud::server {

namespace {

using json = nlohmann::json;

json StatusJson(const account_linking::LinkingStatus& s) {
  return {{"customers", s.customers},   {"groups", s.groups},
          {"trained_on", s.trained_on}, {"background", s.background},
          {"skipped", s.skipped},       {"built_at", FormatRfc3339(s.built_at)}};
}

json GroupOrNull(const cip::LinkedEvidence& e) {
  return e.group.empty() ? json(nullptr) : json(e.group);
}

}  // namespace

void AddLinkRoutes(Router& router, account_linking::AccountLinking& linking) {
  router.Add({.method = Method::kGet,
              .path = "/v1/customers/{id}/links",
              .roles = {"admin", "officer", "auditor"}},
             [&linking](const HttpRequest& req, const RequestContext&) -> Result<HttpResponse> {
               KY_ASSIGN_OR_RETURN(std::string body, linking.LinksJson(req.path_params.at("id")));
               return HttpResponse::Json(200, std::move(body));
             });

  router.Add(
      {.method = Method::kPost, .path = "/v1/judgements", .roles = {"admin", "officer"}},
      [&linking](const HttpRequest& req, const RequestContext& ctx) -> Result<HttpResponse> {
        KY_ASSIGN_OR_RETURN(json body, ParseJsonObject(req.body));
        KY_TRY(CheckKnownFields(body, {"a", "b", "same", "reason"}));
        account_linking::JudgementInput in;
        KY_ASSIGN_OR_RETURN(in.a, RequiredString(body, "a"));
        KY_ASSIGN_OR_RETURN(in.b, RequiredString(body, "b"));
        KY_ASSIGN_OR_RETURN(in.reason, RequiredString(body, "reason"));
        auto same = body.find("same");
        if (same == body.end() || !same->is_boolean()) {
          return Err(InvalidArgumentError("'same' is required (true or false)").WithField("/same"));
        }
        in.same = same->get<bool>();
        const std::string actor = ctx.principal ? ctx.principal->key_id : "unknown";
        KY_ASSIGN_OR_RETURN(std::vector<std::string> redecided, linking.Judge(in, actor));
        json out = {{"a", in.a},
                    {"b", in.b},
                    {"same", in.same},
                    {"reason", in.reason},
                    {"groups",
                     {{in.a, GroupOrNull(linking.EvidenceOf(in.a))},
                      {in.b, GroupOrNull(linking.EvidenceOf(in.b))}}},
                    {"redecided", redecided}};
        return HttpResponse::Json(200, DumpJson(out));
      });

  router.Add(
      {.method = Method::kGet, .path = "/v1/links", .roles = {"admin", "officer", "auditor"}},
      [&linking](const HttpRequest&, const RequestContext&) -> Result<HttpResponse> {
        return HttpResponse::Json(200, DumpJson(StatusJson(linking.status())));
      });

  router.Add({.method = Method::kPost, .path = "/v1/links/relink", .roles = {"admin"}},
             [&linking](const HttpRequest&, const RequestContext& ctx) -> Result<HttpResponse> {
               const std::string actor = ctx.principal ? ctx.principal->key_id : "unknown";
               KY_ASSIGN_OR_RETURN(std::vector<std::string> redecided, linking.Relink(actor));
               json out = StatusJson(linking.status());
               out["redecided"] = redecided;
               return HttpResponse::Json(200, DumpJson(out));
             });
}

}  // namespace kycloud::server
