// ReportManager: the reports kycloud drafts for regulators and auditors.
//   training_run       the large-AI-training-run report (R23): drafted from the compute
//                      estimate (or by an officer), due 15 days after knowledge of the run.
//   cip_certification  an initial, annual or out-of-cycle CIP certification (R15, R16): drafted
//                      from the CIP data (or by an officer).
//   case_evidence      a case's evidence pack (evidence_pack.h): generated, frozen at once.
// Authored reports move draft -> completed -> approved -> filed:
//   update   {content}   draft: merges the fields into the content (JSON merge patch)
//   complete {content?}  draft -> completed: every required field of the kind must be present
//   return   {reason}    completed -> draft (the reviewer sends it back; the reason is kept in
//                        the report's notes)
//   approve              completed -> approved, by an officer other than the one who completed
//                        it and the one who drafted it (four-eyes, reason "four_eyes"); the
//                        content is frozen: its SHA-256 goes into a "report.approved" audit
//                        entry whose inclusion proof and signed checkpoint are kept with it
//   file     {reference} approved -> filed (submitted to the regulator; the reference noted)
// A command not allowed in the status is FailedPrecondition ("invalid_transition"); a missing
// required field is InvalidArgument naming it as a JSON pointer into the content. Every command
// is an audit entry ("report.<type>", subject and reason digested), written after the change is
// stored (a change the log does not take is undone); a new report's "report.created" entry is
// written before it is stored.
//
// Thread-safety: safe from many threads (commands on one manager are serialised).
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "kycloud/audit/audit_log.h"
#include "kycloud/base/clock.h"
#include "kycloud/storage/case_store.h"
#include "kycloud/storage/report_store.h"

namespace kycloud::cases {

inline constexpr std::string_view kReportKinds[] = {"training_run", "cip_certification",
                                                    "case_evidence"};

// The fields (JSON pointers into the content) a report of `kind` needs before it is completed.
// cip_certification needs more when its /type is "annual".
std::vector<std::string> RequiredReportFields(std::string_view kind, std::string_view cip_type);

struct NewReport {
  std::string kind;  // training_run | cip_certification
  std::string subject;
  std::string title;                // "" = a title from the kind
  std::string content_json;         // a JSON object; "" = {}
  std::optional<Timestamp> due_at;  // training_run default: created + 15 days
};

struct ReportCommand {
  std::string type;  // update | complete | return | approve | file
  std::string actor;
  std::string content_json;  // update, complete: fields to merge
  std::string reason;        // return
  std::string reference;     // file: the regulator's or the filing's reference
};

class ReportManager {
 public:
  // `reports`, `cases`, `clock` and `audit` (may be null: no audit entries, no frozen proofs)
  // must outlive it.
  ReportManager(storage::ReportStore& reports, storage::CaseStore& cases, const Clock& clock,
                audit::AuditLog* audit);

  // Errors: InvalidArgument naming the field; the store's.
  Result<storage::ReportRecord> Create(const NewReport& r, const std::string& actor);
  // The evidence pack of a case, frozen at once (status approved). Errors: as
  // BuildEvidencePack; FailedPrecondition without an audit log.
  Result<storage::ReportRecord> CreateEvidencePack(const std::string& case_id,
                                                   const std::string& actor);
  // Errors: NotFound, as described above, the store's.
  Result<storage::ReportRecord> Apply(const std::string& id, const ReportCommand& cmd);

 private:
  Result<std::int64_t> Audit(const std::string& kind, const std::string& actor,
                             const storage::ReportRecord& r, const std::string& status_from,
                             const std::string& reason = "");

  storage::ReportStore& reports_;
  storage::CaseStore& cases_;
  const Clock& clock_;
  audit::AuditLog* audit_;
  std::mutex mu_;
};

}  // namespace kycloud::cases
