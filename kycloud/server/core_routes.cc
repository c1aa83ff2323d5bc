#include "kycloud/server/core_routes.h"

#include "kycloud/base/build_info.h"
#include "kycloud/server/json_body.h"
#include "kycloud/server/openapi.h"

namespace kycloud::server {

void AddCoreRoutes(Router& router, std::function<Status()> ready_check, HttpMetrics& metrics) {
  router.Add({.method = Method::kGet, .path = "/healthz", .authenticated = false, .limited = false},
             [](const HttpRequest&, const RequestContext&) -> Result<HttpResponse> {
               return HttpResponse::Json(200, R"({"status":"ok"})");
             });
  router.Add({.method = Method::kGet, .path = "/readyz", .authenticated = false, .limited = false},
             [check = std::move(ready_check)](const HttpRequest&,
                                              const RequestContext&) -> Result<HttpResponse> {
               Status st = check();
               if (!st.ok())
                 return Err(UnavailableError("not ready: " + std::string(st.message())));
               return HttpResponse::Json(200, R"({"status":"ready"})");
             });
  router.Add({.method = Method::kGet, .path = "/metrics", .authenticated = false, .limited = false},
             [&metrics](const HttpRequest&, const RequestContext&) -> Result<HttpResponse> {
               return HttpResponse::Text(200, metrics.Render(), "text/plain; version=0.0.4");
             });
  router.Add({.method = Method::kGet,
              .path = "/v1/openapi.json",
              .authenticated = false,
              .limited = false},
             [](const HttpRequest&, const RequestContext&) -> Result<HttpResponse> {
               return HttpResponse::Json(200, std::string(OpenApiDocument()));
             });
  router.Add({.method = Method::kGet, .path = "/v1/whoami"},
             [](const HttpRequest&, const RequestContext& ctx) -> Result<HttpResponse> {
               const Principal& p = *ctx.principal;
               return HttpResponse::Json(200, DumpJson({{"key_id", p.key_id},
                                                        {"name", p.key_name},
                                                        {"role", p.role},
                                                        {"version", Version()}}));
             });
}

}  // namespace kycloud::server
