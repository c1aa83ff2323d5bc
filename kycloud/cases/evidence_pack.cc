#include "kycloud/cases/evidence_pack.h"

#include <fmt/format.h>

#include <algorithm>

#include "kycloud/audit/checkpoint.h"
#include "kycloud/base/sha256.h"
#include "kycloud/cases/case_json.h"

namespace kycloud::cases {

using nlohmann::json;

Result<json> ProofBundle(audit::AuditLog& log, std::vector<std::int64_t> indices) {
  std::sort(indices.begin(), indices.end());
  indices.erase(std::unique(indices.begin(), indices.end()), indices.end());
  KY_ASSIGN_OR_RETURN(auto head, log.Head());
  const std::int64_t needed = indices.empty() ? 0 : indices.back() + 1;
  if (needed > head.size) {
    return Err(InvalidArgumentError(
        fmt::format("audit entry {} is past the log's {} entries", needed - 1, head.size)));
  }
  json checkpoint = nullptr;
  std::int64_t tree_size = head.size;
  if (log.key()) {
    KY_ASSIGN_OR_RETURN(auto latest, log.LatestCheckpoint());
    if (!latest || latest->size < needed) {
      KY_ASSIGN_OR_RETURN(latest, log.CheckpointIfDue(/*force=*/true));
      if (!latest) {
        KY_ASSIGN_OR_RETURN(latest, log.LatestCheckpoint());
      }
    }
    if (latest && latest->size >= needed) {
      KY_ASSIGN_OR_RETURN(auto parsed, audit::ParseCheckpoint(latest->note, nullptr));
      tree_size = latest->size;
      checkpoint = {{"origin", parsed.checkpoint.origin},
                    {"tree_size", latest->size},
                    {"root", HexEncode(latest->root)},
                    {"time", FormatRfc3339(parsed.checkpoint.time)},
                    {"note", latest->note}};
    }
  }
  json inclusion = json::array();
  if (tree_size > 0) {
    KY_ASSIGN_OR_RETURN(audit::Hash root, log.RootAt(tree_size));
    for (std::int64_t i : indices) {
      KY_ASSIGN_OR_RETURN(auto p, log.ProveInclusion(i, tree_size));
      json proof = json::array();
      for (const auto& h : p.proof) proof.push_back(HexEncode(h));
      inclusion.push_back({{"leaf_index", p.index},
                           {"tree_size", p.tree_size},
                           {"entry", p.entry},
                           {"leaf_hash", HexEncode(p.leaf_hash)},
                           {"root", HexEncode(root)},
                           {"proof", std::move(proof)}});
    }
  }
  json cp = {{"checkpoint", checkpoint}, {"log_size", head.size}};
  if (log.key()) cp["verifier_key"] = log.key()->VerifierKey();
  return json{{"checkpoint", std::move(cp)},
              {"inclusion", std::move(inclusion)},
              {"consistency", json::array()}};
}

Result<json> BuildEvidencePack(storage::CaseStore& store, audit::AuditLog& log,
                               const std::string& case_id, Timestamp now) {
  KY_ASSIGN_OR_RETURN(auto c, store.GetCase(case_id));
  if (!c) return Err(NotFoundError(fmt::format("no case '{}'", case_id)));
  KY_ASSIGN_OR_RETURN(auto alerts, store.ListAlerts({.case_id = case_id, .limit = 100000}));
  KY_ASSIGN_OR_RETURN(auto events, store.EventsOf(case_id));
  std::vector<std::int64_t> indices;
  json timeline = json::array(), evidence = json::array(), alert_list = json::array();
  for (const auto& e : events) {
    if (!e.audit_index) {
      return Err(FailedPreconditionError(
                     fmt::format("event {} of case {} is not in the audit log yet; retry shortly",
                                 e.seq, case_id))
                     .WithReason("audit_pending"));
    }
    indices.push_back(*e.audit_index);
    if (json f = EvidenceJson(e); !f.is_null()) evidence.push_back(std::move(f));
    timeline.push_back(EventJson(e));
  }
  for (const auto& a : alerts) alert_list.push_back(AlertJson(a));
  KY_ASSIGN_OR_RETURN(json bundle, ProofBundle(log, indices));
  return json{{"kind", "case_evidence"},
              {"generated_at", FormatRfc3339(now)},
              {"case", CaseJson(*c, now)},
              {"alerts", std::move(alert_list)},
              {"events", std::move(timeline)},
              {"evidence_files", std::move(evidence)},
              {"checkpoint", bundle["checkpoint"]},
              {"inclusion", bundle["inclusion"]},
              {"consistency", json::array()}};
}

}  // namespace kycloud::cases
