#include "kycloud/storage/sql_cip_request_store.h"

#include "kycloud/storage/sql_time.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace kycloud::storage {

namespace {

constexpr std::string_view kColumns =
    "id, received_at, due_at, requester, reference, provider, resellers_json, note, status, "
    "produced_at, produced_by, package_sha256, created_at, created_by, revision";

Result<CipRequestRow> FromRow(const Row& r) {
  CipRequestRow x;
  x.id = r[0].AsText();
  x.received_at = FromUnixMicros(r[1].AsInt());
  x.due_at = FromUnixMicros(r[2].AsInt());
  x.requester = r[3].AsText();
  x.reference = r[4].AsText();
  x.provider = r[5].AsInt() != 0;
  nlohmann::json resellers = nlohmann::json::parse(r[6].AsText(), nullptr, false);
  if (!resellers.is_array()) {
    return Err(
        DataLossError(fmt::format("cip_requests '{}': resellers_json is not an array", x.id)));
  }
  for (const auto& v : resellers) {
    if (!v.is_string()) {
      return Err(DataLossError(fmt::format("cip_requests '{}': a reseller is not a string", x.id)));
    }
    x.resellers.push_back(v.get<std::string>());
  }
  x.note = r[7].AsText();
  x.status = r[8].AsText();
  x.produced_at = OptionalTime(r[9]);
  x.produced_by = r[10].AsText();
  x.package_sha256 = r[11].AsText();
  x.created_at = FromUnixMicros(r[12].AsInt());
  x.created_by = r[13].AsText();
  x.revision = r[14].AsInt();
  return x;
}

Params ToParams(const CipRequestRow& x, std::int64_t revision) {
  return {x.id,
          MicrosValue(x.received_at),
          MicrosValue(x.due_at),
          x.requester,
          x.reference,
          x.provider ? 1 : 0,
          nlohmann::json(x.resellers).dump(),
          x.note,
          x.status,
          OptionalMicrosValue(x.produced_at),
          x.produced_by,
          x.package_sha256,
          MicrosValue(x.created_at),
          x.created_by,
          static_cast<long long>(revision)};
}

}  // namespace

Result<CipRequestRow> SqlCipRequestStore::Put(const CipRequestRow& row) {
  CipRequestRow out = row;
  out.revision = row.revision + 1;
  KY_TRY(db_.Transact(TxMode::kWrite, [&](Session& s) -> Status {
    if (row.revision == 0) {
      KY_ASSIGN_OR_RETURN(Rows found,
                          s.Query("SELECT revision FROM cip_requests WHERE id = ?", {row.id}));
      if (!found.empty()) {
        return AlreadyExistsError(fmt::format("CIP request '{}' exists", row.id))
            .WithReason("cip_request_exists");
      }
      KY_TRY(s.Execute(fmt::format("INSERT INTO cip_requests ({}) VALUES "
                                   "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                                   kColumns),
                       ToParams(row, out.revision)));
      return OkStatus();
    }
    Params p = ToParams(row, out.revision);
    p.erase(p.begin());
    p.push_back(row.id);
    p.push_back(static_cast<long long>(row.revision));
    KY_ASSIGN_OR_RETURN(
        std::int64_t n,
        s.Execute("UPDATE cip_requests SET received_at = ?, due_at = ?, requester = ?, "
                  "reference = ?, provider = ?, resellers_json = ?, note = ?, status = ?, "
                  "produced_at = ?, produced_by = ?, package_sha256 = ?, created_at = ?, "
                  "created_by = ?, revision = ? WHERE id = ? AND revision = ?",
                  p));
    if (n == 1) return OkStatus();
    KY_ASSIGN_OR_RETURN(Rows found,
                        s.Query("SELECT revision FROM cip_requests WHERE id = ?", {row.id}));
    if (found.empty()) return NotFoundError(fmt::format("no CIP request '{}'", row.id));
    return AbortedError(
               fmt::format("CIP request '{}' changed since revision {}", row.id, row.revision))
        .WithReason("revision_conflict");
  }));
  return out;
}

Result<CipRequestRow> SqlCipRequestStore::Get(std::string_view id) {
  KY_ASSIGN_OR_RETURN(
      Rows rows,
      QueryOnce(db_, fmt::format("SELECT {} FROM cip_requests WHERE id = ?", kColumns), {id}));
  if (rows.rows.empty()) return Err(NotFoundError(fmt::format("no CIP request '{}'", id)));
  return FromRow(rows.rows[0]);
}

Result<std::vector<CipRequestRow>> SqlCipRequestStore::List(
    const std::optional<std::string>& status) {
  std::string sql = fmt::format("SELECT {} FROM cip_requests", kColumns);
  Params p;
  if (status) {
    sql += " WHERE status = ?";
    p.push_back(*status);
  }
  sql += " ORDER BY due_at, id";
  KY_ASSIGN_OR_RETURN(Rows rows, QueryOnce(db_, sql, p));
  std::vector<CipRequestRow> out;
  for (const Row& r : rows.rows) {
    KY_ASSIGN_OR_RETURN(CipRequestRow x, FromRow(r));
    out.push_back(std::move(x));
  }
  return out;
}

}  // namespace kycloud::storage
