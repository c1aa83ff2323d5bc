#include "kycloud/cases/report_manager.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "kycloud/base/sha256.h"
#include "kycloud/cases/case_json.h"
#include "kycloud/cases/case_manager.h"
#include "kycloud/cases/evidence_pack.h"

namespace kycloud::cases {

namespace {

using nlohmann::json;
using storage::ReportRecord;

Result<json> ParseContent(const std::string& text) {
  if (text.empty()) return json::object();
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Err(InvalidArgumentError("'content' must be a JSON object").WithField("/content"));
  }
  return j;
}

bool Present(const json& content, const std::string& pointer) {
  try {
    const json& v = content.at(json::json_pointer(pointer));
    if (v.is_null()) return false;
    if (v.is_string()) return !v.get<std::string>().empty();
    return true;
  } catch (const json::exception&) {
    return false;
  }
}

Status NotAllowed(const ReportRecord& r, std::string_view type) {
  return FailedPreconditionError(
             fmt::format("report {} is {}: a {} event is not allowed", r.id, r.status, type))
      .WithReason("invalid_transition");
}

std::string DefaultTitle(std::string_view kind) {
  if (kind == "training_run") return "Large AI training run report";
  if (kind == "cip_certification") return "CIP certification";
  return "Case evidence pack";
}

}  // namespace

std::vector<std::string> RequiredReportFields(std::string_view kind, std::string_view cip_type) {
  if (kind == "training_run") {
    return {"/customer/id",         "/customer/name",  "/customer/country",
            "/customer/foreign",    "/run/first_seen", "/run/estimated_operations",
            "/cluster/accelerator", "/cluster/count",  "/knowledge_date",
            "/provider_contact"};
  }
  if (kind == "cip_certification") {
    std::vector<std::string> out = {"/type",
                                    "/period/start",
                                    "/period/end",
                                    "/cip_contact",
                                    "/procedures",
                                    "/detection_resources",
                                    "/reseller_oversight",
                                    "/customers/total",
                                    "/customers/by_country",
                                    "/foreign_beneficial_owners",
                                    "/foreign_resellers",
                                    "/unverified_foreign_accounts"};
    if (cip_type == "annual") out.push_back("/failed_verification_resolutions");
    return out;
  }
  return {};
}

ReportManager::ReportManager(storage::ReportStore& reports, storage::CaseStore& cases,
                             const Clock& clock, audit::AuditLog* audit)
    : reports_(reports), cases_(cases), clock_(clock), audit_(audit) {}

Result<std::int64_t> ReportManager::Audit(const std::string& kind, const std::string& actor,
                                          const ReportRecord& r, const std::string& status_from,
                                          const std::string& reason) {
  if (!audit_) return std::int64_t{-1};
  json data = {{"report_id", r.id},
               {"report_kind", r.kind},
               {"subject", audit_->PiiDigest(r.subject)},
               {"status_from", status_from},
               {"status_to", r.status},
               {"content_sha256", Sha256Hex(r.content_json)}};
  if (!reason.empty()) data["reason"] = audit_->PiiDigest(reason);
  KY_ASSIGN_OR_RETURN(auto e, audit_->Append({kind, actor, Dump(data)}));
  return e.index;
}

Result<ReportRecord> ReportManager::Create(const NewReport& in, const std::string& actor) {
  if (in.kind != "training_run" && in.kind != "cip_certification") {
    return Err(InvalidArgumentError(
                   "'kind' is training_run or cip_certification (case_evidence packs are built "
                   "from a case: give case_id)")
                   .WithField("/kind"));
  }
  KY_ASSIGN_OR_RETURN(json content, ParseContent(in.content_json));
  if (in.kind == "training_run" && in.subject.empty()) {
    return Err(InvalidArgumentError("'subject' (the customer) is required for a training_run")
                   .WithField("/subject"));
  }
  const Timestamp now = clock_.Now();
  ReportRecord r;
  r.id = NewId("report");
  r.kind = in.kind;
  r.subject = in.subject;
  r.title = in.title.empty() ? DefaultTitle(in.kind) : in.title;
  r.status = "draft";
  r.content_json = Dump(content);
  r.created_by = actor;
  r.created_at = now;
  r.due_at = in.due_at;
  if (!r.due_at && in.kind == "training_run") r.due_at = now + std::chrono::days(15);
  r.version = 1;
  std::lock_guard<std::mutex> lock(mu_);
  KY_TRY(Audit("report.created", actor, r, ""));
  KY_TRY(reports_.Insert(r));
  return r;
}

Result<ReportRecord> ReportManager::CreateEvidencePack(const std::string& case_id,
                                                       const std::string& actor) {
  if (!audit_) {
    return Err(FailedPreconditionError("evidence packs need the audit log"));
  }
  const Timestamp now = clock_.Now();
  KY_ASSIGN_OR_RETURN(json pack, BuildEvidencePack(cases_, *audit_, case_id, now));
  ReportRecord r;
  r.id = NewId("report");
  r.kind = "case_evidence";
  r.subject = case_id;
  r.title = fmt::format("Evidence pack of case {}", case_id);
  r.status = "approved";
  r.content_json = Dump(pack);
  r.created_by = actor;
  r.created_at = now;
  r.approved_by = actor;
  r.approved_at = now;
  r.version = 1;
  std::lock_guard<std::mutex> lock(mu_);
  KY_ASSIGN_OR_RETURN(auto index, Audit("report.created", actor, r, ""));
  r.frozen_json = Dump(json{{"content_sha256", Sha256Hex(r.content_json)}, {"audit_index", index}});
  KY_TRY(reports_.Insert(r));
  return r;
}

