#include "kycloud/storage/sql_policy_store.h"

#include <fmt/format.h>

#include "kycloud/storage/change_feed.h"

namespace kycloud::storage {

namespace {

constexpr std::string_view kVersionColumns =
    "seq, id, version, hash, files_json, published_at, published_by";

PolicyVersionRecord VersionFromRow(const Row& r) {
  PolicyVersionRecord v;
  v.seq = r[0].AsInt();
  v.id = r[1].AsText();
  v.version = r[2].AsText();
  v.hash = r[3].AsText();
  v.files_json = r[4].AsText();
  v.published_at = FromUnixMicros(r[5].AsInt());
  v.published_by = r[6].AsText();
  return v;
}

PartyRecord PartyFromRow(const Row& r) {
  return PartyRecord{r[0].AsText(), r[1].AsText(), FromUnixMicros(r[2].AsInt())};
}

}  // namespace

Result<bool> SqlPolicyStore::Publish(const PolicyVersionRecord& v) {
  bool published = false;
  KY_TRY(db_.Transact(TxMode::kWrite, [&](Session& s) -> Status {
    KY_ASSIGN_OR_RETURN(Rows same,
                        s.Query("SELECT hash FROM policy_versions WHERE version = ?", {v.version}));
    if (!same.empty()) {
      if (same[0][0].AsText() == v.hash) return OkStatus();
      return AlreadyExistsError(fmt::format(
          "policy version '{}' is already published with other content; a published version is "
          "never edited: raise `version`",
          v.version));
    }
    KY_ASSIGN_OR_RETURN(Rows next,
                        s.Query("SELECT COALESCE(MAX(seq), 0) + 1 FROM policy_versions"));
    KY_TRY(s.Execute(
        fmt::format("INSERT INTO policy_versions ({}) VALUES (?,?,?,?,?,?,?)", kVersionColumns),
        {static_cast<long long>(next[0][0].AsInt()), v.id, v.version, v.hash, v.files_json,
         static_cast<long long>(ToUnixMicros(v.published_at)), v.published_by}));
    KY_TRY(RecordChange(s, kPolicyTopic, v.id));
    published = true;
    return OkStatus();
  }));
  return published;
}

Result<std::optional<PolicyVersionRecord>> SqlPolicyStore::Latest() {
  KY_ASSIGN_OR_RETURN(
      Rows rows,
      QueryOnce(db_, fmt::format("SELECT {} FROM policy_versions ORDER BY seq DESC LIMIT 1",
                                 kVersionColumns)));
  if (rows.empty()) return std::optional<PolicyVersionRecord>();
  return std::optional<PolicyVersionRecord>(VersionFromRow(rows[0]));
}

Result<std::vector<PolicyVersionRecord>> SqlPolicyStore::Versions() {
  KY_ASSIGN_OR_RETURN(
      Rows rows,
      QueryOnce(db_, fmt::format("SELECT {} FROM policy_versions ORDER BY seq", kVersionColumns)));
  std::vector<PolicyVersionRecord> out;
  for (const Row& r : rows.rows) out.push_back(VersionFromRow(r));
  return out;
}

Status SqlPolicyStore::PutParty(const PartyRecord& p) {
  return db_.Transact(TxMode::kWrite, [&](Session& s) -> Status {
    KY_TRY(
        s.Execute("INSERT INTO policy_parties (id, facts_json, updated_at) VALUES (?,?,?) "
                  "ON CONFLICT (id) DO UPDATE SET facts_json = excluded.facts_json, "
                  "updated_at = excluded.updated_at",
                  {p.id, p.facts_json, static_cast<long long>(ToUnixMicros(p.updated_at))}));
    return RecordChange(s, kPartyTopic, p.id);
  });
}

Result<std::optional<PartyRecord>> SqlPolicyStore::GetParty(std::string_view id) {
  KY_ASSIGN_OR_RETURN(
      Rows rows,
      QueryOnce(db_, "SELECT id, facts_json, updated_at FROM policy_parties WHERE id = ?", {id}));
  if (rows.empty()) return std::optional<PartyRecord>();
  return std::optional<PartyRecord>(PartyFromRow(rows[0]));
}

Result<std::vector<PartyRecord>> SqlPolicyStore::Parties() {
  KY_ASSIGN_OR_RETURN(
      Rows rows,
      QueryOnce(db_, "SELECT id, facts_json, updated_at FROM policy_parties ORDER BY id"));
  std::vector<PartyRecord> out;
  out.reserve(rows.size());
  for (const Row& r : rows.rows) out.push_back(PartyFromRow(r));
  return out;
}

Status SqlPolicyStore::AppendDecisions(const std::vector<DecisionRecord>& decisions) {
  if (decisions.empty()) return OkStatus();
  return db_.Transact(TxMode::kWrite, [&](Session& s) -> Status {
    for (const DecisionRecord& d : decisions) {
      KY_TRY(
          s.Execute("INSERT INTO authorization_decisions (customer_id, at, outcome, policy_id, "
                    "request_json, reasons_json) VALUES (?,?,?,?,?,?)",
                    {d.customer_id, static_cast<long long>(ToUnixMicros(d.at)), d.outcome,
                     d.policy_id, d.request_json, d.reasons_json}));
    }
    return OkStatus();
  });
}

Result<std::vector<DecisionRecord>> SqlPolicyStore::DecisionsOf(std::string_view customer_id,
                                                                size_t limit) {
  KY_ASSIGN_OR_RETURN(Rows rows,
                      QueryOnce(db_,
                                "SELECT seq, customer_id, at, outcome, policy_id, request_json, "
                                "reasons_json FROM authorization_decisions WHERE customer_id = ? "
                                "ORDER BY seq DESC LIMIT ?",
                                {customer_id, static_cast<long long>(limit)}));
  std::vector<DecisionRecord> out;
  for (const Row& r : rows.rows) {
    out.push_back(DecisionRecord{r[0].AsInt(), r[1].AsText(), FromUnixMicros(r[2].AsInt()),
                                 r[3].AsText(), r[4].AsText(), r[5].AsText(), r[6].AsText()});
  }
  return out;
}

}  // namespace kycloud::storage
