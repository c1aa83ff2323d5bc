#include "kycloud/storage/change_feed.h"

#include <fmt/format.h>

#include "kycloud/base/clock.h"
#include "kycloud/base/random.h"
#include "kycloud/base/sha256.h"

namespace kycloud::storage {

namespace {

constexpr std::string_view kColumns = "seq, topic, key, instance, at";

ChangeRecord FromRow(const Row& r) {
  return ChangeRecord{r[0].AsInt(), r[1].AsText(), r[2].AsText(), r[3].AsText(),
                      FromUnixMicros(r[4].AsInt())};
}

std::vector<ChangeRecord> FromRows(const Rows& rows) {
  std::vector<ChangeRecord> out;
  out.reserve(rows.size());
  for (const Row& r : rows.rows) out.push_back(FromRow(r));
  return out;
}

}  // namespace

const std::string& ThisInstanceId() {
  static const std::string id = Sha256Hex(SecureRandomBytes(16)).substr(0, 16);
  return id;
}

Status RecordChange(Session& s, std::string_view topic, std::string_view key) {
  return StatusOf(s.Execute("INSERT INTO change_feed (topic, key, instance, at) VALUES (?,?,?,?)",
                            {topic, key, ThisInstanceId(),
                             static_cast<long long>(ToUnixMicros(SystemClock::Default().Now()))}));
}

Result<std::int64_t> SqlChangeFeed::Head() {
  KY_ASSIGN_OR_RETURN(Rows rows, QueryOnce(db_, "SELECT COALESCE(MAX(seq), 0) FROM change_feed"));
  return rows[0][0].AsInt();
}

Result<std::vector<ChangeRecord>> SqlChangeFeed::After(std::int64_t after, size_t limit) {
  KY_ASSIGN_OR_RETURN(
      Rows rows,
      QueryOnce(
          db_,
          fmt::format("SELECT {} FROM change_feed WHERE seq > ? ORDER BY seq LIMIT ?", kColumns),
          {static_cast<long long>(after), static_cast<long long>(limit)}));
  return FromRows(rows);
}

Result<std::vector<ChangeRecord>> SqlChangeFeed::Find(const std::vector<std::int64_t>& seqs) {
  if (seqs.empty()) return std::vector<ChangeRecord>{};
  Params p;
  p.reserve(seqs.size());
  for (std::int64_t s : seqs) p.push_back(static_cast<long long>(s));
  KY_ASSIGN_OR_RETURN(
      Rows rows, QueryOnce(db_,
                           fmt::format("SELECT {} FROM change_feed WHERE seq IN ({}) ORDER BY seq",
                                       kColumns, Placeholders(seqs.size())),
                           p));
  return FromRows(rows);
}

Result<std::int64_t> SqlChangeFeed::PruneBefore(Timestamp before) {
  return ExecuteOnce(db_,
                     "DELETE FROM change_feed WHERE at < ? AND seq < (SELECT MAX(seq) FROM "
                     "change_feed)",
                     {static_cast<long long>(ToUnixMicros(before))});
}

}  // namespace kycloud::storage
