#include "kycloud/server/disposition_routes.h"

#include <fmt/format.h>

#include <map>
#include <tuple>

#include "kycloud/server/json_body.h"
#include "kycloud/server/screening_json.h"

namespace kycloud::server {

namespace {

Result<std::string> RequiredString(const nlohmann::json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || !it->is_string() || it->get<std::string>().empty()) {
    return Err(InvalidArgumentError(fmt::format("'{}' is required (a non-empty string)", key))
                   .WithField(fmt::format("/{}", key)));
  }
  return it->get<std::string>();
}

nlohmann::json DispositionJson(const storage::DispositionRecord& d) {
  return {{"subject", d.subject},       {"list", d.list},
          {"entity_id", d.entity_id},   {"entity_fingerprint", d.entity_fingerprint},
          {"decision", d.decision},     {"reason", d.reason},
          {"decided_by", d.decided_by}, {"decided_at", FormatRfc3339(d.decided_at)}};
}

}  // namespace

Status ApplyDispositions(const screening::ScreeningIndex& index,
                         const std::vector<screening::ScreeningQuery>& queries,
                         storage::DispositionStore& store, nlohmann::json& results) {
  std::vector<std::string> subjects;
  subjects.reserve(queries.size());
  for (const auto& q : queries) subjects.push_back(screening::SubjectKey(q));
  KY_ASSIGN_OR_RETURN(auto found, store.ForSubjects(subjects));
  std::map<std::tuple<std::string, std::string, std::string>, const storage::DispositionRecord*>
      by_key;
  for (const auto& d : found) by_key[{d.subject, d.list, d.entity_id}] = &d;
  for (size_t i = 0; i < queries.size(); ++i) {
    size_t alerts = 0;
    for (auto& hit : results[i]["hits"]) {
      auto it = by_key.find(
          {subjects[i], hit["list"].get<std::string>(), hit["entity_id"].get<std::string>()});
      bool suppressed = false;
      if (it != by_key.end()) {
        const auto* e = index.snapshot().Find(it->second->list, it->second->entity_id);
        bool current =
            e && lists::ListSnapshot::EntityFingerprint(*e) == it->second->entity_fingerprint;
        nlohmann::json d = DispositionJson(*it->second);
        if (!current) d["stale"] = true;
        hit["disposition"] = std::move(d);
        if (it->second->decision == "true_match") {
          hit["confirmed"] = current;  // listed: decided, not alerting again
        } else {
          suppressed = current;
        }
      }
      hit["suppressed"] = suppressed;
      if (!suppressed && !hit.value("confirmed", false)) ++alerts;
    }
    results[i]["alerts"] = alerts;
  }
  return OkStatus();
}

void AddDispositionRoutes(Router& router, const screening::IndexHolder& holder,
                          storage::DispositionStore& store, const Clock& clock,
                          audit::AuditLog* audit) {
  router.Add(
      {.method = Method::kPost,
       .path = "/v1/screening/dispositions",
       .roles = {"admin", "officer"}},
      [&holder, &store, &clock, audit](const HttpRequest& req,
                                       const RequestContext& ctx) -> Result<HttpResponse> {
        KY_ASSIGN_OR_RETURN(nlohmann::json body, ParseJsonObject(req.body));
        KY_TRY(CheckKnownFields(
            body, {"subject_id", "query", "list", "entity_id", "decision", "reason"}));
        screening::ScreeningQuery subject;
        auto sid = body.find("subject_id");
        auto query = body.find("query");
        if (sid != body.end()) {
          if (!sid->is_string() || sid->get<std::string>().empty()) {
            return Err(InvalidArgumentError("'subject_id' must be a non-empty string")
                           .WithField("/subject_id"));
          }
          subject.subject_id = sid->get<std::string>();
        } else if (query != body.end()) {
          KY_ASSIGN_OR_RETURN(subject, QueryFromJson(*query, "/query"));
        } else {
          return Err(InvalidArgumentError("'subject_id' or 'query' names the screened party")
                         .WithField("/subject_id"));
        }
        KY_ASSIGN_OR_RETURN(std::string list, RequiredString(body, "list"));
        KY_ASSIGN_OR_RETURN(std::string entity_id, RequiredString(body, "entity_id"));
        KY_ASSIGN_OR_RETURN(std::string reason, RequiredString(body, "reason"));
        std::string decision = "false_positive";
        if (auto d = body.find("decision"); d != body.end()) {
          if (!d->is_string() || d->get<std::string>() != "false_positive") {
            return Err(InvalidArgumentError("'decision' must be \"false_positive\"")
                           .WithField("/decision"));
          }
        }
        auto index = holder.Get();
        if (!index) return Err(UnavailableError("lists are still loading, retry shortly"));
        const lists::ListEntity* e = index->snapshot().Find(list, entity_id);
        if (!e) {
          return Err(NotFoundError(fmt::format("no entity '{}' in list '{}' of the loaded lists",
                                               entity_id, list))
                         .WithField("/entity_id"));
        }
        storage::DispositionRecord rec{screening::SubjectKey(subject),
                                       list,
                                       entity_id,
                                       lists::ListSnapshot::EntityFingerprint(*e),
                                       decision,
                                       reason,
                                       ctx.principal ? ctx.principal->key_id : "unknown",
                                       clock.Now()};
        nlohmann::json out = DispositionJson(rec);
        if (audit) {
          nlohmann::json data = {{"subject", audit->PiiDigest(rec.subject)},
                                 {"list", rec.list},
                                 {"entity_id", rec.entity_id},
                                 {"entity_fingerprint", rec.entity_fingerprint},
                                 {"decision", rec.decision},
                                 {"reason", audit->PiiDigest(rec.reason)},
                                 {"lists_hash", index->snapshot().hash()}};
          KY_ASSIGN_OR_RETURN(
              auto entry, audit->Append({"screening.disposition", rec.decided_by, data.dump()}));
          out["audit"] = {{"leaf_index", entry.index}, {"leaf_hash", HexEncode(entry.leaf_hash)}};
        }
        KY_TRY(store.Put(rec));
        return HttpResponse::Json(201, DumpJson(out));
      });
}

}  // namespace kycloud::server
