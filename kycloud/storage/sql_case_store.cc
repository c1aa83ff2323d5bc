#include "kycloud/storage/sql_case_store.h"

#include <fmt/format.h>

namespace kycloud::storage {

namespace {

constexpr std::string_view kCaseColumns =
    "id, subject, title, status, severity, queue, assignee, opened_by, created_at, updated_at, "
    "due_at, resolution, closed_at, pending_resolution, pending_by, approval_required, version, "
    "events";
constexpr std::string_view kAlertColumns =
    "id, source, kind, severity, subject, dedup_key, title, details, case_id, status, "
    "resolution, created_at, last_seen_at, closed_at, occurrences";
constexpr std::string_view kEventColumns =
    "case_id, seq, type, actor, created_at, data, audit_index";
constexpr std::string_view kReportColumns =
    "id, kind, subject, title, status, content, created_by, created_at, due_at, completed_by, "
    "completed_at, approved_by, approved_at, filed_by, filed_at, frozen, notes, version";

long long Micros(Timestamp t) { return static_cast<long long>(ToUnixMicros(t)); }
Value OptMicros(const std::optional<Timestamp>& t) {
  return t ? Value(Micros(*t)) : Value(nullptr);
}
std::optional<Timestamp> OptTime(const Value& v) {
  return v.is_null() ? std::nullopt : std::optional<Timestamp>(FromUnixMicros(v.AsInt()));
}

// A uniqueness conflict inside a case transaction is a lost race: the caller's body runs again.
Status ConflictToAborted(Status st, std::string_view what) {
  if (st.code() == StatusCode::kAlreadyExists) {
    return AbortedError(fmt::format("{} changed concurrently: {}", what, st.message()));
  }
  return st;
}

CaseRecord CaseFromRow(const Row& r) {
  CaseRecord c;
  c.id = r[0].AsText();
  c.subject = r[1].AsText();
  c.title = r[2].AsText();
  c.status = r[3].AsText();
  c.severity = r[4].AsText();
  c.queue = r[5].AsText();
  c.assignee = r[6].AsOptionalText();
  c.opened_by = r[7].AsText();
  c.created_at = FromUnixMicros(r[8].AsInt());
  c.updated_at = FromUnixMicros(r[9].AsInt());
  c.due_at = FromUnixMicros(r[10].AsInt());
  c.resolution = r[11].AsOptionalText();
  c.closed_at = OptTime(r[12]);
  c.pending_resolution = r[13].AsOptionalText();
  c.pending_by = r[14].AsOptionalText();
  c.approval_required = r[15].AsInt() != 0;
  c.version = r[16].AsInt();
  c.events = r[17].AsInt();
  return c;
}

Params CaseParams(const CaseRecord& c) {
  return {c.id,
          c.subject,
          c.title,
          c.status,
          c.severity,
          c.queue,
          c.assignee,
          c.opened_by,
          Micros(c.created_at),
          Micros(c.updated_at),
          Micros(c.due_at),
          c.resolution,
          OptMicros(c.closed_at),
          c.pending_resolution,
          c.pending_by,
          c.approval_required ? 1 : 0,
          static_cast<long long>(c.version),
          static_cast<long long>(c.events)};
}

AlertRecord AlertFromRow(const Row& r) {
  AlertRecord a;
  a.id = r[0].AsText();
  a.source = r[1].AsText();
  a.kind = r[2].AsText();
  a.severity = r[3].AsText();
  a.subject = r[4].AsText();
  a.dedup_key = r[5].AsText();
  a.title = r[6].AsText();
  a.details_json = r[7].AsText();
  a.case_id = r[8].AsText();
  a.status = r[9].AsText();
  a.resolution = r[10].AsOptionalText();
  a.created_at = FromUnixMicros(r[11].AsInt());
  a.last_seen_at = FromUnixMicros(r[12].AsInt());
  a.closed_at = OptTime(r[13]);
  a.occurrences = r[14].AsInt();
  return a;
}

Params AlertParams(const AlertRecord& a) {
  return {a.id,
          a.source,
          a.kind,
          a.severity,
          a.subject,
          a.dedup_key,
          a.title,
          a.details_json,
          a.case_id,
          a.status,
          a.resolution,
          Micros(a.created_at),
          Micros(a.last_seen_at),
          OptMicros(a.closed_at),
          static_cast<long long>(a.occurrences)};
}

CaseEventRecord EventFromRow(const Row& r) {
  return {r[0].AsText(),
          r[1].AsInt(),
          r[2].AsText(),
          r[3].AsText(),
          FromUnixMicros(r[4].AsInt()),
          r[5].AsText(),
          r[6].AsOptionalInt()};
}

ReportRecord ReportFromRow(const Row& r) {
  ReportRecord p;
  p.id = r[0].AsText();
  p.kind = r[1].AsText();
  p.subject = r[2].AsText();
  p.title = r[3].AsText();
  p.status = r[4].AsText();
  p.content_json = r[5].AsText();
  p.created_by = r[6].AsText();
  p.created_at = FromUnixMicros(r[7].AsInt());
  p.due_at = OptTime(r[8]);
  p.completed_by = r[9].AsOptionalText();
  p.completed_at = OptTime(r[10]);
  p.approved_by = r[11].AsOptionalText();
  p.approved_at = OptTime(r[12]);
  p.filed_by = r[13].AsOptionalText();
  p.filed_at = OptTime(r[14]);
  p.frozen_json = r[15].AsOptionalText();
  p.notes_json = r[16].AsText();
  p.version = r[17].AsInt();
  return p;
}

Params ReportParams(const ReportRecord& p) {
  return {p.id,
          p.kind,
          p.subject,
          p.title,
          p.status,
          p.content_json,
          p.created_by,
          Micros(p.created_at),
          OptMicros(p.due_at),
          p.completed_by,
          OptMicros(p.completed_at),
          p.approved_by,
          OptMicros(p.approved_at),
          p.filed_by,
          OptMicros(p.filed_at),
          p.frozen_json,
          p.notes_json,
          static_cast<long long>(p.version)};
}

// "UPDATE t SET a = ?, b = ?, ... " for the columns after the first (the id).
std::string SetClause(std::string_view columns) {
  std::string out;
  size_t start = columns.find(',') + 1;
  while (start < columns.size()) {
    size_t end = columns.find(',', start);
    if (end == std::string_view::npos) end = columns.size();
    std::string_view col = columns.substr(start, end - start);
    while (!col.empty() && col.front() == ' ') col.remove_prefix(1);
    if (!out.empty()) out += ", ";
    out += fmt::format("{} = ?", col);
    start = end + 1;
  }
  return out;
}

// Parameters for SetClause followed by "WHERE id = ?": all but the id, then the id.
Params IdLast(Params p) {
  Value id = p.front();
  p.erase(p.begin());
  p.push_back(std::move(id));
  return p;
}

// The WHERE clause of a list query and its parameters, built from optional filters.
struct Filters {
  std::vector<std::string> conditions;
  Params params;
  // Adds "column = ?" when `value` is set.
  void Eq(std::string_view column, const std::optional<std::string>& value) {
    if (!value) return;
    conditions.push_back(fmt::format("{} = ?", column));
    params.push_back(*value);
  }
  std::string Where() const {
    std::string out;
    for (size_t i = 0; i < conditions.size(); ++i) out += (i ? " AND " : " WHERE ") + conditions[i];
    return out;
  }
  // The parameters followed by LIMIT and OFFSET.
  Params Paged(size_t limit, size_t offset) const {
    Params p = params;
    p.push_back(static_cast<long long>(limit));
    p.push_back(static_cast<long long>(offset));
    return p;
  }
};

class SqlCaseTx final : public CaseTx {
 public:
  explicit SqlCaseTx(Session& s)
      : s_(s), lock_(s.dialect() == Dialect::kPostgres ? " FOR UPDATE" : "") {}

