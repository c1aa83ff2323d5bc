#include "kycloud/server/audit_routes.h"

#include <fmt/format.h>

#include <charconv>
#include <nlohmann/json.hpp>

#include "kycloud/server/json_body.h"

namespace kycloud::server {

namespace {

const std::vector<std::string> kReaders = {"admin", "officer", "auditor"};

std::string Hex(const audit::Hash& h) { return HexEncode(h); }

nlohmann::json HexList(const std::vector<audit::Hash>& hashes) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& h : hashes) out.push_back(Hex(h));
  return out;
}

Result<std::int64_t> IntParam(const HttpRequest& req, std::string_view name,
                              std::optional<std::int64_t> fallback, std::int64_t min) {
  auto v = req.Query(name);
  if (!v) {
    if (fallback) return *fallback;
    return Err(InvalidArgumentError(fmt::format("query parameter '{}' is required", name))
                   .WithField(std::string(name)));
  }
  std::int64_t out = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || p != v->data() + v->size() || out < min) {
    return Err(InvalidArgumentError(
                   fmt::format("query parameter '{}' must be an integer >= {}", name, min))
                   .WithField(std::string(name)));
  }
  return out;
}

Result<std::string> DecodeHex(std::string_view hex) {
  if (hex.size() != 64) return Err(InvalidArgumentError("not 64 hex digits"));
  std::string out(32, '\0');
  for (size_t i = 0; i < 32; ++i) {
    auto [p, ec] = std::from_chars(hex.data() + 2 * i, hex.data() + 2 * i + 2,
                                   reinterpret_cast<unsigned char&>(out[i]), 16);
    if (ec != std::errc() || p != hex.data() + 2 * i + 2) {
      return Err(InvalidArgumentError("not 64 hex digits"));
    }
  }
  return out;
}

}  // namespace

void AddAuditRoutes(Router& router, audit::AuditLog& log) {
  router.Add({.method = Method::kGet, .path = "/v1/audit/checkpoint", .roles = kReaders},
             [&log](const HttpRequest&, const RequestContext&) -> Result<HttpResponse> {
               // An auditor asks for a checkpoint over the log as it is now: sign one when the
               // log has grown past the latest (or none exists yet); otherwise return the latest,
               // which may have been signed concurrently by the service's timer or another node.
               std::optional<storage::AuditCheckpointRecord> latest;
               if (log.key()) {
                 KY_ASSIGN_OR_RETURN(latest, log.CheckpointIfDue(/*force=*/true));
               }
               if (!latest) {
                 KY_ASSIGN_OR_RETURN(latest, log.LatestCheckpoint());
               }
               KY_ASSIGN_OR_RETURN(auto head, log.Head());
               nlohmann::json out = {{"log_size", head.size}};
               if (log.key()) out["verifier_key"] = log.key()->VerifierKey();
               if (!latest) {
                 out["checkpoint"] = nullptr;
                 return HttpResponse::Json(200, DumpJson(out));
               }
               auto parsed = audit::ParseCheckpoint(latest->note, nullptr);
               if (!parsed.has_value()) return Err(parsed.error());
               out["checkpoint"] = {{"origin", parsed->checkpoint.origin},
                                    {"tree_size", latest->size},
                                    {"root", HexEncode(latest->root)},
                                    {"time", FormatRfc3339(parsed->checkpoint.time)},
                                    {"note", latest->note}};
               return HttpResponse::Json(200, DumpJson(out));
             });
  router.Add(
      {.method = Method::kGet, .path = "/v1/audit/proof/inclusion", .roles = kReaders},
      [&log](const HttpRequest& req, const RequestContext&) -> Result<HttpResponse> {
        auto leaf = req.Query("leaf");
        if (!leaf) {
          return Err(InvalidArgumentError("query parameter 'leaf' is required (an entry index "
                                          "or a leaf hash in hex)")
                         .WithField("leaf"));
        }
        std::int64_t index = 0;
        if (leaf->size() == 64) {
          auto raw = DecodeHex(*leaf);
          if (!raw.has_value()) return Err(raw.error().WithField("leaf"));
          auto found = log.IndexOfLeaf(*raw);
          if (!found.has_value()) {
            return Err(NotFoundError("no audit entry has this leaf hash").WithField("leaf"));
          }
          index = *found;
        } else {
          KY_ASSIGN_OR_RETURN(index, IntParam(req, "leaf", std::nullopt, 0));
        }
        std::optional<std::int64_t> size_default;
        if (!req.Query("tree_size")) {
          KY_ASSIGN_OR_RETURN(auto latest, log.LatestCheckpoint());
          size_default = latest && index < latest->size ? latest->size : 0;
        }
        KY_ASSIGN_OR_RETURN(std::int64_t tree_size, IntParam(req, "tree_size", size_default, 0));
        KY_ASSIGN_OR_RETURN(auto proof, log.ProveInclusion(index, tree_size));
        KY_ASSIGN_OR_RETURN(audit::Hash root, log.RootAt(proof.tree_size));
        return HttpResponse::Json(200, DumpJson({{"leaf_index", proof.index},
                                                 {"tree_size", proof.tree_size},
                                                 {"entry", proof.entry},
                                                 {"leaf_hash", Hex(proof.leaf_hash)},
                                                 {"proof", HexList(proof.proof)},
                                                 {"root", Hex(root)}}));
      });
  router.Add({.method = Method::kGet, .path = "/v1/audit/proof/consistency", .roles = kReaders},
             [&log](const HttpRequest& req, const RequestContext&) -> Result<HttpResponse> {
               KY_ASSIGN_OR_RETURN(std::int64_t from, IntParam(req, "from", std::nullopt, 1));
               KY_ASSIGN_OR_RETURN(std::int64_t to, IntParam(req, "to", std::nullopt, 1));
               KY_ASSIGN_OR_RETURN(auto proof, log.ProveConsistency(from, to));
               KY_ASSIGN_OR_RETURN(audit::Hash from_root, log.RootAt(from));
               KY_ASSIGN_OR_RETURN(audit::Hash to_root, log.RootAt(to));
               return HttpResponse::Json(200, DumpJson({{"from", from},
                                                        {"to", to},
                                                        {"from_root", Hex(from_root)},
                                                        {"to_root", Hex(to_root)},
                                                        {"proof", HexList(proof)}}));
             });
  router.Add(
      {.method = Method::kGet, .path = "/v1/audit/entries", .roles = kReaders},
      [&log](const HttpRequest& req, const RequestContext&) -> Result<HttpResponse> {
        KY_ASSIGN_OR_RETURN(std::int64_t from, IntParam(req, "from", 0, 0));
        KY_ASSIGN_OR_RETURN(std::int64_t limit, IntParam(req, "limit", 100, 1));
        if (limit > 1000) {
          return Err(InvalidArgumentError("'limit' is at most 1000").WithField("limit"));
        }
        KY_ASSIGN_OR_RETURN(auto entries, log.Entries(from, from + limit));
        KY_ASSIGN_OR_RETURN(auto head, log.Head());
        nlohmann::json list = nlohmann::json::array();
        for (const auto& e : entries) {
          list.push_back(
              {{"index", e.index}, {"entry", e.entry}, {"leaf_hash", HexEncode(e.leaf_hash)}});
        }
        return HttpResponse::Json(
            200, DumpJson({{"entries", std::move(list)}, {"log_size", head.size}}));
      });
}

}  // namespace kycloud::server
