#include "kycloud/server/report_routes.h"

#include <fmt/format.h>

#include "kycloud/cases/case_json.h"
#include "kycloud/cases/report_html.h"
#include "kycloud/server/json_body.h"
#include "kycloud/server/pii_read.h"
#include "kycloud/server/request_params.h"

namespace kycloud::server {

namespace {

using nlohmann::json;

const std::vector<std::string> kReaders = {"admin", "officer", "auditor"};
const std::vector<std::string> kActors = {"admin", "officer"};

Result<std::string> ContentOf(const json& body) {
  auto c = body.find("content");
  if (c == body.end() || c->is_null()) return std::string();
  if (!c->is_object()) {
    return Err(InvalidArgumentError("'content' must be a JSON object").WithField("/content"));
  }
  return c->dump();
}

}  // namespace

void AddReportRoutes(Router& router, cases::ReportManager& manager, storage::ReportStore& store,
                     audit::AuditLog* audit) {
  router.Add(
      {.method = Method::kGet, .path = "/v1/reports", .roles = kReaders},
      [&store, audit](const HttpRequest& req, const RequestContext& ctx) -> Result<HttpResponse> {
        storage::ReportFilter f;
        if (auto v = req.Query("kind")) f.kind = std::string(*v);
        if (auto v = req.Query("status")) f.status = std::string(*v);
        if (auto v = req.Query("subject")) f.subject = std::string(*v);
        KY_ASSIGN_OR_RETURN(f.limit, SizeQueryParam(req, "limit", 100, 1000));
        KY_ASSIGN_OR_RETURN(f.offset, SizeQueryParam(req, "offset", 0, 1'000'000'000));
        KY_ASSIGN_OR_RETURN(auto reports, store.List(f));
        json out = json::array();
        std::vector<std::string> ids;
        for (const auto& r : reports) ids.push_back(r.id);
        KY_TRY(RecordPiiRead(audit, ctx, "report", ids));
        for (const auto& r : reports) {
          json j = cases::ReportJson(r);
          j.erase("content");
          j.erase("frozen");
          out.push_back(std::move(j));
        }
        return HttpResponse::Json(
            200, DumpJson({{"reports", std::move(out)}, {"limit", f.limit}, {"offset", f.offset}}));
      });

  router.Add(
      {.method = Method::kPost, .path = "/v1/reports", .roles = {"admin", "officer", "auditor"}},
      [&manager](const HttpRequest& req, const RequestContext& ctx) -> Result<HttpResponse> {
        KY_ASSIGN_OR_RETURN(json body, ParseJsonObject(req.body));
        KY_TRY(
            CheckKnownFields(body, {"kind", "subject", "title", "content", "due_at", "case_id"}));
        KY_ASSIGN_OR_RETURN(std::string kind, RequiredString(body, "kind"));
        if (kind == "case_evidence") {
          KY_ASSIGN_OR_RETURN(std::string case_id, RequiredString(body, "case_id"));
          KY_ASSIGN_OR_RETURN(auto r, manager.CreateEvidencePack(case_id, ActorOf(ctx)));
          return HttpResponse::Json(201, DumpJson(cases::ReportJson(r)));
        }
        if (ctx.principal && ctx.principal->role == "auditor") {
          return Err(PermissionDeniedError("auditors may build evidence packs, not draft reports"));
        }
        cases::NewReport n;
        n.kind = kind;
        KY_ASSIGN_OR_RETURN(auto subject, OptionalString(body, "subject"));
        n.subject = subject.value_or("");
        KY_ASSIGN_OR_RETURN(auto title, OptionalString(body, "title"));
        n.title = title.value_or("");
        KY_ASSIGN_OR_RETURN(n.content_json, ContentOf(body));
        KY_ASSIGN_OR_RETURN(auto due, OptionalString(body, "due_at"));
        if (due) {
          auto t = ParseRfc3339(*due);
          if (!t.has_value()) {
            return Err(
                InvalidArgumentError("'due_at' must be an RFC 3339 time").WithField("/due_at"));
          }
          n.due_at = *t;
        }
        KY_ASSIGN_OR_RETURN(auto r, manager.Create(n, ActorOf(ctx)));
        return HttpResponse::Json(201, DumpJson(cases::ReportJson(r)));
      });

  router.Add(
      {.method = Method::kGet, .path = "/v1/reports/{id}", .roles = kReaders},
      [&store, audit](const HttpRequest& req, const RequestContext& ctx) -> Result<HttpResponse> {
        const std::string& id = req.path_params.at("id");
        KY_ASSIGN_OR_RETURN(auto r, store.Get(id));
        if (!r) return Err(NotFoundError(fmt::format("no report '{}'", id)));
        KY_TRY(RecordPiiRead(audit, ctx, "report", {id}));
        auto format = req.Query("format");
        if (format && *format == "html") {
          return HttpResponse::Text(200, cases::RenderReportHtml(*r), "text/html; charset=utf-8");
        }
        if (format && *format != "json") {
          return Err(
              InvalidArgumentError("query parameter 'format' is json or html").WithField("format"));
        }
        return HttpResponse::Json(200, DumpJson(cases::ReportJson(*r)));
      });

  router.Add({.method = Method::kPost, .path = "/v1/reports/{id}/events", .roles = kActors},
             [&manager](const HttpRequest& req, const RequestContext& ctx) -> Result<HttpResponse> {
               KY_ASSIGN_OR_RETURN(json body, ParseJsonObject(req.body));
               KY_TRY(CheckKnownFields(body, {"type", "content", "reason", "reference"}));
               cases::ReportCommand cmd;
               cmd.actor = ActorOf(ctx);
               KY_ASSIGN_OR_RETURN(cmd.type, RequiredString(body, "type"));
               KY_ASSIGN_OR_RETURN(cmd.content_json, ContentOf(body));
               KY_ASSIGN_OR_RETURN(auto reason, OptionalString(body, "reason"));
               cmd.reason = reason.value_or("");
               KY_ASSIGN_OR_RETURN(auto reference, OptionalString(body, "reference"));
               cmd.reference = reference.value_or("");
               KY_ASSIGN_OR_RETURN(auto r, manager.Apply(req.path_params.at("id"), cmd));
               return HttpResponse::Json(201, DumpJson(cases::ReportJson(r)));
             });
}

}  // namespace kycloud::server
