#include "kycloud/server/customer_routes.h"

#include <fmt/format.h>

#include "kycloud/base/time.h"
#include "kycloud/cip/customer_json.h"
#include "kycloud/cip/sealed_columns.h"
#include "kycloud/server/customer_views.h"
#include "kycloud/server/json_body.h"
#include "kycloud/server/pii_read.h"
#include "kycloud/server/request_params.h"

namespace kycloud::server {

using nlohmann::json;

void AddCustomerRoutes(Router& router, cip::Onboarding& onboarding,
                       storage::CustomerStore& customers, audit::AuditLog* audit) {
  router.Add(
      {.method = Method::kPost,
       .path = "/v1/customers",
       .roles = {"admin", "officer", "integrator"}},
      [&onboarding](const HttpRequest& req, const RequestContext& ctx) -> Result<HttpResponse> {
        KY_ASSIGN_OR_RETURN(json body, ParseJsonObject(req.body));
        (void)body;  // well-formed; the CIP parser names bad fields and rules
        const std::string key(req.Header("idempotency-key"));
        if (key.size() > 200) {
          return Err(InvalidArgumentError("Idempotency-Key is longer than 200 bytes")
                         .WithField("Idempotency-Key"));
        }
        KY_ASSIGN_OR_RETURN(auto r, onboarding.Create(req.body, key, ActorOf(ctx)));
        return HttpResponse::Json(r.created ? 201 : 200, DumpJson(ResultJson(r)));
      });

  router.Add({.method = Method::kGet,
              .path = "/v1/customers/{id}",
              .roles = {"admin", "officer", "auditor"}},
             [&onboarding, audit](const HttpRequest& req,
                                  const RequestContext& ctx) -> Result<HttpResponse> {
               const std::string& id = req.path_params.at("id");
               KY_ASSIGN_OR_RETURN(auto got, onboarding.Get(id));
               KY_TRY(RecordPiiRead(audit, ctx, "customer", {id}));
               json j = RowJson(got.first);
               if (const cip::CustomerLinks* links = onboarding.links()) {
                 j["linked_group"] = LinkedGroupJson(links->EvidenceOf(id));
               }
               j["record"] = json::parse(cip::CustomerJson(got.second), nullptr, false);
               return HttpResponse::Json(200, DumpJson(j));
             });

  router.Add(
      {.method = Method::kPatch,
       .path = "/v1/customers/{id}",
       .roles = {"admin", "officer", "integrator"}},
      [&onboarding](const HttpRequest& req, const RequestContext& ctx) -> Result<HttpResponse> {
        KY_ASSIGN_OR_RETURN(json body, ParseJsonObject(req.body));
        (void)body;
        KY_ASSIGN_OR_RETURN(auto r,
                            onboarding.Update(req.path_params.at("id"), req.body, ActorOf(ctx)));
        return HttpResponse::Json(200, DumpJson(ResultJson(r)));
      });

  router.Add(
      {.method = Method::kGet, .path = "/v1/customers", .roles = {"admin", "officer", "auditor"}},
      [&customers](const HttpRequest& req, const RequestContext&) -> Result<HttpResponse> {
        storage::CustomerFilter f;
        for (auto [name, field] :
             {std::pair<const char*, std::optional<std::string>*>{"status", &f.status},
              {"country", &f.country},
              {"verification", &f.verification},
              {"decision", &f.decision}}) {
          if (auto v = req.Query(name)) *field = std::string(*v);
        }
        if (auto after = req.Query("after")) f.after_id = std::string(*after);
        KY_ASSIGN_OR_RETURN(f.limit, SizeQueryParam(req, "limit", 100, 1000));
        KY_ASSIGN_OR_RETURN(auto rows, customers.List(f));
        json out = json::array();
        for (const auto& r : rows) out.push_back(RowJson(r));
        json page = {{"customers", std::move(out)}};
        page["next_after"] =
            rows.size() == f.limit && !rows.empty() ? json(rows.back().id) : json(nullptr);
        return HttpResponse::Json(200, DumpJson(page));
      });
}

void AddAccessEventRoutes(Router& router, cip::AccessLog& log, storage::CustomerStore& customers,
                          const storage::PiiCipher& cipher, audit::AuditLog* audit) {
  router.Add({.method = Method::kPost,
              .path = "/v1/customers/{id}/access-events",
              .roles = {"admin", "integrator", "ingest"}},
             [&log](const HttpRequest& req, const RequestContext& ctx) -> Result<HttpResponse> {
               KY_ASSIGN_OR_RETURN(auto r,
                                   log.Record(req.path_params.at("id"), req.body, ActorOf(ctx)));
               json errors = json::array();
               for (const auto& e : r.errors) {
                 errors.push_back({{"index", e.index}, {"field", e.field}, {"message", e.message}});
               }
               json out = {{"received", r.received},
                           {"accepted", r.accepted},
                           {"errors", std::move(errors)},
                           {"countries", r.countries}};
               out["decision"] = r.redecided ? json(r.redecided->row.decision) : json(nullptr);
               return HttpResponse::Json(200, DumpJson(out));
             });

  router.Add(
      {.method = Method::kGet,
       .path = "/v1/customers/{id}/access-events",
       .roles = {"admin", "officer", "auditor"}},
      [&customers, &cipher, audit](const HttpRequest& req,
                                   const RequestContext& ctx) -> Result<HttpResponse> {
        const std::string& id = req.path_params.at("id");
        KY_ASSIGN_OR_RETURN(size_t limit, SizeQueryParam(req, "limit", 100, 1000));
        KY_ASSIGN_OR_RETURN(auto events, customers.AccessEvents(id, limit));
        KY_TRY(RecordPiiRead(audit, ctx, "customer.access_events", {id}));
        json out = json::array();
        for (const auto& e : events) {
          auto ip = cipher.Open(e.ip_sealed, std::string(cip::kAccessSealPrefix) + id);
          out.push_back({{"at", FormatRfc3339(e.at)},
                         {"action", e.action},
                         {"ip", ip ? json(*ip) : json(nullptr)},
                         {"country", e.ip_country}});
        }
        return HttpResponse::Json(200, DumpJson({{"customer_id", id}, {"events", std::move(out)}}));
      });
}

}  // namespace kycloud::server
