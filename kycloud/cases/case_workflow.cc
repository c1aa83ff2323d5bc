#include "kycloud/cases/case_workflow.h"

#include <fmt/format.h>

#include <algorithm>
#include <initializer_list>

namespace kycloud::cases {

namespace {

Status Required(const std::string& value, std::string_view field, std::string_view type) {
  if (!value.empty()) return OkStatus();
  return InvalidArgumentError(fmt::format("'{}' is required for a {} event", field, type))
      .WithField(fmt::format("/{}", field));
}

Status NotAllowed(const storage::CaseRecord& c, std::string_view type) {
  return FailedPreconditionError(
             fmt::format("case {} is {}: a {} event is not allowed", c.id, c.status, type))
      .WithReason("invalid_transition");
}

bool In(std::string_view status, std::initializer_list<std::string_view> allowed) {
  return std::find(allowed.begin(), allowed.end(), status) != allowed.end();
}

// Four-eyes: the approver is neither who asked for the closure nor who opened the case.
Status FourEyes(const storage::CaseRecord& c, const CaseCommand& cmd) {
  if (c.pending_by && *c.pending_by == cmd.actor) {
    return PermissionDeniedError(
               fmt::format("four-eyes: {} asked for this closure and cannot also {} it", cmd.actor,
                           cmd.type))
        .WithReason("four_eyes");
  }
  if (c.opened_by == cmd.actor) {
    return PermissionDeniedError(
               fmt::format("four-eyes: {} opened this case and cannot also {} its closure",
                           cmd.actor, cmd.type))
        .WithReason("four_eyes");
  }
  return OkStatus();
}

}  // namespace

int SeverityRank(std::string_view severity) {
  for (size_t i = 0; i < std::size(kSeverities); ++i) {
    if (kSeverities[i] == severity) return static_cast<int>(i);
  }
  return -1;
}

bool IsResolution(std::string_view resolution) {
  return std::find(std::begin(kResolutions), std::end(kResolutions), resolution) !=
         std::end(kResolutions);
}

Result<storage::CaseRecord> ApplyCommand(const storage::CaseRecord& c, const CaseCommand& cmd,
                                         Timestamp now) {
  storage::CaseRecord next = c;
  next.updated_at = now;
  next.version = c.version + 1;
  next.events = c.events + 1;
  const std::string& s = c.status;
  const std::string& type = cmd.type;
  if (cmd.actor.empty()) return Err(InvalidArgumentError("an event needs an actor"));

  if (type == "opened") {
    if (c.events != 0) return Err(NotAllowed(c, type));
  } else if (type == "alert_added") {
    if (s == "closed") return Err(NotAllowed(c, type));
    if (s == "awaiting_approval") {
      next.status = "in_review";
      next.pending_resolution.reset();
      next.pending_by.reset();
    }
  } else if (type == "assign") {
    if (s == "closed") return Err(NotAllowed(c, type));
    KY_TRY(Required(cmd.assignee, "assignee", type));
    next.assignee = cmd.assignee;
    if (!cmd.queue.empty()) next.queue = cmd.queue;
  } else if (type == "note") {
    if (s == "closed") return Err(NotAllowed(c, type));
    KY_TRY(Required(cmd.text, "text", type));
  } else if (type == "attach_evidence") {
    if (s == "closed") return Err(NotAllowed(c, type));
    KY_TRY(Required(cmd.filename, "filename", type));
    KY_TRY(Required(cmd.content, "content", type));
  } else if (type == "start_review") {
    if (!In(s, {"open", "escalated"})) return Err(NotAllowed(c, type));
    next.status = "in_review";
    if (!next.assignee) next.assignee = cmd.actor;
  } else if (type == "escalate") {
    if (!In(s, {"open", "in_review"})) return Err(NotAllowed(c, type));
    KY_TRY(Required(cmd.reason, "reason", type));
    next.status = "escalated";
    next.queue = std::string(kEscalationQueue);
  } else if (type == "dispose_alert") {
    if (!In(s, {"in_review", "escalated"})) return Err(NotAllowed(c, type));
    KY_TRY(Required(cmd.alert_id, "alert_id", type));
    KY_TRY(Required(cmd.resolution, "resolution", type));
    if (cmd.resolution != "false_positive" && cmd.resolution != "true_positive") {
      return Err(InvalidArgumentError("'resolution' of an alert is true_positive or false_positive")
                     .WithField("/resolution"));
    }
    KY_TRY(Required(cmd.reason, "reason", type));
    if (c.approval_required && cmd.resolution == "false_positive") {
      return Err(PermissionDeniedError(
                     fmt::format("four-eyes: case {} was approved as a true positive; close it "
                                 "for a second officer's approval instead",
                                 c.id))
                     .WithReason("four_eyes"));
    }
  } else if (type == "close") {
    if (!In(s, {"in_review", "escalated"})) return Err(NotAllowed(c, type));
    KY_TRY(Required(cmd.resolution, "resolution", type));
    if (!IsResolution(cmd.resolution)) {
      return Err(
          InvalidArgumentError("'resolution' is true_positive, false_positive or inconclusive")
              .WithField("/resolution"));
    }
    KY_TRY(Required(cmd.reason, "reason", type));
    if (cmd.resolution == "true_positive" || c.approval_required) {
      next.status = "awaiting_approval";
      next.pending_resolution = cmd.resolution;
      next.pending_by = cmd.actor;
    } else {
      next.status = "closed";
      next.resolution = cmd.resolution;
      next.closed_at = now;
    }
  } else if (type == "approve") {
    if (s != "awaiting_approval") return Err(NotAllowed(c, type));
    KY_TRY(FourEyes(c, cmd));
    next.status = "closed";
    next.resolution = c.pending_resolution;
    next.closed_at = now;
    next.pending_resolution.reset();
    next.pending_by.reset();
  } else if (type == "reject") {
    if (s != "awaiting_approval") return Err(NotAllowed(c, type));
    KY_TRY(Required(cmd.reason, "reason", type));
    KY_TRY(FourEyes(c, cmd));
    next.status = "in_review";
    next.pending_resolution.reset();
    next.pending_by.reset();
  } else if (type == "reopen") {
    if (s != "closed") return Err(NotAllowed(c, type));
    KY_TRY(Required(cmd.reason, "reason", type));
    next.status = "in_review";
    // A true positive was decided by two officers: undoing it needs two as well.
    if (c.resolution == "true_positive") next.approval_required = true;
    next.resolution.reset();
    next.closed_at.reset();
  } else {
    return Err(InvalidArgumentError(fmt::format("unknown event type '{}'; one of: {}", type,
                                                fmt::join(kCommandTypes, ", ")))
                   .WithField("/type"));
  }
  return next;
}

}  // namespace kycloud::cases
