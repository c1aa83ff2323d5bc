#include "kycloud/storage/sql_customer_store.h"

#include "kycloud/storage/change_feed.h"
#include "kycloud/storage/sql_time.h"

#include <fmt/format.h>

#include <algorithm>

namespace kycloud::storage {

namespace {

constexpr std::string_view kColumns =
    "id, kind, status, country, headquarters_country, verification, us_person, decision, "
    "risk_level, policy_id, record_sealed, classification_json, created_at, updated_at, "
    "closed_at, last_access_at, reverify_due, legal_hold, revision, verified_at, risk_json, "
    "verification_resolution";

CustomerRow FromRow(const Row& r) {
  CustomerRow c;
  c.id = r[0].AsText();
  c.kind = r[1].AsText();
  c.status = r[2].AsText();
  c.country = r[3].AsText();
  c.headquarters_country = r[4].AsText();
  c.verification = r[5].AsText();
  c.us_person = r[6].AsInt() != 0;
  c.decision = r[7].AsText();
  c.risk_level = r[8].AsText();
  c.policy_id = r[9].AsText();
  c.record_sealed = r[10].AsText();
  c.classification_json = r[11].AsText();
  c.created_at = FromUnixMicros(r[12].AsInt());
  c.updated_at = FromUnixMicros(r[13].AsInt());
  c.closed_at = OptionalTime(r[14]);
  c.last_access_at = OptionalTime(r[15]);
  c.reverify_due = OptionalTime(r[16]);
  c.legal_hold = r[17].AsInt() != 0;
  c.revision = r[18].AsInt();
  c.verified_at = OptionalTime(r[19]);
  c.risk_json = r[20].AsText();
  c.verification_resolution = r[21].AsText();
  return c;
}

Params ToParams(const CustomerRow& c, std::int64_t revision) {
  return {c.id,
          c.kind,
          c.status,
          c.country,
          c.headquarters_country,
          c.verification,
          c.us_person ? 1 : 0,
          c.decision,
          c.risk_level,
          c.policy_id,
          c.record_sealed,
          c.classification_json,
          static_cast<long long>(ToUnixMicros(c.created_at)),
          static_cast<long long>(ToUnixMicros(c.updated_at)),
          OptionalMicrosValue(c.closed_at),
          OptionalMicrosValue(c.last_access_at),
          OptionalMicrosValue(c.reverify_due),
          c.legal_hold ? 1 : 0,
          static_cast<long long>(revision),
          OptionalMicrosValue(c.verified_at),
          c.risk_json,
          c.verification_resolution};
}

Result<std::optional<CustomerRow>> Find(Session& s, std::string_view id) {
  KY_ASSIGN_OR_RETURN(
      Rows rows, s.Query(fmt::format("SELECT {} FROM customers WHERE id = ?", kColumns), {id}));
  if (rows.empty()) return std::optional<CustomerRow>();
  return std::optional<CustomerRow>(FromRow(rows[0]));
}

}  // namespace

Result<std::pair<CustomerRow, bool>> SqlCustomerStore::Insert(const CustomerRow& row,
                                                              std::string_view idempotency_key,
                                                              std::string_view request_hash) {
  std::pair<CustomerRow, bool> out;
  KY_TRY(db_.Transact(TxMode::kWrite, [&](Session& s) -> Status {
    if (!idempotency_key.empty()) {
      KY_ASSIGN_OR_RETURN(
          Rows seen,
          s.Query("SELECT customer_id, request_hash FROM customer_idempotency WHERE key = ?",
                  {idempotency_key}));
      if (!seen.empty()) {
        if (seen[0][1].AsText() != request_hash) {
          return AlreadyExistsError(fmt::format("idempotency key '{}' was used for another request",
                                                idempotency_key))
              .WithReason("idempotency_key_reused");
        }
        KY_ASSIGN_OR_RETURN(auto first, Find(s, seen[0][0].AsText()));
        if (!first) return NotFoundError("the customer of this idempotency key is gone");
        out = {*first, false};
        return OkStatus();
      }
    }
    KY_ASSIGN_OR_RETURN(auto existing, Find(s, row.id));
    if (existing) {
      return AlreadyExistsError(fmt::format("customer '{}' exists", row.id))
          .WithReason("customer_exists")
          .WithField("/id");
    }
    KY_TRY(s.Execute(fmt::format("INSERT INTO customers ({}) VALUES "
                                 "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                                 kColumns),
                     ToParams(row, 1)));
    if (!idempotency_key.empty()) {
      KY_TRY(s.Execute(
          "INSERT INTO customer_idempotency (key, request_hash, customer_id) VALUES (?,?,?)",
          {idempotency_key, request_hash, row.id}));
    }
    KY_TRY(RecordChange(s, kCustomerTopic, row.id));
    out = {row, true};
    out.first.revision = 1;
    return OkStatus();
  }));
  return out;
}

Result<CustomerRow> SqlCustomerStore::Get(std::string_view id) {
  std::optional<CustomerRow> found;
  KY_TRY(db_.Transact(TxMode::kRead, [&](Session& s) -> Status {
    KY_ASSIGN_OR_RETURN(found, Find(s, id));
    return OkStatus();
  }));
  if (!found) return Err(NotFoundError(fmt::format("no customer '{}'", id)));
  return *found;
}

namespace {

Status UpdateIn(Session& s, const CustomerRow& row, std::int64_t new_revision) {
  Params p = ToParams(row, new_revision);
  p.erase(p.begin());  // id goes last, in WHERE
  // last_access_at never moves back: access events move it without a revision (twice: CASE).
  constexpr size_t kLastAccess = 14;
  p.insert(p.begin() + kLastAccess, p[kLastAccess]);
  p.push_back(row.id);
  p.push_back(static_cast<long long>(row.revision));
  KY_ASSIGN_OR_RETURN(
      std::int64_t n,
      s.Execute("UPDATE customers SET kind = ?, status = ?, country = ?, "
                "headquarters_country = ?, verification = ?, us_person = ?, decision = ?, "
                "risk_level = ?, policy_id = ?, record_sealed = ?, classification_json = ?, "
                "created_at = ?, updated_at = ?, closed_at = ?, "
                "last_access_at = CASE WHEN last_access_at IS NULL OR last_access_at < ? THEN ? "
                "ELSE last_access_at END, "
                "reverify_due = ?, legal_hold = ?, revision = ?, verified_at = ?, risk_json = ?, "
                "verification_resolution = ? "
                "WHERE id = ? AND revision = ?",
                p));
  if (n == 1) return OkStatus();
  KY_ASSIGN_OR_RETURN(auto current, Find(s, row.id));
  if (!current) return NotFoundError(fmt::format("no customer '{}'", row.id));
  return AbortedError(fmt::format("customer '{}' changed since revision {} (now {})", row.id,
                                  row.revision, current->revision))
      .WithReason("revision_conflict");
}

constexpr std::string_view kVerificationColumns =
    "seq, customer_id, at, outcome, method, resolution, details_sealed, actor";

VerificationRow VerificationFromRow(const Row& r) {
  return VerificationRow{r[0].AsInt(),  r[1].AsText(), FromUnixMicros(r[2].AsInt()),
                         r[3].AsText(), r[4].AsText(), r[5].AsText(),
                         r[6].AsText(), r[7].AsText()};
}

}  // namespace

Result<CustomerRow> SqlCustomerStore::Update(const CustomerRow& row) {
  CustomerRow updated = row;
  updated.revision = row.revision + 1;
  KY_TRY(db_.Transact(TxMode::kWrite, [&](Session& s) -> Status {
    KY_TRY(UpdateIn(s, row, updated.revision));
    return RecordChange(s, kCustomerTopic, row.id);
  }));
  return updated;
}

Result<CustomerRow> SqlCustomerStore::RecordVerification(const CustomerRow& row,
                                                         const VerificationRow& v) {
  CustomerRow updated = row;
  updated.revision = row.revision + 1;
  KY_TRY(db_.Transact(TxMode::kWrite, [&](Session& s) -> Status {
    KY_TRY(UpdateIn(s, row, updated.revision));
    KY_TRY(s.Execute(
        "INSERT INTO customer_verifications (customer_id, at, outcome, method, resolution, "
        "details_sealed, actor) VALUES (?,?,?,?,?,?,?)",
        {row.id, static_cast<long long>(ToUnixMicros(v.at)), v.outcome, v.method, v.resolution,
         v.details_sealed, v.actor}));
    return RecordChange(s, kCustomerTopic, row.id);
  }));
  return updated;
}

Result<std::vector<VerificationRow>> SqlCustomerStore::Verifications(std::string_view customer_id) {
  KY_ASSIGN_OR_RETURN(
      Rows rows,
      QueryOnce(db_,
                fmt::format("SELECT {} FROM customer_verifications WHERE customer_id = ? ORDER BY "
                            "seq",
                            kVerificationColumns),
                {customer_id}));
  std::vector<VerificationRow> out;
  for (const Row& r : rows.rows) out.push_back(VerificationFromRow(r));
  return out;
}

Result<std::vector<VerificationRow>> SqlCustomerStore::VerificationsBetween(Timestamp from,
                                                                            Timestamp to) {
  KY_ASSIGN_OR_RETURN(
      Rows rows,
      QueryOnce(
          db_,
          fmt::format("SELECT {} FROM customer_verifications WHERE at >= ? AND at < ? "
                      "ORDER BY seq",
                      kVerificationColumns),
          {static_cast<long long>(ToUnixMicros(from)), static_cast<long long>(ToUnixMicros(to))}));
  std::vector<VerificationRow> out;
  for (const Row& r : rows.rows) out.push_back(VerificationFromRow(r));
  return out;
}

Result<std::vector<CustomerRow>> SqlCustomerStore::ReverifyDue(Timestamp as_of, size_t limit) {
  KY_ASSIGN_OR_RETURN(
      Rows rows,
      QueryOnce(db_,
                fmt::format("SELECT {} FROM customers WHERE status = 'active' AND reverify_due "
                            "IS NOT NULL AND reverify_due <= ? ORDER BY reverify_due, id LIMIT ?",
                            kColumns),
                {static_cast<long long>(ToUnixMicros(as_of)), static_cast<long long>(limit)}));
  std::vector<CustomerRow> out;
  for (const Row& r : rows.rows) out.push_back(FromRow(r));
  return out;
}

Result<bool> SqlCustomerStore::DeleteIfUnchanged(const CustomerRow& row) {
  bool deleted = false;
  const std::string_view id = row.id;
  KY_TRY(db_.Transact(TxMode::kWrite, [&](Session& s) -> Status {
    deleted = false;
    KY_ASSIGN_OR_RETURN(
        std::int64_t n,
        s.Execute(
            "DELETE FROM customers WHERE id = ? AND revision = ? AND status = 'closed' AND "
            "legal_hold = 0 AND (last_access_at IS NULL OR last_access_at <= ?)",
            {id, static_cast<long long>(row.revision),
             static_cast<long long>(row.last_access_at ? ToUnixMicros(*row.last_access_at) : 0)}));
    if (n != 1) return OkStatus();
    deleted = true;
    KY_TRY(s.Execute("DELETE FROM customer_access_events WHERE customer_id = ?", {id}));
    KY_TRY(s.Execute("DELETE FROM customer_verifications WHERE customer_id = ?", {id}));
    KY_TRY(s.Execute("DELETE FROM customer_idempotency WHERE customer_id = ?", {id}));
    return RecordChange(s, kCustomerTopic, id);
  }));
  return deleted;
}

Result<std::vector<CustomerRow>> SqlCustomerStore::List(const CustomerFilter& f) {
  std::string sql = fmt::format("SELECT {} FROM customers WHERE id > ?", kColumns);
  Params p{f.after_id};
  auto add = [&](std::string_view column, const std::optional<std::string>& v) {
    if (!v) return;
    sql += fmt::format(" AND {} = ?", column);
    p.push_back(*v);
  };
  add("status", f.status);
  add("country", f.country);
  add("verification", f.verification);
  add("decision", f.decision);
  sql += " ORDER BY id LIMIT ?";
  p.push_back(static_cast<long long>(f.limit));
  KY_ASSIGN_OR_RETURN(Rows rows, QueryOnce(db_, sql, p));
  std::vector<CustomerRow> out;
  out.reserve(rows.size());
  for (const Row& r : rows.rows) out.push_back(FromRow(r));
  return out;
}

Status SqlCustomerStore::AppendAccessEvents(std::string_view customer_id,
                                            const std::vector<AccessEventRow>& events) {
  if (events.empty()) return OkStatus();
  return db_.Transact(TxMode::kWrite, [&](Session& s) -> Status {
    std::int64_t latest = 0;
    for (const AccessEventRow& e : events) latest = std::max(latest, ToUnixMicros(e.at));
    KY_ASSIGN_OR_RETURN(
        std::int64_t n,
        s.Execute("UPDATE customers SET last_access_at = CASE WHEN last_access_at IS NULL OR "
                  "last_access_at < ? THEN ? ELSE last_access_at END WHERE id = ?",
                  {static_cast<long long>(latest), static_cast<long long>(latest), customer_id}));
    if (n != 1) return NotFoundError(fmt::format("no customer '{}'", customer_id));
    for (const AccessEventRow& e : events) {
      KY_TRY(s.Execute(
          "INSERT INTO customer_access_events (customer_id, at, action, ip_sealed, ip_country) "
          "VALUES (?,?,?,?,?)",
          {customer_id, static_cast<long long>(ToUnixMicros(e.at)), e.action, e.ip_sealed,
           e.ip_country}));
    }
    return RecordChange(s, kCustomerTopic, customer_id);
  });
}

Result<std::vector<std::string>> SqlCustomerStore::AccessCountries(std::string_view customer_id) {
  KY_ASSIGN_OR_RETURN(Rows rows, QueryOnce(db_,
                                           "SELECT DISTINCT ip_country FROM customer_access_events "
                                           "WHERE customer_id = ? AND ip_country <> '' "
                                           "ORDER BY ip_country",
                                           {customer_id}));
  std::vector<std::string> out;
  for (const Row& r : rows.rows) out.push_back(r[0].AsText());
  return out;
}

Result<std::vector<AccessEventRow>> SqlCustomerStore::AccessEvents(std::string_view customer_id,
                                                                   size_t limit) {
  KY_ASSIGN_OR_RETURN(
      Rows rows, QueryOnce(db_,
                           "SELECT seq, customer_id, at, action, ip_sealed, ip_country FROM "
                           "customer_access_events WHERE customer_id = ? ORDER BY seq DESC LIMIT ?",
                           {customer_id, static_cast<long long>(limit)}));
  std::vector<AccessEventRow> out;
  for (const Row& r : rows.rows) {
    out.push_back(AccessEventRow{r[0].AsInt(), r[1].AsText(), FromUnixMicros(r[2].AsInt()),
                                 r[3].AsText(), r[4].AsText(), r[5].AsText()});
  }
  return out;
}

}  // namespace kycloud::storage
