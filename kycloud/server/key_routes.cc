#include "kycloud/server/key_routes.h"

#include <fmt/format.h>

#include "kycloud/server/json_body.h"

namespace kycloud::server {

namespace {

nlohmann::json KeyJson(const storage::ApiKeyRecord& k) {
  nlohmann::json j = {{"id", k.id},
                      {"name", k.name},
                      {"role", k.role},
                      {"created_at", FormatRfc3339(k.created_at)},
                      {"created_by", k.created_by},
                      {"revoked_at", nullptr}};
  if (k.revoked_at) j["revoked_at"] = FormatRfc3339(*k.revoked_at);
  return j;
}

}  // namespace

void AddKeyRoutes(Router& router, storage::ApiKeyStore& store, ApiKeyAuthenticator& auth,
                  const Clock& clock, audit::AuditLog* audit) {
  auto record = [audit](std::string kind, const std::string& actor,
                        const storage::ApiKeyRecord& k) -> Status {
    if (!audit) return OkStatus();
    nlohmann::json data = {{"key_id", k.id}, {"role", k.role}};
    auto e = audit->Append({std::move(kind), actor, data.dump()});
    return e.has_value() ? OkStatus() : e.error();
  };
  const std::vector<std::string> admin = {"admin"};
  router.Add({.method = Method::kPost, .path = "/v1/keys", .roles = admin},
             [&store, &clock, record](const HttpRequest& req,
                                      const RequestContext& ctx) -> Result<HttpResponse> {
               KY_ASSIGN_OR_RETURN(nlohmann::json body, ParseJsonObject(req.body));
               KY_TRY(CheckKnownFields(body, {"name", "role"}));
               KY_ASSIGN_OR_RETURN(std::string name, RequiredString(body, "name"));
               KY_ASSIGN_OR_RETURN(std::string role, RequiredString(body, "role"));
               KY_ASSIGN_OR_RETURN(NewApiKey key,
                                   CreateApiKey(store, name, role, ctx.principal->key_id, clock));
               KY_TRY(record("key.created", ctx.principal->key_id, key.record));
               nlohmann::json out = KeyJson(key.record);
               out["key"] = key.plaintext;
               HttpResponse res = HttpResponse::Json(201, DumpJson(out));
               res.headers.emplace_back("Location", "/v1/keys/" + key.record.id);
               return res;
             });
  router.Add({.method = Method::kGet, .path = "/v1/keys", .roles = admin},
             [&store](const HttpRequest&, const RequestContext&) -> Result<HttpResponse> {
               KY_ASSIGN_OR_RETURN(auto keys, store.List());
               nlohmann::json list = nlohmann::json::array();
               for (const auto& k : keys) list.push_back(KeyJson(k));
               return HttpResponse::Json(200, DumpJson({{"keys", std::move(list)}}));
             });
  router.Add({.method = Method::kGet, .path = "/v1/keys/{id}", .roles = admin},
             [&store](const HttpRequest& req, const RequestContext&) -> Result<HttpResponse> {
               auto key = store.Get(req.path_params.at("id"));
               if (!key.has_value()) {
                 return Err(key.error().code() == StatusCode::kNotFound
                                ? NotFoundError(fmt::format("no API key with id '{}'",
                                                            req.path_params.at("id")))
                                : key.error());
               }
               return HttpResponse::Json(200, DumpJson(KeyJson(*key)));
             });
  router.Add(
      {.method = Method::kDelete, .path = "/v1/keys/{id}", .roles = admin},
      [&store, &auth, &clock, record](const HttpRequest& req,
                                      const RequestContext& ctx) -> Result<HttpResponse> {
        const std::string& id = req.path_params.at("id");
        KY_ASSIGN_OR_RETURN(auto keys, store.List());
        auto target =
            std::find_if(keys.begin(), keys.end(), [&](const auto& k) { return k.id == id; });
        if (target == keys.end())
          return Err(NotFoundError(fmt::format("no API key with id '{}'", id)));
        if (target->role == "admin" && target->active()) {
          auto admins = std::count_if(keys.begin(), keys.end(), [](const auto& k) {
            return k.role == "admin" && k.active();
          });
          if (admins <= 1) {
            return Err(FailedPreconditionError(
                           "refusing to revoke the last active admin key; create another first")
                           .WithReason("last_admin_key"));
          }
        }
        KY_TRY(store.Revoke(id, clock.Now()));
        auth.Invalidate(id);
        KY_ASSIGN_OR_RETURN(auto revoked, store.Get(id));
        KY_TRY(record("key.revoked", ctx.principal ? ctx.principal->key_id : "unknown", revoked));
        return HttpResponse::Json(200, DumpJson(KeyJson(revoked)));
      });
}

}  // namespace kycloud::server
