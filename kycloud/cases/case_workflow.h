// The case workflow: what an officer's command does to a case, as a pure function of the case
// and the command (no storage, no clock). CaseManager (case_manager.h) runs it inside a
// transaction; the table test in case_workflow_test.cc tries every command in every status.
//
//   status            commands allowed (-> new status)
//   open              assign, note, attach_evidence, start_review (-> in_review),
//                     escalate (-> escalated)
//   in_review         assign, note, attach_evidence, dispose_alert, escalate (-> escalated),
//                     close (false_positive | inconclusive -> closed;
//                            true_positive -> awaiting_approval)
//   escalated         assign, note, attach_evidence, dispose_alert, start_review (-> in_review),
//                     close (as in_review)
//   awaiting_approval assign, note, attach_evidence, approve (-> closed with the resolution asked
//                     for), reject (-> in_review)
//   closed            reopen (-> in_review)
// The system's own events: "opened" (a new case) and "alert_added" (any status but closed; a
// case awaiting approval goes back to in_review, since the approval was asked on less evidence).
//
// Four-eyes: approve and reject need an officer other than the one who asked for the closure and
// other than the one who opened the case; refusals are PermissionDenied with reason "four_eyes".
// A reopened true-positive case keeps needing approval for any closing (approval_required), and
// its alerts cannot be disposed of as false positives one by one.
// A command not allowed in the case's status is FailedPrecondition with reason
// "invalid_transition"; a missing or bad field is InvalidArgument naming the field.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "kycloud/base/result.h"
#include "kycloud/storage/case_store.h"

namespace kycloud::cases {

inline constexpr std::string_view kStatuses[] = {"open", "in_review", "escalated",
                                                 "awaiting_approval", "closed"};
inline constexpr std::string_view kResolutions[] = {"true_positive", "false_positive",
                                                    "inconclusive"};
inline constexpr std::string_view kSeverities[] = {"low", "medium", "high", "critical"};
// Commands an officer may send (POST /v1/cases/{id}/events).
inline constexpr std::string_view kCommandTypes[] = {
    "assign",   "start_review", "note",    "attach_evidence", "dispose_alert",
    "escalate", "close",        "approve", "reject",          "reopen"};
// The queue escalated cases move to.
inline constexpr std::string_view kEscalationQueue = "escalations";

// 0 (low) .. 3 (critical); -1 for an unknown name.
int SeverityRank(std::string_view severity);
bool IsResolution(std::string_view resolution);

struct CaseCommand {
  std::string type;        // one of kCommandTypes, or the system's "opened" / "alert_added"
  std::string actor;       // API key id of the officer ("system" for the system's events)
  std::string assignee;    // assign: required
  std::string queue;       // assign: optional new queue
  std::string resolution;  // close, dispose_alert: required
  std::string reason;      // escalate, close, reject, reopen, dispose_alert: required
  std::string text;        // note: required
  std::string alert_id;    // dispose_alert: required (checked against the case by CaseManager)
  // attach_evidence: a file name and its bytes (required), and a media type.
  std::string filename;
  std::string media_type;
  std::string content;
};

// The case after `cmd`, with updated_at = now, version + 1 and events + 1. Errors as above.
Result<storage::CaseRecord> ApplyCommand(const storage::CaseRecord& c, const CaseCommand& cmd,
                                         Timestamp now);

}  // namespace kycloud::cases
