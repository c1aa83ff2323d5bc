#include "kycloud/server/case_routes.h"

#include <fmt/format.h>

#include "kycloud/base/base64.h"
#include "kycloud/cases/case_json.h"
#include "kycloud/server/json_body.h"
#include "kycloud/server/pii_read.h"
#include "kycloud/server/request_params.h"

namespace kycloud::server {

namespace {

using nlohmann::json;

const std::vector<std::string> kReaders = {"admin", "officer", "auditor"};
const std::vector<std::string> kActors = {"admin", "officer"};
const std::vector<std::string> kRaisers = {"admin", "officer", "integrator", "ingest"};

std::optional<std::string> TextParam(const HttpRequest& req, std::string_view name) {
  auto v = req.Query(name);
  return v ? std::optional<std::string>(std::string(*v)) : std::nullopt;
}

Result<std::string> OptionalText(const json& body, std::string_view key) {
  KY_ASSIGN_OR_RETURN(auto v, OptionalString(body, key));
  return v.value_or("");
}

}  // namespace

void AddCaseRoutes(Router& router, cases::CaseManager& manager, const Clock& clock) {
  storage::CaseStore& store = manager.store();
  audit::AuditLog* audit = manager.audit();

  router.Add(
      {.method = Method::kGet, .path = "/v1/alerts", .roles = kReaders},
      [&store, audit](const HttpRequest& req, const RequestContext& ctx) -> Result<HttpResponse> {
        storage::AlertFilter f;
        f.status = TextParam(req, "status");
        f.source = TextParam(req, "source");
        f.subject = TextParam(req, "subject");
        f.case_id = TextParam(req, "case_id");
        KY_ASSIGN_OR_RETURN(f.limit, SizeQueryParam(req, "limit", 100, 1000));
        KY_ASSIGN_OR_RETURN(f.offset, SizeQueryParam(req, "offset", 0, 1'000'000'000));
        KY_ASSIGN_OR_RETURN(auto alerts, store.ListAlerts(f));
        json out = json::array();
        std::vector<std::string> ids;
        for (const auto& a : alerts) {
          out.push_back(cases::AlertJson(a));
          ids.push_back(a.id);
        }
        KY_TRY(RecordPiiRead(audit, ctx, "alert", ids));
        return HttpResponse::Json(
            200, DumpJson({{"alerts", std::move(out)}, {"limit", f.limit}, {"offset", f.offset}}));
      });

  router.Add(
      {.method = Method::kPost, .path = "/v1/alerts", .roles = kRaisers},
      [&manager, &clock](const HttpRequest& req,
                         const RequestContext& ctx) -> Result<HttpResponse> {
        KY_ASSIGN_OR_RETURN(json body, ParseJsonObject(req.body));
        KY_TRY(CheckKnownFields(
            body, {"source", "kind", "severity", "subject", "title", "details", "dedup_key"}));
        cases::NewAlert a;
        KY_ASSIGN_OR_RETURN(a.source, RequiredString(body, "source"));
        KY_ASSIGN_OR_RETURN(a.kind, RequiredString(body, "kind"));
        KY_ASSIGN_OR_RETURN(a.severity, RequiredString(body, "severity"));
        KY_ASSIGN_OR_RETURN(a.subject, RequiredString(body, "subject"));
        KY_ASSIGN_OR_RETURN(a.title, OptionalText(body, "title"));
        KY_ASSIGN_OR_RETURN(a.dedup_key, OptionalText(body, "dedup_key"));
        if (auto d = body.find("details"); d != body.end() && !d->is_null()) {
          if (!d->is_object()) {
            return Err(
                InvalidArgumentError("'details' must be a JSON object").WithField("/details"));
          }
          a.details_json = d->dump();
        }
        KY_ASSIGN_OR_RETURN(auto r, manager.RaiseAlert(a, ActorOf(ctx)));
        json out = {{"outcome", r.outcome}, {"alert", cases::AlertJson(r.alert)}};
        if (r.case_record) {
          // Integrations learn which case their alert is in, not what the case holds.
          bool officer =
              ctx.principal && (ctx.principal->role == "officer" || ctx.principal->role == "admin");
          out["case"] = officer ? cases::CaseJson(*r.case_record, clock.Now())
                                : json{{"id", r.case_record->id}};
        }
        return HttpResponse::Json(r.outcome == "raised" ? 201 : 200, DumpJson(out));
      });

  router.Add(
      {.method = Method::kGet, .path = "/v1/alerts/{id}", .roles = kReaders},
      [&store, audit](const HttpRequest& req, const RequestContext& ctx) -> Result<HttpResponse> {
        const std::string& id = req.path_params.at("id");
        KY_ASSIGN_OR_RETURN(auto a, store.GetAlert(id));
        if (!a) return Err(NotFoundError(fmt::format("no alert '{}'", id)));
        KY_TRY(RecordPiiRead(audit, ctx, "alert", {id}));
        return HttpResponse::Json(200, DumpJson(cases::AlertJson(*a)));
      });

  router.Add({.method = Method::kGet, .path = "/v1/cases", .roles = kReaders},
             [&store, &clock, audit](const HttpRequest& req,
                                     const RequestContext& ctx) -> Result<HttpResponse> {
               storage::CaseFilter f;
               f.status = TextParam(req, "status");
               f.queue = TextParam(req, "queue");
               f.assignee = TextParam(req, "assignee");
               f.subject = TextParam(req, "subject");
               if (auto o = req.Query("overdue")) {
                 if (*o != "true" && *o != "false") {
                   return Err(InvalidArgumentError("query parameter 'overdue' is true or false")
                                  .WithField("overdue"));
                 }
                 if (*o == "true") f.due_before = clock.Now();
               }
               KY_ASSIGN_OR_RETURN(f.limit, SizeQueryParam(req, "limit", 100, 1000));
               KY_ASSIGN_OR_RETURN(f.offset, SizeQueryParam(req, "offset", 0, 1'000'000'000));
               KY_ASSIGN_OR_RETURN(auto cases, store.ListCases(f));
               const Timestamp now = clock.Now();
               json out = json::array();
               std::vector<std::string> ids;
               for (const auto& c : cases) {
                 out.push_back(cases::CaseJson(c, now));
                 ids.push_back(c.id);
               }
               KY_TRY(RecordPiiRead(audit, ctx, "case", ids));
               return HttpResponse::Json(
                   200,
                   DumpJson({{"cases", std::move(out)}, {"limit", f.limit}, {"offset", f.offset}}));
             });

  router.Add({.method = Method::kPost, .path = "/v1/cases", .roles = kActors},
             [&manager, &clock](const HttpRequest& req,
                                const RequestContext& ctx) -> Result<HttpResponse> {
               KY_ASSIGN_OR_RETURN(json body, ParseJsonObject(req.body));
               KY_TRY(CheckKnownFields(body, {"subject", "title", "severity", "queue"}));
               cases::NewCase c;
               KY_ASSIGN_OR_RETURN(c.subject, RequiredString(body, "subject"));
               KY_ASSIGN_OR_RETURN(c.title, RequiredString(body, "title"));
               KY_ASSIGN_OR_RETURN(auto severity, OptionalString(body, "severity"));
               if (severity) c.severity = *severity;
               KY_ASSIGN_OR_RETURN(auto queue, OptionalString(body, "queue"));
               if (queue) c.queue = *queue;
               KY_ASSIGN_OR_RETURN(auto opened, manager.OpenCase(c, ActorOf(ctx)));
               return HttpResponse::Json(201, DumpJson(cases::CaseJson(opened, clock.Now())));
             });

  router.Add({.method = Method::kGet, .path = "/v1/cases/{id}", .roles = kReaders},
             [&store, &clock, audit](const HttpRequest& req,
                                     const RequestContext& ctx) -> Result<HttpResponse> {
               const std::string& id = req.path_params.at("id");
               KY_ASSIGN_OR_RETURN(auto c, store.GetCase(id));
               if (!c) return Err(NotFoundError(fmt::format("no case '{}'", id)));
               KY_TRY(RecordPiiRead(audit, ctx, "case", {id}));
               KY_ASSIGN_OR_RETURN(auto alerts, store.ListAlerts({.case_id = id, .limit = 1000}));
               KY_ASSIGN_OR_RETURN(auto events, store.EventsOf(id));
               json a = json::array(), e = json::array(), evidence = json::array();
               for (const auto& x : alerts) a.push_back(cases::AlertJson(x));
               for (const auto& x : events) {
                 if (json f = cases::EvidenceJson(x); !f.is_null())
                   evidence.push_back(std::move(f));
                 e.push_back(cases::EventJson(x));
               }
               return HttpResponse::Json(200, DumpJson({{"case", cases::CaseJson(*c, clock.Now())},
                                                        {"alerts", std::move(a)},
                                                        {"events", std::move(e)},
                                                        {"evidence", std::move(evidence)}}));
             });

  router.Add(
      {.method = Method::kPost, .path = "/v1/cases/{id}/events", .roles = kActors},
      [&manager, &clock](const HttpRequest& req,
                         const RequestContext& ctx) -> Result<HttpResponse> {
        KY_ASSIGN_OR_RETURN(json body, ParseJsonObject(req.body));
        KY_TRY(CheckKnownFields(body, {"type", "assignee", "queue", "resolution", "reason", "text",
                                       "alert_id", "filename", "media_type", "content_base64"}));
        cases::CaseCommand cmd;
        cmd.actor = ActorOf(ctx);
        KY_ASSIGN_OR_RETURN(cmd.type, RequiredString(body, "type"));
        KY_ASSIGN_OR_RETURN(cmd.assignee, OptionalText(body, "assignee"));
        KY_ASSIGN_OR_RETURN(cmd.queue, OptionalText(body, "queue"));
        KY_ASSIGN_OR_RETURN(cmd.resolution, OptionalText(body, "resolution"));
        KY_ASSIGN_OR_RETURN(cmd.reason, OptionalText(body, "reason"));
        KY_ASSIGN_OR_RETURN(cmd.text, OptionalText(body, "text"));
        KY_ASSIGN_OR_RETURN(cmd.alert_id, OptionalText(body, "alert_id"));
        KY_ASSIGN_OR_RETURN(cmd.filename, OptionalText(body, "filename"));
        KY_ASSIGN_OR_RETURN(cmd.media_type, OptionalText(body, "media_type"));
        KY_ASSIGN_OR_RETURN(std::string b64, OptionalText(body, "content_base64"));
        if (!b64.empty()) {
          auto bytes = Base64Decode(b64);
          if (!bytes.has_value()) {
            return Err(InvalidArgumentError("'content_base64' is not base64: " +
                                            std::string(bytes.error().message()))
                           .WithField("/content_base64"));
          }
          cmd.content = std::move(*bytes);
        }
        if (cmd.type == "attach_evidence" && cmd.content.empty()) {
          return Err(InvalidArgumentError("'content_base64' is required for attach_evidence")
                         .WithField("/content_base64"));
        }
        KY_ASSIGN_OR_RETURN(auto r, manager.Apply(req.path_params.at("id"), cmd));
        json out = {{"case", cases::CaseJson(r.case_record, clock.Now())},
                    {"event", cases::EventJson(r.event)}};
        if (!r.warnings.empty()) out["warnings"] = r.warnings;
        return HttpResponse::Json(201, DumpJson(out));
      });

  router.Add(
      {.method = Method::kGet, .path = "/v1/cases/{id}/evidence/{sha256}", .roles = kReaders},
      [&store, audit](const HttpRequest& req, const RequestContext& ctx) -> Result<HttpResponse> {
        const std::string& id = req.path_params.at("id");
        const std::string& sha = req.path_params.at("sha256");
        KY_ASSIGN_OR_RETURN(auto events, store.EventsOf(id));
        bool attached = false;
        for (const auto& e : events) {
          json f = cases::EvidenceJson(e);
          if (!f.is_null() && f["sha256"] == sha) attached = true;
        }
        if (!attached) {
          return Err(NotFoundError(fmt::format("case '{}' has no evidence file {}", id, sha)));
        }
        KY_ASSIGN_OR_RETURN(auto file, store.GetEvidence(sha));
        if (!file) return Err(NotFoundError(fmt::format("evidence file {} is missing", sha)));
        KY_TRY(RecordPiiRead(audit, ctx, "evidence_file", {id + "/" + sha}));
        HttpResponse resp = HttpResponse::Text(200, file->content, file->media_type);
        resp.headers.push_back({"X-Content-SHA256", file->sha256});
        resp.headers.push_back({"Content-Disposition", "attachment"});
        return resp;
      });
}

}  // namespace kycloud::server
