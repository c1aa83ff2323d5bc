#include "kycloud/storage/sql_disposition_store.h"

#include <fmt/format.h>

#include <algorithm>

namespace kycloud::storage {

namespace {

constexpr std::string_view kColumns =
    "subject, list, entity_id, entity_fingerprint, decision, reason, decided_by, decided_at";
// Subjects per query (well under SQLite's and PostgreSQL's parameter limits).
constexpr size_t kChunk = 500;

}  // namespace

Status SqlDispositionStore::Put(const DispositionRecord& d) {
  return db_.Transact(TxMode::kWrite, [&](Session& s) -> Status {
    KY_TRY(s.Execute(
        "DELETE FROM screening_dispositions WHERE subject = ? AND list = ? AND entity_id = ?",
        {d.subject, d.list, d.entity_id}));
    KY_TRY(s.Execute(
        fmt::format("INSERT INTO screening_dispositions ({}) VALUES (?,?,?,?,?,?,?,?)", kColumns),
        {d.subject, d.list, d.entity_id, d.entity_fingerprint, d.decision, d.reason, d.decided_by,
         static_cast<long long>(ToUnixMicros(d.decided_at))}));
    return OkStatus();
  });
}

Result<std::vector<DispositionRecord>> SqlDispositionStore::ForSubjects(
    const std::vector<std::string>& subjects) {
  std::vector<std::string> unique = subjects;
  std::sort(unique.begin(), unique.end());
  unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
  std::vector<DispositionRecord> out;
  for (size_t start = 0; start < unique.size(); start += kChunk) {
    size_t n = std::min(kChunk, unique.size() - start);
    std::string marks;
    Params params;
    for (size_t i = 0; i < n; ++i) {
      marks += i ? ",?" : "?";
      params.push_back(unique[start + i]);
    }
    KY_ASSIGN_OR_RETURN(Rows rows,
                        QueryOnce(db_,
                                  fmt::format("SELECT {} FROM screening_dispositions WHERE subject "
                                              "IN ({}) ORDER BY subject, list, entity_id",
                                              kColumns, marks),
                                  params));
    for (const Row& r : rows.rows) {
      out.push_back({r[0].AsText(), r[1].AsText(), r[2].AsText(), r[3].AsText(), r[4].AsText(),
                     r[5].AsText(), r[6].AsText(), FromUnixMicros(r[7].AsInt())});
    }
  }
  return out;
}

}  // namespace kycloud::storage
