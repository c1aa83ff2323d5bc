#include "kycloud/storage/sql_reseller_store.h"

#include "kycloud/storage/sql_time.h"

#include <fmt/format.h>

namespace kycloud::storage {

namespace {

constexpr std::string_view kColumns =
    "customer_id, cip, contract_flow_down, reports_pass_through, compliance_status, "
    "noncompliant_since, terminate_by, terminated_at, note, updated_at, updated_by, revision, "
    "cip_document";

ResellerRow FromRow(const Row& r) {
  ResellerRow x;
  x.customer_id = r[0].AsText();
  x.cip = r[1].AsText();
  x.contract_flow_down = r[2].AsInt() != 0;
  x.reports_pass_through = r[3].AsInt() != 0;
  x.compliance_status = r[4].AsText();
  x.noncompliant_since = OptionalTime(r[5]);
  x.terminate_by = OptionalTime(r[6]);
  x.terminated_at = OptionalTime(r[7]);
  x.note = r[8].AsText();
  x.updated_at = FromUnixMicros(r[9].AsInt());
  x.updated_by = r[10].AsText();
  x.revision = r[11].AsInt();
  x.cip_document = r[12].AsText();
  return x;
}

Params ToParams(const ResellerRow& x, std::int64_t revision) {
  return {x.customer_id,
          x.cip,
          x.contract_flow_down ? 1 : 0,
          x.reports_pass_through ? 1 : 0,
          x.compliance_status,
          OptionalMicrosValue(x.noncompliant_since),
          OptionalMicrosValue(x.terminate_by),
          OptionalMicrosValue(x.terminated_at),
          x.note,
          static_cast<long long>(ToUnixMicros(x.updated_at)),
          x.updated_by,
          static_cast<long long>(revision),
          x.cip_document};
}

}  // namespace

Result<ResellerRow> SqlResellerStore::Put(const ResellerRow& row) {
  ResellerRow out = row;
  out.revision = row.revision + 1;
  KY_TRY(db_.Transact(TxMode::kWrite, [&](Session& s) -> Status {
    KY_ASSIGN_OR_RETURN(Rows found, s.Query("SELECT revision FROM resellers WHERE customer_id = ?",
                                            {row.customer_id}));
    if (row.revision == 0) {
      if (!found.empty()) {
        return AlreadyExistsError(fmt::format("reseller '{}' is registered", row.customer_id))
            .WithReason("reseller_exists")
            .WithField("/customer_id");
      }
      KY_TRY(s.Execute(
          fmt::format("INSERT INTO resellers ({}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", kColumns),
          ToParams(row, out.revision)));
      return OkStatus();
    }
    if (found.empty()) return NotFoundError(fmt::format("no reseller '{}'", row.customer_id));
    Params p = ToParams(row, out.revision);
    p.erase(p.begin());
    p.push_back(row.customer_id);
    p.push_back(static_cast<long long>(row.revision));
    KY_ASSIGN_OR_RETURN(
        std::int64_t n,
        s.Execute("UPDATE resellers SET cip = ?, contract_flow_down = ?, reports_pass_through = ?, "
                  "compliance_status = ?, noncompliant_since = ?, terminate_by = ?, "
                  "terminated_at = ?, note = ?, updated_at = ?, updated_by = ?, revision = ?, "
                  "cip_document = ? WHERE customer_id = ? AND revision = ?",
                  p));
    if (n == 1) return OkStatus();
    return AbortedError(fmt::format("reseller '{}' changed since revision {}", row.customer_id,
                                    row.revision))
        .WithReason("revision_conflict");
  }));
  return out;
}

Result<ResellerRow> SqlResellerStore::Get(std::string_view customer_id) {
  KY_ASSIGN_OR_RETURN(
      Rows rows,
      QueryOnce(db_, fmt::format("SELECT {} FROM resellers WHERE customer_id = ?", kColumns),
                {customer_id}));
  if (rows.rows.empty()) return Err(NotFoundError(fmt::format("no reseller '{}'", customer_id)));
  return FromRow(rows.rows[0]);
}

Result<std::vector<ResellerRow>> SqlResellerStore::List(const std::optional<std::string>& status) {
  std::string sql = fmt::format("SELECT {} FROM resellers", kColumns);
  Params p;
  if (status) {
    sql += " WHERE compliance_status = ?";
    p.push_back(*status);
  }
  sql += " ORDER BY customer_id";
  KY_ASSIGN_OR_RETURN(Rows rows, QueryOnce(db_, sql, p));
  std::vector<ResellerRow> out;
  for (const Row& r : rows.rows) out.push_back(FromRow(r));
  return out;
}

}  // namespace kycloud::storage
