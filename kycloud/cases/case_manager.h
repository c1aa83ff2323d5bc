// CaseManager: alerts from every source (screening, CIP, policy, linking, compute, manual) and
// the cases that group them per subject (customer), driven by officers' commands through the
// workflow of case_workflow.h.
//
// Alerts:
//   - dedup: an alert raised while one with the same dedup key is open is the same alert seen
//     again (occurrences + 1, last_seen_at updated; a higher severity raises the alert's and
//     the case's severity).
//   - cooldown: a repeat within `cooldown` of the previous alert's closing, at no higher
//     severity, is folded into that closed alert rather than raised anew.
//   - otherwise a new alert joins the subject's open case, or opens one (opened by the alert's
//     actor, who then cannot approve its closure; queue = the alert's
//     source, due = now + the SLA of its severity; a more severe alert brings the due date
//     forward).
// Cases change only through commands; each change is one transaction that also writes a case
// event. Every event becomes an audit entry ("case.<type>", free text and subjects as keyed
// digests): appended right after the commit, and, should that fail or the process die first,
// by FlushAuditOutbox() (the service runs it every few seconds) — at least once.
// Dispositions are remembered: a screening alert disposed of, or closed with its case, as a
// false positive writes a screening disposition (storage/disposition_store.h), so the same hit
// stays suppressed until the list entity changes.
//
// Thread-safety: safe from many threads and processes (the store's transactions serialise).
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kycloud/audit/audit_log.h"
#include "kycloud/base/clock.h"
#include "kycloud/base/result.h"
#include "kycloud/cases/case_workflow.h"
#include "kycloud/storage/case_store.h"
#include "kycloud/storage/disposition_store.h"

namespace kycloud::cases {

inline constexpr std::string_view kAlertSources[] = {"screening", "cip",     "policy",
                                                     "linking",   "compute", "manual"};

struct CaseOptions {
  // SLA: a case is due this long after it opens, by its highest severity.
  // Defaults: critical 1 day, high 3 days, medium 7 days, low 30 days.
  std::chrono::seconds due_critical{24 * 3600};
  std::chrono::seconds due_high{3 * 24 * 3600};
  std::chrono::seconds due_medium{7 * 24 * 3600};
  std::chrono::seconds due_low{30 * 24 * 3600};
  // A repeat of an alert closed less than this long ago is folded into it. Default 1 day.
  std::chrono::seconds cooldown{24 * 3600};
  // Largest evidence file. Default 10 MiB (the HTTP body limit applies as well).
  size_t max_evidence_bytes = 10 << 20;

  std::chrono::seconds DueAfter(std::string_view severity) const;
};

struct NewAlert {
  std::string source;        // one of kAlertSources
  std::string kind;          // e.g. "screening.hit"
  std::string severity;      // low | medium | high | critical
  std::string subject;       // the customer (or party) id
  std::string title;         // one line for the queue; "" = the kind
  std::string details_json;  // a JSON object; "" = {}
  std::string dedup_key;     // "" = source|kind|subject; a caller's key becomes source|subject|key
};

struct RaiseResult {
  storage::AlertRecord alert;
  std::string outcome;                             // "raised", "deduplicated" or "cooldown"
  std::optional<storage::CaseRecord> case_record;  // the case it joined or opened
  bool case_opened = false;
  std::vector<storage::CaseEventRecord> events;  // written by this call
};

struct NewCase {
  std::string subject;
  std::string title;
  std::string severity = "medium";
  std::string queue = "manual";
};

struct CommandResult {
  storage::CaseRecord case_record;
  storage::CaseEventRecord event;
  std::vector<std::string> warnings;  // e.g. a disposition that could not be stored
};

class CaseManager {
 public:
  // `store`, `clock`, `audit` and `dispositions` (the last two may be null) must outlive it.
  CaseManager(storage::CaseStore& store, const Clock& clock, audit::AuditLog* audit,
              storage::DispositionStore* dispositions, CaseOptions options = {});

  // Errors: InvalidArgument naming the field of `alert`; the store's.
  Result<RaiseResult> RaiseAlert(const NewAlert& alert, const std::string& actor);
  // An officer opens a case by hand. Errors: InvalidArgument; FailedPrecondition (reason
  // "case_open") when the subject already has an open case (its id in the message).
  Result<storage::CaseRecord> OpenCase(const NewCase& c, const std::string& actor);
  // Runs an officer's command. Errors: NotFound (no such case, or alert not in the case), the
  // workflow's (case_workflow.h), InvalidArgument (evidence too large), the store's.
  Result<CommandResult> Apply(const std::string& case_id, const CaseCommand& cmd);

  // Appends the events older than `min_age` that are not yet in the audit log. Returns how many.
  Result<size_t> FlushAuditOutbox(std::chrono::seconds min_age);

  // The audit entry data of an event (what FlushAuditOutbox and the evidence pack use).
  std::string AuditData(const storage::CaseEventRecord& e) const;

  // Called after a case closes (four-eyes approved) with a screening alert resolved as a true
  // positive: the hit is remembered as a confirmed match ("true_match" disposition) and the hook
  // gets the alert's subject (a customer id, or "<id>/owners/<owner>" ...) to decide it again.
  void SetConfirmedHook(
      std::function<void(const std::string& subject, const std::string& actor)> hook) {
    on_confirmed_ = std::move(hook);
  }

  storage::CaseStore& store() { return store_; }
  audit::AuditLog* audit() { return audit_; }
  const CaseOptions& options() const { return options_; }

 private:
  Status AppendToAudit(std::vector<storage::CaseEventRecord>& events);
  // Stores the officers' decision on a screening alert's hit: "false_positive" or "true_match".
  Status RememberDisposition(const storage::AlertRecord& a, const std::string& decision,
                             const std::string& reason, const std::string& actor);

  storage::CaseStore& store_;
  const Clock& clock_;
  audit::AuditLog* audit_;
  storage::DispositionStore* dispositions_;
  CaseOptions options_;
  std::function<void(const std::string&, const std::string&)> on_confirmed_;
};

// "case_<16 hex>", "alert_<16 hex>", "report_<16 hex>".
std::string NewId(std::string_view prefix);

}  // namespace kycloud::cases