  Result<std::optional<CaseRecord>> GetCase(const std::string& id) override {
    KY_ASSIGN_OR_RETURN(
        Rows rows,
        s_.Query(fmt::format("SELECT {} FROM cases WHERE id = ?{}", kCaseColumns, lock_), {id}));
    if (rows.empty()) return std::optional<CaseRecord>();
    return std::optional<CaseRecord>(CaseFromRow(rows[0]));
  }

  Result<std::optional<CaseRecord>> OpenCaseOf(const std::string& subject) override {
    KY_ASSIGN_OR_RETURN(
        Rows rows,
        s_.Query(fmt::format("SELECT {} FROM cases WHERE subject = ? AND status <> 'closed'{}",
                             kCaseColumns, lock_),
                 {subject}));
    if (rows.empty()) return std::optional<CaseRecord>();
    return std::optional<CaseRecord>(CaseFromRow(rows[0]));
  }

  Status PutCase(const CaseRecord& c, std::int64_t expected_version) override {
    if (expected_version == 0) {
      auto n = s_.Execute(
          fmt::format("INSERT INTO cases ({}) VALUES ({})", kCaseColumns, Placeholders(18)),
          CaseParams(c));
      if (!n.has_value()) return ConflictToAborted(n.error(), "the subject's open case");
      return OkStatus();
    }
    Params p = IdLast(CaseParams(c));
    p.push_back(static_cast<long long>(expected_version));
    auto n = s_.Execute(
        fmt::format("UPDATE cases SET {} WHERE id = ? AND version = ?", SetClause(kCaseColumns)),
        p);
    if (!n.has_value()) return ConflictToAborted(n.error(), "the subject's open case");
    if (*n != 1) return AbortedError(fmt::format("case {} changed concurrently", c.id));
    return OkStatus();
  }

