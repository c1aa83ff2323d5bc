// ReportStore: the reports kycloud drafts for regulators and auditors (cases/report_*.h): a
// large-training-run report, a CIP certification, a case evidence pack. A report moves
// draft -> completed -> approved (frozen: its content never changes again) -> filed; the
// workflow and four-eyes rule live in cases/, the store keeps rows.
//
// Thread-safety: implementations are safe from many threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kycloud/base/result.h"
#include "kycloud/base/time.h"

namespace kycloud::storage {

struct ReportRecord {
  std::string id;       // "report_<hex>"
  std::string kind;     // training_run | cip_certification | case_evidence
  std::string subject;  // the customer, the case, or "" for a provider-wide certification
  std::string title;
  std::string status;        // draft | completed | approved | filed
  std::string content_json;  // the report's fields (a JSON object)
  std::string created_by;
  Timestamp created_at;
  std::optional<Timestamp> due_at;  // e.g. 15 days after knowledge of a training run
  std::optional<std::string> completed_by;
  std::optional<Timestamp> completed_at;
  std::optional<std::string> approved_by;
  std::optional<Timestamp> approved_at;
  std::optional<std::string> filed_by;
  std::optional<Timestamp> filed_at;
  // Set at approval: the content's hash, its audit entry, the inclusion proof and checkpoint.
  std::optional<std::string> frozen_json;
  // Reviewers' notes, a JSON array of {"type", "actor", "time", "reason"} (e.g. why it was
  // returned to draft).
  std::string notes_json = "[]";
  std::int64_t version = 0;  // 1 on insert, +1 on every change
  friend bool operator==(const ReportRecord&, const ReportRecord&) = default;
};

struct ReportFilter {
  std::optional<std::string> kind;
  std::optional<std::string> status;
  std::optional<std::string> subject;
  size_t limit = 100;
  size_t offset = 0;
};

class ReportStore {
 public:
  virtual ~ReportStore() = default;
  // Errors: AlreadyExists (id taken).
  virtual Status Insert(const ReportRecord& r) = 0;
  // Replaces the row whose version is `expected_version`. Errors: Aborted (changed since read),
  // NotFound.
  virtual Status Update(const ReportRecord& r, std::int64_t expected_version) = 0;
  virtual Result<std::optional<ReportRecord>> Get(const std::string& id) = 0;
  // Newest first.
  virtual Result<std::vector<ReportRecord>> List(const ReportFilter& filter) = 0;
};

}  // namespace kycloud::storage
