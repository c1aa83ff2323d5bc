#include "kycloud/server/screen_routes.h"

#include <fmt/format.h>

#include "kycloud/server/disposition_routes.h"
#include "kycloud/server/json_body.h"
#include "kycloud/server/party_screening.h"
#include "kycloud/server/request_params.h"
#include "kycloud/server/screening_json.h"

namespace kycloud::server {

namespace {

Result<std::shared_ptr<const screening::ScreeningIndex>> CurrentIndex(
    const screening::IndexHolder& holder) {
  auto index = holder.Get();
  if (!index) {
    Status err = holder.last_error();
    return Err(UnavailableError(err.ok() ? "lists are still loading, retry shortly"
                                         : "no lists loaded: " + std::string(err.message())));
  }
  return index;
}

}  // namespace

namespace {

nlohmann::json EntityJson(const lists::ListEntity& e) {
  nlohmann::json names = nlohmann::json::array();
  for (const auto& n : e.names)
    names.push_back({{"name", n.text}, {"kind", lists::NameKindName(n.kind)}});
  nlohmann::json addresses = nlohmann::json::array();
  for (const auto& a : e.addresses) addresses.push_back({{"text", a.text}, {"country", a.country}});
  nlohmann::json ids = nlohmann::json::array();
  for (const auto& i : e.ids)
    ids.push_back({{"type", i.type}, {"value", i.value}, {"country", i.country}});
  return {{"list", e.list},
          {"id", e.id},
          {"schema", lists::SchemaName(e.schema)},
          {"names", std::move(names)},
          {"addresses", std::move(addresses)},
          {"dates_of_birth", e.dates_of_birth},
          {"places_of_birth", e.places_of_birth},
          {"nationalities", e.nationalities},
          {"countries", e.countries},
          {"ids", std::move(ids)},
          {"programs", e.programs},
          {"emails", e.emails},
          {"crypto_addresses", e.crypto_addresses},
          {"linked_to", e.linked_to},
          {"title", e.title},
          {"remarks", e.remarks},
          {"listed_on", e.listed_on}};
}

// GET /v1/lists/{list}/entities/{id}: one entry of the loaded snapshot, as the console's hit
// explanation shows it. Any role (the lists are public).
void AddListEntityRoute(Router& router, const screening::IndexHolder& holder) {
  router.Add({.method = Method::kGet, .path = "/v1/lists/{list}/entities/{id}"},
             [&holder](const HttpRequest& req, const RequestContext&) -> Result<HttpResponse> {
               KY_ASSIGN_OR_RETURN(auto index, CurrentIndex(holder));
               const auto& snap = index->snapshot();
               const std::string& list = req.path_params.at("list");
               const std::string& id = req.path_params.at("id");
               const lists::ListEntity* e = snap.Find(list, id);
               if (e == nullptr) {
                 return Err(NotFoundError(
                     fmt::format("no entity '{}' in list '{}' of the loaded snapshot", id, list)));
               }
               nlohmann::json out = EntityJson(*e);
               out["lists_hash"] = snap.hash();
               return HttpResponse::Json(200, DumpJson(out));
             });
}

}  // namespace

void AddScreenRoutes(Router& router, const screening::IndexHolder& holder,
                     storage::DispositionStore& dispositions, audit::AuditLog* audit,
                     cases::CaseManager* cases) {
  AddListEntityRoute(router, holder);
  router.Add(
      {.method = Method::kPost, .path = "/v1/screen", .roles = {"admin", "officer", "integrator"}},
      [&holder, &dispositions, audit, cases](const HttpRequest& req,
                                             const RequestContext& ctx) -> Result<HttpResponse> {
        KY_ASSIGN_OR_RETURN(nlohmann::json body, ParseJsonObject(req.body));
        KY_TRY(CheckKnownFields(body, {"queries", "threshold", "limit"}));
        auto queries = body.find("queries");
        if (queries == body.end() || !queries->is_array()) {
          return Err(InvalidArgumentError("'queries' must be an array of query objects")
                         .WithField("/queries"));
        }
        if (queries->empty()) {
          return Err(InvalidArgumentError("'queries' is empty").WithField("/queries"));
        }
        if (queries->size() > kMaxScreenBatch) {
          return Err(ResourceExhaustedError(fmt::format("{} queries in one request; at most {}",
                                                        queries->size(), kMaxScreenBatch))
                         .WithField("/queries")
                         .WithReason("batch_too_large"));
        }
        screening::ScreenOptions options;
        if (auto t = body.find("threshold"); t != body.end()) {
          if (!t->is_number() || t->get<double>() < 0 || t->get<double>() > 1) {
            return Err(InvalidArgumentError("'threshold' must be a number from 0 to 1")
                           .WithField("/threshold"));
          }
          options.threshold = t->get<double>();
        }
        if (auto l = body.find("limit"); l != body.end()) {
          if (!l->is_number_integer() || l->get<long long>() < 1 || l->get<long long>() > 100) {
            return Err(InvalidArgumentError("'limit' must be an integer from 1 to 100")
                           .WithField("/limit"));
          }
          options.limit = l->get<size_t>();
        }
        std::vector<screening::ScreeningQuery> parsed;
        for (size_t i = 0; i < queries->size(); ++i) {
          KY_ASSIGN_OR_RETURN(auto q, QueryFromJson((*queries)[i], fmt::format("/queries/{}", i)));
          parsed.push_back(std::move(q));
        }
        KY_ASSIGN_OR_RETURN(auto index, CurrentIndex(holder));
        nlohmann::json results = nlohmann::json::array();
        for (size_t i = 0; i < parsed.size(); ++i) {
          nlohmann::json hits = nlohmann::json::array();
          for (const auto& h : screening::Screen(*index, parsed[i], options)) {
            hits.push_back(HitJson(*index, h));
          }
          results.push_back({{"query", (*queries)[i]}, {"hits", std::move(hits)}});
        }
        KY_TRY(ApplyDispositions(*index, parsed, dispositions, results));
        nlohmann::json out = {{"lists_hash", index->snapshot().hash()},
                              {"threshold", options.threshold}};
        if (audit) {
          // The decision is recorded before it is answered; PII only as keyed digests.
          nlohmann::json qs = nlohmann::json::array();
          for (size_t i = 0; i < parsed.size(); ++i) {
            nlohmann::json hits = nlohmann::json::array();
            for (const auto& h : results[i]["hits"]) {
              hits.push_back({{"list", h["list"]},
                              {"entity_id", h["entity_id"]},
                              {"score", h["score"]},
                              {"suppressed", h["suppressed"]}});
            }
            qs.push_back({{"subject", audit->PiiDigest(screening::SubjectKey(parsed[i]))},
                          {"hits", std::move(hits)}});
          }
          nlohmann::json data = {{"lists_hash", index->snapshot().hash()},
                                 {"threshold", options.threshold},
                                 {"queries", std::move(qs)}};
          KY_ASSIGN_OR_RETURN(auto entry,
                              audit->Append({"screening.result", ActorOf(ctx), DumpJson(data)}));
          out["audit"] = {{"leaf_index", entry.index}, {"leaf_hash", HexEncode(entry.leaf_hash)}};
        }
        if (cases) {
          const nlohmann::json audit_ref = out.contains("audit") ? out["audit"] : nlohmann::json();
          for (size_t i = 0; i < parsed.size(); ++i) {
            if (parsed[i].subject_id.empty()) continue;
            KY_TRY(RaiseHitAlerts(*cases, *index, parsed[i], results[i], audit_ref, ActorOf(ctx)));
          }
        }
        out["results"] = std::move(results);
        return HttpResponse::Json(200, DumpJson(out));
      });
  router.Add({.method = Method::kGet, .path = "/v1/lists"},
             [&holder](const HttpRequest&, const RequestContext&) -> Result<HttpResponse> {
               KY_ASSIGN_OR_RETURN(auto index, CurrentIndex(holder));
               const auto& snap = index->snapshot();
               nlohmann::json lists = nlohmann::json::array();
               for (const auto& l : snap.lists()) {
                 lists.push_back({{"id", l.id},
                                  {"title", l.title},
                                  {"publisher", l.publisher},
                                  {"data_date", l.data_date},
                                  {"entities", l.entities},
                                  {"names", l.names},
                                  {"addresses", l.addresses}});
               }
               return HttpResponse::Json(200, DumpJson({{"hash", snap.hash()},
                                                        {"entities", snap.entities().size()},
                                                        {"lists", std::move(lists)},
                                                        {"notes", snap.notes()}}));
             });
}

void AddListReloadRoute(Router& router, screening::IndexHolder& holder, std::string dir) {
  router.Add({.method = Method::kPost, .path = "/v1/lists/reload", .roles = {"admin"}},
             [&holder, dir = std::move(dir)](const HttpRequest&,
                                             const RequestContext&) -> Result<HttpResponse> {
               auto reloaded = holder.Reload(dir, /*force=*/true);
               if (!reloaded.has_value()) {
                 // The operator asked for this load: tell them what is wrong with the files.
                 return Err(FailedPreconditionError("the list directory did not load; the lists "
                                                    "in force stay: " +
                                                    std::string(reloaded.error().message()))
                                .WithReason("lists_not_loaded"));
               }
               bool changed = *reloaded;
               KY_ASSIGN_OR_RETURN(auto index, CurrentIndex(holder));
               return HttpResponse::Json(
                   200, DumpJson({{"changed", changed},
                                  {"lists_hash", index->snapshot().hash()},
                                  {"entities", index->snapshot().entities().size()}}));
             });
}

}  // namespace kycloud::server