  Result<std::optional<AlertRecord>> LatestAlert(const std::string& dedup_key) override {
    KY_ASSIGN_OR_RETURN(Rows rows,
                        s_.Query(fmt::format("SELECT {} FROM alerts WHERE dedup_key = ? ORDER BY "
                                             "created_at DESC, id DESC LIMIT 1{}",
                                             kAlertColumns, lock_),
                                 {dedup_key}));
    if (rows.empty()) return std::optional<AlertRecord>();
    return std::optional<AlertRecord>(AlertFromRow(rows[0]));
  }

  Status PutAlert(const AlertRecord& a) override {
    auto n = s_.Execute(fmt::format("UPDATE alerts SET {} WHERE id = ?", SetClause(kAlertColumns)),
                        IdLast(AlertParams(a)));
    if (!n.has_value()) return ConflictToAborted(n.error(), "an open alert with this key");
    if (*n == 1) return OkStatus();
    n = s_.Execute(
        fmt::format("INSERT INTO alerts ({}) VALUES ({})", kAlertColumns, Placeholders(15)),
        AlertParams(a));
    if (!n.has_value()) return ConflictToAborted(n.error(), "an open alert with this key");
    return OkStatus();
  }

  Result<std::vector<AlertRecord>> AlertsOf(const std::string& case_id) override {
    KY_ASSIGN_OR_RETURN(
        Rows rows,
        s_.Query(fmt::format("SELECT {} FROM alerts WHERE case_id = ? ORDER BY created_at, id{}",
                             kAlertColumns, lock_),
                 {case_id}));
    std::vector<AlertRecord> out;
    for (const Row& r : rows.rows) out.push_back(AlertFromRow(r));
    return out;
  }

  Status AddEvent(const CaseEventRecord& e) override {
    KY_TRY(s_.Execute(
        fmt::format("INSERT INTO case_events ({}) VALUES (?,?,?,?,?,?,?)", kEventColumns),
        {e.case_id, static_cast<long long>(e.seq), e.type, e.actor, Micros(e.created_at),
         e.data_json, e.audit_index}));
    return OkStatus();
  }

