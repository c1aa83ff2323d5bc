#include "kycloud/server/session_routes.h"

#include "kycloud/base/build_info.h"
#include "kycloud/server/json_body.h"

namespace kycloud::server {

void AddSessionRoutes(Router& router, SessionAuthenticator& sessions, audit::AuditLog* audit) {
  auto record = [audit](std::string kind, const Principal& p) -> Status {
    if (!audit) return OkStatus();
    nlohmann::json data = {{"key_id", p.key_id}, {"role", p.role}};
    auto e = audit->Append({std::move(kind), p.key_id, data.dump()});
    return e.has_value() ? OkStatus() : e.error();
  };
  router.Add(
      {.method = Method::kPost, .path = "/v1/sessions", .authenticated = false},
      [&sessions, record](const HttpRequest& req, const RequestContext&) -> Result<HttpResponse> {
        // Only a JSON body: a page of another site cannot send one without a CORS preflight,
        // which kycloud never grants (no login CSRF).
        if (!req.Header("content-type").starts_with("application/json")) {
          return Err(
              InvalidArgumentError("send the API key as application/json").WithField("/api_key"));
        }
        KY_ASSIGN_OR_RETURN(nlohmann::json body, ParseJsonObject(req.body));
        KY_TRY(CheckKnownFields(body, {"api_key"}));
        KY_ASSIGN_OR_RETURN(std::string key, RequiredString(body, "api_key"));
        KY_ASSIGN_OR_RETURN(OpenedSession opened, sessions.Open(key));
        KY_TRY(record("session.opened", opened.principal));
        HttpResponse res =
            HttpResponse::Json(201, DumpJson({{"key_id", opened.principal.key_id},
                                              {"name", opened.principal.key_name},
                                              {"role", opened.principal.role},
                                              {"csrf_token", opened.session.csrf_token},
                                              {"expires_at", opened.session.expires_at}}));
        res.headers.emplace_back("Set-Cookie", sessions.SetCookie(opened));
        return res;
      });
  router.Add({.method = Method::kGet, .path = "/v1/sessions/current"},
             [](const HttpRequest&, const RequestContext& ctx) -> Result<HttpResponse> {
               const Principal& p = *ctx.principal;
               nlohmann::json out = {{"key_id", p.key_id},
                                     {"name", p.key_name},
                                     {"role", p.role},
                                     {"version", Version()},
                                     {"via", ctx.session ? "session" : "api_key"}};
               if (ctx.session) {
                 out["csrf_token"] = ctx.session->csrf_token;
                 out["expires_at"] = ctx.session->expires_at;
               }
               return HttpResponse::Json(200, DumpJson(out));
             });
  router.Add(
      {.method = Method::kDelete, .path = "/v1/sessions/current"},
      [&sessions, record](const HttpRequest&, const RequestContext& ctx) -> Result<HttpResponse> {
        if (!ctx.session) {
          return Err(InvalidArgumentError(
              "this request used an API key, not a session: there is nothing to sign out"));
        }
        KY_TRY(sessions.Close(*ctx.session));
        KY_TRY(record("session.closed", *ctx.principal));
        HttpResponse res = HttpResponse::Json(200, R"({"signed_out":true})");
        res.headers.emplace_back("Set-Cookie", sessions.ClearCookie());
        return res;
      });
}

}  // namespace kycloud::server
