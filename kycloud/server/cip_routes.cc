#include "kycloud/server/cip_routes.h"

#include <fmt/format.h>

#include "kycloud/cip/certification.h"
#include "kycloud/cip/retention.h"
#include "kycloud/cip/sealed_columns.h"
#include "kycloud/server/customer_views.h"
#include "kycloud/server/json_body.h"
#include "kycloud/server/pii_read.h"
#include "kycloud/server/request_params.h"

namespace kycloud::server {

namespace {

using nlohmann::json;

const std::vector<std::string> kActors = {"admin", "officer"};
const std::vector<std::string> kReaders = {"admin", "officer", "auditor"};

Result<HttpResponse> JsonText(int status, const std::string& text) {
  return HttpResponse::Json(status, text);
}

// The `status` query parameter, one of `allowed` when present.
Result<std::optional<std::string>> StatusParam(const HttpRequest& req,
                                               std::initializer_list<std::string_view> allowed) {
  auto s = req.Query("status");
  if (!s) return std::optional<std::string>();
  std::string list;
  for (std::string_view a : allowed) {
    if (*s == a) return std::optional<std::string>(std::string(*s));
    list += (list.empty() ? "" : ", ") + std::string(a);
  }
  return Err(
      InvalidArgumentError(fmt::format("status must be one of {}", list)).WithField("status"));
}

}  // namespace

Result<Timestamp> AsOfParam(const HttpRequest& req, std::string_view name, Timestamp fallback) {
  auto v = req.Query(name);
  if (!v) return fallback;
  auto t = ParseRfc3339(*v);
  if (!t) return Err(t.error().WithField(std::string(name)));
  if (v->size() == 10) return *t + std::chrono::days(1) - std::chrono::microseconds(1);
  return *t;
}

void AddCipRoutes(Router& router, const CipRouteDeps& deps) {
  cip::Onboarding& onboarding = deps.onboarding;
  cip::ResellerRegistry& registry = deps.resellers;
  cip::CipRequests& requests = deps.requests;
  storage::CustomerStore& customers = deps.customers;
  const storage::PiiCipher& cipher = deps.cipher;
  const Clock& clock = deps.clock;
  audit::AuditLog* audit = deps.audit;

  router.Add(
      {.method = Method::kPost, .path = "/v1/customers/{id}/verifications", .roles = kActors},
      [&onboarding](const HttpRequest& req, const RequestContext& ctx) -> Result<HttpResponse> {
        KY_ASSIGN_OR_RETURN(auto r,
                            onboarding.Verify(req.path_params.at("id"), req.body, ActorOf(ctx)));
        return HttpResponse::Json(200, DumpJson(ResultJson(r)));
      });

  router.Add(
      {.method = Method::kGet, .path = "/v1/customers/{id}/verifications", .roles = kReaders},
      [&customers, &cipher, audit](const HttpRequest& req,
                                   const RequestContext& ctx) -> Result<HttpResponse> {
        const std::string& id = req.path_params.at("id");
        KY_TRY(customers.Get(id));
        KY_ASSIGN_OR_RETURN(auto rows, customers.Verifications(id));
        KY_TRY(RecordPiiRead(audit, ctx, "customer.verifications", {id}));
        json out = json::array();
        for (const auto& v : rows) {
          auto details =
              cipher.Open(v.details_sealed, std::string(cip::kVerificationSealPrefix) + id);
          json d = details ? json::parse(*details, nullptr, false) : json(nullptr);
          out.push_back({{"at", FormatRfc3339(v.at)},
                         {"outcome", v.outcome},
                         {"method", v.method},
                         {"resolution", v.resolution},
                         {"evidence", d.is_object() ? d["evidence"] : json(nullptr)},
                         {"note", d.is_object() ? d["note"] : json(nullptr)},
                         {"actor", v.actor}});
        }
        return HttpResponse::Json(
            200, DumpJson({{"customer_id", id}, {"verifications", std::move(out)}}));
      });

  router.Add(
      {.method = Method::kPost, .path = "/v1/customers/{id}/close", .roles = kActors},
      [&onboarding](const HttpRequest& req, const RequestContext& ctx) -> Result<HttpResponse> {
        KY_ASSIGN_OR_RETURN(auto r, onboarding.Close(req.path_params.at("id"), ActorOf(ctx)));
        return HttpResponse::Json(200, DumpJson(ResultJson(r)));
      });

  router.Add(
      {.method = Method::kPut, .path = "/v1/customers/{id}/retention-hold", .roles = kActors},
      [&onboarding, &customers, audit](const HttpRequest& req,
                                       const RequestContext& ctx) -> Result<HttpResponse> {
        KY_ASSIGN_OR_RETURN(json body, ParseJsonObject(req.body));
        for (const auto& [k, v] : body.items()) {
          if (k != "hold" && k != "reason") {
            return Err(InvalidArgumentError("/" + k + " is not a field of a retention hold")
                           .WithField("/" + k));
          }
        }
        if (!body.contains("hold") || !body["hold"].is_boolean()) {
          return Err(InvalidArgumentError("/hold must be true or false").WithField("/hold"));
        }
        if (!body.contains("reason") || !body["reason"].is_string() ||
            body["reason"].get<std::string>().empty() ||
            body["reason"].get<std::string>().size() > 2000) {
          return Err(InvalidArgumentError("/reason is required, at most 2,000 bytes (why the "
                                          "record is held or released)")
                         .WithField("/reason"));
        }
        const std::string& id = req.path_params.at("id");
        KY_TRY(customers.Get(id));
        // Audited before it is set: a hold never stands unaudited.
        if (audit) {
          KY_TRY(audit->Append(
              {"cip.retention_hold", ActorOf(ctx),
               json{{"customer_id", id}, {"hold", body["hold"]}, {"reason", body["reason"]}}.dump(
                   -1, ' ', false, json::error_handler_t::replace)}));
        }
        KY_ASSIGN_OR_RETURN(auto row, onboarding.SetRetentionHold(id, body["hold"]));
        return HttpResponse::Json(200, DumpJson(RowJson(row)));
      });

  router.Add(
      {.method = Method::kGet, .path = "/v1/cip/due", .roles = kReaders},
      [&customers, &registry, &requests, &clock](const HttpRequest& req,
                                                 const RequestContext&) -> Result<HttpResponse> {
        KY_ASSIGN_OR_RETURN(Timestamp as_of, AsOfParam(req, "as_of", clock.Now()));
        KY_ASSIGN_OR_RETURN(size_t limit, SizeQueryParam(req, "limit", 1000, 100000));
        KY_ASSIGN_OR_RETURN(auto due, customers.ReverifyDue(as_of, limit));
        json reverify = json::array();
        for (const auto& r : due) {
          reverify.push_back(
              {{"id", r.id},
               {"country", r.country},
               {"risk_level", r.risk_level},
               {"verification", r.verification},
               {"verified_at", r.verified_at ? json(FormatRfc3339(*r.verified_at)) : json(nullptr)},
               {"reverify_due", FormatRfc3339(*r.reverify_due)}});
        }
        // Every running termination clock, counted as of `as_of`.
        KY_ASSIGN_OR_RETURN(auto nc, registry.TerminationsDue(Timestamp::max(), as_of));
        json deadlines = json::array();
        for (const auto& v : nc) deadlines.push_back(json::parse(v.Json()));
        // Every open request for CIPs (R17), its clock counted as of `as_of`.
        KY_ASSIGN_OR_RETURN(auto open, requests.Due(as_of));
        json asked = json::array();
        for (const auto& v : open) asked.push_back(json::parse(v.Json()));
        return HttpResponse::Json(200, DumpJson({{"as_of", FormatRfc3339(as_of)},
                                                 {"reverification", std::move(reverify)},
                                                 {"reseller_terminations", std::move(deadlines)},
                                                 {"cip_requests", std::move(asked)}}));
      });

  router.Add(
      {.method = Method::kPost, .path = "/v1/cip/purge", .roles = {"admin"}},
      [&onboarding, &customers, &clock, audit, purged = deps.purged](
          const HttpRequest& req, const RequestContext& ctx) -> Result<HttpResponse> {
        json body = json::object();
        if (!req.body.empty()) {
          KY_ASSIGN_OR_RETURN(body, ParseJsonObject(req.body));
        }
        for (const auto& [k, v] : body.items()) {
          if (k != "dry_run" && k != "as_of") {
            // A misspelt dry_run must not purge for real.
            return Err(
                InvalidArgumentError("/" + k + " is not a field of a purge request (dry_run)")
                    .WithField("/" + k));
          }
        }
        Timestamp as_of = clock.Now();
        if (body.contains("as_of")) {
          // Purging as of a later date would delete records still in retention.
          return Err(InvalidArgumentError("/as_of: the purge runs as of now; use "
                                          "`kycloud cip purge --dry-run --as-of` to plan")
                         .WithField("/as_of"));
        }
        bool dry_run = false;
        if (body.contains("dry_run")) {
          if (!body["dry_run"].is_boolean()) {
            return Err(
                InvalidArgumentError("/dry_run must be true or false").WithField("/dry_run"));
          }
          dry_run = body["dry_run"];
        }
        KY_ASSIGN_OR_RETURN(cip::CipPolicy cip, onboarding.CipRules());
        // Every deleted id reaches the service, even when a later step of the purge fails.
        std::vector<std::string> ids;
        auto report =
            cip::Purge(customers, cip.retention_days_after_close, as_of, dry_run, audit,
                       ActorOf(ctx), [&ids](const std::string& id) { ids.push_back(id); });
        if (purged && !ids.empty()) purged(ids, ActorOf(ctx));
        if (!report.has_value()) return Err(report.error());
        return JsonText(200, report->Json());
      });

  router.Add(
      {.method = Method::kGet, .path = "/v1/reports/cip-certification", .roles = kReaders},
      [deps](const HttpRequest& req, const RequestContext& ctx) -> Result<HttpResponse> {
        cip::CertificationRequest r;
        if (auto k = req.Query("kind")) r.kind = std::string(*k);
        KY_ASSIGN_OR_RETURN(r.as_of, AsOfParam(req, "as_of", deps.clock.Now()));
        if (req.Query("from")) {
          auto from = ParseRfc3339(*req.Query("from"));
          if (!from) return Err(from.error().WithField("from"));
          r.from = *from;
        }
        const std::string format(req.Query("format").value_or("json"));
        if (format != "json" && format != "html") {
          return Err(InvalidArgumentError("format must be json or html").WithField("format"));
        }
        KY_ASSIGN_OR_RETURN(std::string report,
                            cip::BuildCertification(r, deps.customers, deps.reseller_store,
                                                    deps.onboarding, deps.provider));
        // The report lists customer ids and countries, no names: audited as a report.
        if (deps.audit) {
          KY_TRY(deps.audit->Append(
              {"report.cip_certification", ActorOf(ctx),
               json{{"kind", r.kind}, {"as_of", FormatRfc3339(r.as_of)}}.dump()}));
        }
        if (format == "html") {
          return HttpResponse::Text(200, cip::CertificationHtml(report),
                                    "text/html; charset=utf-8");
        }
        return JsonText(200, report);
      });

  router.Add(
      {.method = Method::kPost, .path = "/v1/cip/requests", .roles = kActors},
      [&requests](const HttpRequest& req, const RequestContext& ctx) -> Result<HttpResponse> {
        KY_ASSIGN_OR_RETURN(auto v, requests.Open(req.body, ActorOf(ctx)));
        return JsonText(201, v.Json());
      });
  router.Add(
      {.method = Method::kGet, .path = "/v1/cip/requests", .roles = kReaders},
      [&requests](const HttpRequest& req, const RequestContext&) -> Result<HttpResponse> {
        KY_ASSIGN_OR_RETURN(auto status, StatusParam(req, {"open", "produced", "withdrawn"}));
        KY_ASSIGN_OR_RETURN(auto list, requests.List(status));
        json out = json::array();
        for (const auto& v : list) out.push_back(json::parse(v.Json()));
        return HttpResponse::Json(200, DumpJson({{"requests", std::move(out)}}));
      });
  router.Add({.method = Method::kGet, .path = "/v1/cip/requests/{id}", .roles = kReaders},
             [&requests](const HttpRequest& req, const RequestContext&) -> Result<HttpResponse> {
               KY_ASSIGN_OR_RETURN(auto v, requests.Get(req.path_params.at("id")));
               return JsonText(200, v.Json());
             });
  router.Add(
      {.method = Method::kPost, .path = "/v1/cip/requests/{id}/produce", .roles = kActors},
      [&requests](const HttpRequest& req, const RequestContext& ctx) -> Result<HttpResponse> {
        KY_ASSIGN_OR_RETURN(auto p, requests.Produce(req.path_params.at("id"), ActorOf(ctx)));
        // The body is the package exactly as hashed (the audit entry holds its SHA-256).
        return JsonText(200, p.json);
      });
  router.Add(
      {.method = Method::kPost, .path = "/v1/cip/requests/{id}/withdraw", .roles = kActors},
      [&requests](const HttpRequest& req, const RequestContext& ctx) -> Result<HttpResponse> {
        KY_ASSIGN_OR_RETURN(auto v,
                            requests.Withdraw(req.path_params.at("id"), req.body, ActorOf(ctx)));
        return JsonText(200, v.Json());
      });

  router.Add(
      {.method = Method::kPost, .path = "/v1/resellers", .roles = kActors},
      [&registry](const HttpRequest& req, const RequestContext& ctx) -> Result<HttpResponse> {
        KY_ASSIGN_OR_RETURN(auto v, registry.Register(req.body, ActorOf(ctx)));
        return JsonText(201, v.Json());
      });
  router.Add({.method = Method::kGet, .path = "/v1/resellers", .roles = kReaders},
             [&registry](const HttpRequest& req, const RequestContext&) -> Result<HttpResponse> {
               KY_ASSIGN_OR_RETURN(auto status,
                                   StatusParam(req, {"compliant", "non_compliant", "terminated"}));
               KY_ASSIGN_OR_RETURN(auto list, registry.List(status));
               json out = json::array();
               for (const auto& v : list) out.push_back(json::parse(v.Json()));
               return HttpResponse::Json(200, DumpJson({{"resellers", std::move(out)}}));
             });
  router.Add({.method = Method::kGet, .path = "/v1/resellers/{id}", .roles = kReaders},
             [&registry](const HttpRequest& req, const RequestContext&) -> Result<HttpResponse> {
               KY_ASSIGN_OR_RETURN(auto v, registry.Get(req.path_params.at("id")));
               return JsonText(200, v.Json());
             });
  router.Add(
      {.method = Method::kPatch, .path = "/v1/resellers/{id}", .roles = kActors},
      [&registry](const HttpRequest& req, const RequestContext& ctx) -> Result<HttpResponse> {
        KY_ASSIGN_OR_RETURN(auto v,
                            registry.Update(req.path_params.at("id"), req.body, ActorOf(ctx)));
        return JsonText(200, v.Json());
      });
}

}  // namespace kycloud::server