  Status PutEvidence(const EvidenceFile& f) override {
    KY_ASSIGN_OR_RETURN(Rows rows,
                        s_.Query("SELECT 1 FROM evidence_files WHERE sha256 = ?", {f.sha256}));
    if (!rows.empty()) return OkStatus();
    auto n = s_.Execute(
        "INSERT INTO evidence_files (sha256, media_type, size, content, created_at) VALUES "
        "(?,?,?,?,?)",
        {f.sha256, f.media_type, static_cast<long long>(f.content.size()), Value::Blob(f.content),
         Micros(f.created_at)});
    // The same bytes attached at the same moment elsewhere: run again, find them stored.
    if (!n.has_value()) return ConflictToAborted(n.error(), "the evidence file");
    return OkStatus();
  }

 private:
  Session& s_;
  // PostgreSQL: rows read to be changed are locked, so concurrent writers queue rather than
  // lose updates (SQLite serialises write transactions anyway).
  std::string lock_;
};

}  // namespace

Status SqlCaseStore::Transact(const std::function<Status(CaseTx&)>& body) {
  return db_.Transact(TxMode::kWrite, [&](Session& s) -> Status {
    SqlCaseTx tx(s);
    return body(tx);
  });
}

Result<std::optional<CaseRecord>> SqlCaseStore::GetCase(const std::string& id) {
  KY_ASSIGN_OR_RETURN(
      Rows rows,
      QueryOnce(db_, fmt::format("SELECT {} FROM cases WHERE id = ?", kCaseColumns), {id}));
  if (rows.empty()) return std::optional<CaseRecord>();
  return std::optional<CaseRecord>(CaseFromRow(rows[0]));
}

Result<std::vector<CaseRecord>> SqlCaseStore::ListCases(const CaseFilter& f) {
  Filters w;
  w.Eq("status", f.status);
  w.Eq("queue", f.queue);
  w.Eq("assignee", f.assignee);
  w.Eq("subject", f.subject);
  if (f.due_before) {
    w.conditions.push_back("due_at < ? AND status <> 'closed'");
    w.params.push_back(Micros(*f.due_before));
  }
  KY_ASSIGN_OR_RETURN(
      Rows rows,
      QueryOnce(db_,
                fmt::format("SELECT {} FROM cases{} ORDER BY due_at, id LIMIT ? OFFSET ?",
                            kCaseColumns, w.Where()),
                w.Paged(f.limit, f.offset)));
  std::vector<CaseRecord> out;
  for (const Row& r : rows.rows) out.push_back(CaseFromRow(r));
  return out;
}

Result<std::optional<AlertRecord>> SqlCaseStore::GetAlert(const std::string& id) {
  KY_ASSIGN_OR_RETURN(
      Rows rows,
      QueryOnce(db_, fmt::format("SELECT {} FROM alerts WHERE id = ?", kAlertColumns), {id}));
  if (rows.empty()) return std::optional<AlertRecord>();
  return std::optional<AlertRecord>(AlertFromRow(rows[0]));
}

Result<std::vector<AlertRecord>> SqlCaseStore::ListAlerts(const AlertFilter& f) {
  Filters w;
  w.Eq("status", f.status);
  w.Eq("source", f.source);
  w.Eq("subject", f.subject);
  w.Eq("case_id", f.case_id);
  KY_ASSIGN_OR_RETURN(Rows rows, QueryOnce(db_,
                                           fmt::format("SELECT {} FROM alerts{} ORDER BY "
                                                       "created_at DESC, id DESC LIMIT ? OFFSET ?",
                                                       kAlertColumns, w.Where()),
                                           w.Paged(f.limit, f.offset)));
  std::vector<AlertRecord> out;
  for (const Row& r : rows.rows) out.push_back(AlertFromRow(r));
  return out;
}

Result<std::vector<CaseEventRecord>> SqlCaseStore::EventsOf(const std::string& case_id) {
  KY_ASSIGN_OR_RETURN(
      Rows rows, QueryOnce(db_,
                           fmt::format("SELECT {} FROM case_events WHERE case_id = ? ORDER BY seq",
                                       kEventColumns),
                           {case_id}));
  std::vector<CaseEventRecord> out;
  for (const Row& r : rows.rows) out.push_back(EventFromRow(r));
  return out;
}

Result<std::optional<EvidenceFile>> SqlCaseStore::GetEvidence(const std::string& sha256) {
  KY_ASSIGN_OR_RETURN(
      Rows rows,
      QueryOnce(db_,
                "SELECT sha256, media_type, content, created_at FROM evidence_files WHERE "
                "sha256 = ?",
                {sha256}));
  if (rows.empty()) return std::optional<EvidenceFile>();
  return std::optional<EvidenceFile>(EvidenceFile{rows[0][0].AsText(), rows[0][1].AsText(),
                                                  rows[0][2].AsBlob(),
                                                  FromUnixMicros(rows[0][3].AsInt())});
}

Result<std::vector<CaseEventRecord>> SqlCaseStore::EventsWithoutAudit(size_t limit) {
  KY_ASSIGN_OR_RETURN(Rows rows,
                      QueryOnce(db_,
                                fmt::format("SELECT {} FROM case_events WHERE audit_index IS NULL "
                                            "ORDER BY created_at, case_id, seq LIMIT ?",
                                            kEventColumns),
                                {static_cast<long long>(limit)}));
  std::vector<CaseEventRecord> out;
  for (const Row& r : rows.rows) out.push_back(EventFromRow(r));
  return out;
}

Status SqlCaseStore::SetEventAudit(const std::string& case_id, std::int64_t seq,
                                   std::int64_t audit_index) {
  KY_ASSIGN_OR_RETURN(auto n, ExecuteOnce(db_,
                                          "UPDATE case_events SET audit_index = ? WHERE case_id "
                                          "= ? AND seq = ? AND audit_index IS NULL",
                                          {static_cast<long long>(audit_index), case_id,
                                           static_cast<long long>(seq)}));
  (void)n;  // 0 when another process recorded it first: the first entry stands
  return OkStatus();
}

Status SqlReportStore::Insert(const ReportRecord& r) {
  KY_TRY(ExecuteOnce(
      db_, fmt::format("INSERT INTO reports ({}) VALUES ({})", kReportColumns, Placeholders(18)),
      ReportParams(r)));
  return OkStatus();
}

Status SqlReportStore::Update(const ReportRecord& r, std::int64_t expected_version) {
  Params p = IdLast(ReportParams(r));
  p.push_back(static_cast<long long>(expected_version));
  KY_ASSIGN_OR_RETURN(auto n,
                      ExecuteOnce(db_,
                                  fmt::format("UPDATE reports SET {} WHERE id = ? AND version = ?",
                                              SetClause(kReportColumns)),
                                  p));
  if (n == 1) return OkStatus();
  KY_ASSIGN_OR_RETURN(auto current, Get(r.id));
  if (!current) return NotFoundError(fmt::format("no report '{}'", r.id));
  return AbortedError(fmt::format("report {} changed concurrently", r.id));
}

Result<std::optional<ReportRecord>> SqlReportStore::Get(const std::string& id) {
  KY_ASSIGN_OR_RETURN(
      Rows rows,
      QueryOnce(db_, fmt::format("SELECT {} FROM reports WHERE id = ?", kReportColumns), {id}));
  if (rows.empty()) return std::optional<ReportRecord>();
  return std::optional<ReportRecord>(ReportFromRow(rows[0]));
}

Result<std::vector<ReportRecord>> SqlReportStore::List(const ReportFilter& f) {
  Filters w;
  w.Eq("kind", f.kind);
  w.Eq("status", f.status);
  w.Eq("subject", f.subject);
  KY_ASSIGN_OR_RETURN(Rows rows, QueryOnce(db_,
                                           fmt::format("SELECT {} FROM reports{} ORDER BY "
                                                       "created_at DESC, id DESC LIMIT ? OFFSET ?",
                                                       kReportColumns, w.Where()),
                                           w.Paged(f.limit, f.offset)));
  std::vector<ReportRecord> out;
  for (const Row& r : rows.rows) out.push_back(ReportFromRow(r));
  return out;
}

}  // namespace kycloud::storage
