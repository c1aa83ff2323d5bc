// CaseStore: the rows behind kycloud's case manager (cases/): alerts, cases, the events of each
// case, and evidence files kept by content hash. The store is deliberately dumb: the workflow
// (statuses, four-eyes, dedup, cooldown) lives in cases/ and runs inside Transact() against a
// CaseTx, so that every read-decide-write is one transaction on either backend.
//
// Concurrency: PutCase() is an optimistic update (the row's version must still be the one read);
// a lost race, or a second open alert with the same dedup key, or a second open case of one
// subject, fails the attempt with Aborted and Transact() runs the body again on fresh rows.
//
// The SQL implementation (sql_case_store.h) runs on SQLite and PostgreSQL; its conformance test
// is the in-process fake for the workflow tests too (an SQLite file costs milliseconds).
//
// Thread-safety: a CaseStore is safe from many threads; a CaseTx belongs to one Transact() call.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kycloud/base/result.h"
#include "kycloud/base/time.h"

namespace kycloud::storage {

struct CaseRecord {
  std::string id;       // "case_<hex>"
  std::string subject;  // the customer (or other party) the case is about
  std::string title;
  std::string status;    // open | in_review | escalated | awaiting_approval | closed
  std::string severity;  // low | medium | high | critical (the highest of its alerts)
  std::string queue;     // work queue, e.g. "screening", "escalations"
  std::optional<std::string> assignee;  // API key id of the officer working it
  std::string opened_by;                // API key id, or "system" for alert-opened cases
  Timestamp created_at;
  Timestamp updated_at;
  Timestamp due_at;                       // SLA deadline from the severity
  std::optional<std::string> resolution;  // closed: true_positive | false_positive | inconclusive
  std::optional<Timestamp> closed_at;
  // awaiting_approval: the resolution asked for and who asked (four-eyes).
  std::optional<std::string> pending_resolution;
  std::optional<std::string> pending_by;
  // Every closing needs a second officer's approval (set when a true-positive case is reopened).
  bool approval_required = false;
  std::int64_t version = 0;  // 1 on insert, +1 on every change
  std::int64_t events = 0;   // number of events; the next event's seq is events + 1
  friend bool operator==(const CaseRecord&, const CaseRecord&) = default;
};

struct AlertRecord {
  std::string id;        // "alert_<hex>"
  std::string source;    // screening | cip | policy | linking | compute | manual
  std::string kind;      // e.g. "screening.hit", "compute.threshold"
  std::string severity;  // low | medium | high | critical
  std::string subject;
  std::string dedup_key;  // same key while open = the same alert seen again
  std::string title;
  std::string details_json;  // a JSON object
  std::string case_id;
  std::string status;  // open | closed
  std::optional<std::string> resolution;
  Timestamp created_at;
  Timestamp last_seen_at;
  std::optional<Timestamp> closed_at;
  std::int64_t occurrences = 1;  // times raised, counting dedup and cooldown folds
  friend bool operator==(const AlertRecord&, const AlertRecord&) = default;
};

struct CaseEventRecord {
  std::string case_id;
  std::int64_t seq = 0;  // 1, 2, ... within the case
  std::string type;      // opened, alert_added, assign, note, close, approve, ...
  std::string actor;
  Timestamp created_at;
  std::string data_json;                    // a JSON object
  std::optional<std::int64_t> audit_index;  // the audit entry, once appended
  friend bool operator==(const CaseEventRecord&, const CaseEventRecord&) = default;
};

struct EvidenceFile {
  std::string sha256;  // lowercase hex of the content: the file's identity
  std::string media_type;
  std::string content;
  Timestamp created_at;
};

struct CaseFilter {
  std::optional<std::string> status;
  std::optional<std::string> queue;
  std::optional<std::string> assignee;
  std::optional<std::string> subject;
  std::optional<Timestamp> due_before;  // overdue: due_at < this and not closed
  size_t limit = 100;
  size_t offset = 0;
};

struct AlertFilter {
  std::optional<std::string> status;
  std::optional<std::string> source;
  std::optional<std::string> subject;
  std::optional<std::string> case_id;
  size_t limit = 100;
  size_t offset = 0;
};

// Reads and writes inside one transaction.
class CaseTx {
 public:
  virtual ~CaseTx() = default;
  virtual Result<std::optional<CaseRecord>> GetCase(const std::string& id) = 0;
  // The subject's case that is not closed, if any (there is at most one).
  virtual Result<std::optional<CaseRecord>> OpenCaseOf(const std::string& subject) = 0;
  // Inserts (expected_version 0; the record's version must be 1) or updates the row whose
  // version is `expected_version`. Errors: Aborted (a concurrent change, or another open case of
  // the subject), AlreadyExists (the id is taken).
  virtual Status PutCase(const CaseRecord& c, std::int64_t expected_version) = 0;
  // The most recently created alert with this dedup key.
  virtual Result<std::optional<AlertRecord>> LatestAlert(const std::string& dedup_key) = 0;
  // Inserts or replaces by id. Errors: Aborted (another open alert has this dedup key).
  virtual Status PutAlert(const AlertRecord& a) = 0;
  virtual Result<std::vector<AlertRecord>> AlertsOf(const std::string& case_id) = 0;
  // Errors: AlreadyExists (case_id, seq taken).
  virtual Status AddEvent(const CaseEventRecord& e) = 0;
  // Stores the file unless one with its hash exists.
  virtual Status PutEvidence(const EvidenceFile& f) = 0;
};

class CaseStore {
 public:
  virtual ~CaseStore() = default;
  // Runs `body` in one write transaction, retried (up to 3 times) on Aborted.
  virtual Status Transact(const std::function<Status(CaseTx&)>& body) = 0;

  virtual Result<std::optional<CaseRecord>> GetCase(const std::string& id) = 0;
  // Ordered by due date, then id.
  virtual Result<std::vector<CaseRecord>> ListCases(const CaseFilter& filter) = 0;
  virtual Result<std::optional<AlertRecord>> GetAlert(const std::string& id) = 0;
  // Newest first.
  virtual Result<std::vector<AlertRecord>> ListAlerts(const AlertFilter& filter) = 0;
  // Ordered by seq.
  virtual Result<std::vector<CaseEventRecord>> EventsOf(const std::string& case_id) = 0;
  virtual Result<std::optional<EvidenceFile>> GetEvidence(const std::string& sha256) = 0;
  // The audit outbox: events not yet in the audit log, oldest first.
  virtual Result<std::vector<CaseEventRecord>> EventsWithoutAudit(size_t limit) = 0;
  virtual Status SetEventAudit(const std::string& case_id, std::int64_t seq,
                               std::int64_t audit_index) = 0;
};

}  // namespace kycloud::storage
