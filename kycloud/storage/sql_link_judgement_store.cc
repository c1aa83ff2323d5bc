#include "kycloud/storage/sql_link_judgement_store.h"

#include <fmt/format.h>

#include "kycloud/storage/change_feed.h"

namespace kycloud::storage {

namespace {

constexpr std::string_view kColumns = "a, b, same, reason, decided_by, decided_at";

std::vector<LinkJudgementRecord> FromRows(const Rows& rows) {
  std::vector<LinkJudgementRecord> out;
  out.reserve(rows.rows.size());
  for (const Row& r : rows.rows) {
    out.push_back({r[0].AsText(), r[1].AsText(), r[2].AsInt() != 0, r[3].AsText(), r[4].AsText(),
                   FromUnixMicros(r[5].AsInt())});
  }
  return out;
}

}  // namespace

Status SqlLinkJudgementStore::Put(const LinkJudgementRecord& j) {
  if (!(j.a < j.b)) {
    return InvalidArgumentError(
        fmt::format("link judgement: '{}' must sort before '{}'", j.a, j.b));
  }
  return db_.Transact(TxMode::kWrite, [&](Session& s) -> Status {
    KY_TRY(s.Execute("DELETE FROM link_judgements WHERE a = ? AND b = ?", {j.a, j.b}));
    KY_TRY(s.Execute(fmt::format("INSERT INTO link_judgements ({}) VALUES (?,?,?,?,?,?)", kColumns),
                     {j.a, j.b, static_cast<long long>(j.same ? 1 : 0), j.reason, j.decided_by,
                      static_cast<long long>(ToUnixMicros(j.decided_at))}));
    return RecordChange(s, kJudgementTopic, j.a + " " + j.b);
  });
}

Result<std::vector<LinkJudgementRecord>> SqlLinkJudgementStore::All() {
  KY_ASSIGN_OR_RETURN(
      Rows rows,
      QueryOnce(db_, fmt::format("SELECT {} FROM link_judgements ORDER BY a, b", kColumns), {}));
  return FromRows(rows);
}

Result<std::vector<LinkJudgementRecord>> SqlLinkJudgementStore::Of(std::string_view id) {
  const std::string key(id);
  KY_ASSIGN_OR_RETURN(
      Rows rows, QueryOnce(db_,
                           fmt::format("SELECT {} FROM link_judgements WHERE a = ? OR b = ? ORDER "
                                       "BY a, b",
                                       kColumns),
                           {key, key}));
  return FromRows(rows);
}

}  // namespace kycloud::storage