Result<ReportRecord> ReportManager::Apply(const std::string& id, const ReportCommand& cmd) {
  if (cmd.actor.empty()) return Err(InvalidArgumentError("a command needs an actor"));
  std::lock_guard<std::mutex> lock(mu_);
  KY_ASSIGN_OR_RETURN(auto found, reports_.Get(id));
  if (!found) return Err(NotFoundError(fmt::format("no report '{}'", id)));
  const ReportRecord& r = *found;
  ReportRecord next = r;
  next.version = r.version + 1;
  const Timestamp now = clock_.Now();
  const std::string& t = cmd.type;
  auto merge = [&]() -> Status {
    if (cmd.content_json.empty()) return OkStatus();
    KY_ASSIGN_OR_RETURN(json patch, ParseContent(cmd.content_json));
    KY_ASSIGN_OR_RETURN(json content, ParseContent(r.content_json));
    content.merge_patch(patch);
    next.content_json = Dump(content);
    return OkStatus();
  };
  if (t == "update") {
    if (r.status != "draft") return Err(NotAllowed(r, t));
    if (cmd.content_json.empty()) {
      return Err(
          InvalidArgumentError("'content' is required for an update event").WithField("/content"));
    }
    KY_TRY(merge());
  } else if (t == "complete") {
    if (r.status != "draft") return Err(NotAllowed(r, t));
    KY_TRY(merge());
    KY_ASSIGN_OR_RETURN(json content, ParseContent(next.content_json));
    std::string cip_type = content.contains("type") && content["type"].is_string()
                               ? content["type"].get<std::string>()
                               : "";
    for (const std::string& field : RequiredReportFields(r.kind, cip_type)) {
      if (!Present(content, field)) {
        return Err(InvalidArgumentError(fmt::format("the report needs '{}' before it is "
                                                    "completed",
                                                    field))
                       .WithField("/content" + field));
      }
    }
    next.status = "completed";
    next.completed_by = cmd.actor;
    next.completed_at = now;
  } else if (t == "return") {
    if (r.status != "completed") return Err(NotAllowed(r, t));
    if (cmd.reason.empty()) {
      return Err(
          InvalidArgumentError("'reason' is required for a return event").WithField("/reason"));
    }
    next.status = "draft";
    next.completed_by.reset();
    next.completed_at.reset();
    json notes = json::parse(r.notes_json, nullptr, false);
    if (!notes.is_array()) notes = json::array();
    notes.push_back({{"type", "return"},
                     {"actor", cmd.actor},
                     {"time", FormatRfc3339(now)},
                     {"reason", cmd.reason}});
    next.notes_json = Dump(notes);
  } else if (t == "approve") {
    if (r.status != "completed") return Err(NotAllowed(r, t));
    if ((r.completed_by && *r.completed_by == cmd.actor) || r.created_by == cmd.actor) {
      return Err(PermissionDeniedError(
                     fmt::format("four-eyes: {} drafted or completed this report and cannot "
                                 "also approve it",
                                 cmd.actor))
                     .WithReason("four_eyes"));
    }
    next.status = "approved";
    next.approved_by = cmd.actor;
    next.approved_at = now;
  } else if (t == "file") {
    if (r.status != "approved" || r.kind == "case_evidence") return Err(NotAllowed(r, t));
    if (cmd.reference.empty()) {
      return Err(InvalidArgumentError("'reference' (the filing's reference) is required")
                     .WithField("/reference"));
    }
    next.status = "filed";
    next.filed_by = cmd.actor;
    next.filed_at = now;
    json frozen = next.frozen_json ? json::parse(*next.frozen_json, nullptr, false) : json();
    if (!frozen.is_object()) frozen = json::object();
    frozen["filing_reference"] = cmd.reference;
    next.frozen_json = Dump(frozen);
  } else {
    return Err(InvalidArgumentError(fmt::format("unknown event type '{}'; one of: update, "
                                                "complete, return, approve, file",
                                                t))
                   .WithField("/type"));
  }
  if (t == "approve") {
    next.frozen_json = Dump(json{{"content_sha256", Sha256Hex(next.content_json)}});
  }
  // The change is stored first (a lost race with another process ends here, before the log
  // records anything), then recorded; should recording fail, the change is undone.
  KY_TRY(reports_.Update(next, r.version));
  auto index = Audit("report." + t, cmd.actor, next, r.status, cmd.reason);
  if (!index.has_value()) {
    ReportRecord undo = r;
    undo.version = next.version + 1;
    Status undone = reports_.Update(undo, next.version);
    return Err(index.error().Annotate(
        undone.ok() ? "the change was not recorded in the audit log and was undone"
                    : "the change was not recorded in the audit log and could not be undone: " +
                          std::string(undone.message())));
  }
  if (t == "approve" && audit_) {
    // Frozen with the proof of its approval entry against a signed checkpoint.
    json frozen = json::parse(*next.frozen_json);
    frozen["audit_index"] = *index;
    KY_ASSIGN_OR_RETURN(json bundle, ProofBundle(*audit_, {*index}));
    frozen["audit"] = std::move(bundle);
    ReportRecord proved = next;
    proved.frozen_json = Dump(frozen);
    proved.version = next.version + 1;
    KY_TRY(reports_.Update(proved, next.version));
    next = std::move(proved);
  }
  return next;
}

}  // namespace kycloud::cases
