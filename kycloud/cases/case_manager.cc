#include "kycloud/cases/case_manager.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "kycloud/base/log.h"
#include "kycloud/base/random.h"
#include "kycloud/base/sha256.h"
#include "kycloud/cases/case_json.h"

namespace kycloud::cases {

namespace {

using nlohmann::json;
using storage::AlertRecord;
using storage::CaseEventRecord;
using storage::CaseRecord;

// Event fields that may carry personal data or an officer's free text: digested in the audit log.
constexpr std::string_view kDigestedFields[] = {"subject", "title",    "text",
                                                "reason",  "filename", "dedup_key"};

Result<json> ParseObject(const std::string& text, std::string_view field) {
  if (text.empty()) return json::object();
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    return Err(InvalidArgumentError(fmt::format("'{}' must be a JSON object", field.substr(1)))
                   .WithField(std::string(field)));
  }
  return j;
}

bool Contains(std::span<const std::string_view> set, std::string_view v) {
  return std::find(set.begin(), set.end(), v) != set.end();
}

CaseEventRecord Event(const CaseRecord& c, std::string type, std::string actor, Timestamp now,
                      const json& data) {
  return {c.id, c.events, std::move(type), std::move(actor), now, Dump(data), std::nullopt};
}

CaseEventRecord OpenedEvent(const CaseRecord& c, std::string actor, Timestamp now) {
  return Event(c, "opened", std::move(actor), now,
               {{"subject", c.subject},
                {"title", c.title},
                {"severity", c.severity},
                {"queue", c.queue},
                {"due_at", FormatRfc3339(c.due_at)},
                {"status_to", c.status}});
}

}  // namespace

std::chrono::seconds CaseOptions::DueAfter(std::string_view severity) const {
  if (severity == "critical") return due_critical;
  if (severity == "high") return due_high;
  if (severity == "low") return due_low;
  return due_medium;
}

std::string NewId(std::string_view prefix) {
  return fmt::format("{}_{}", prefix, HexEncode(SecureRandomBytes(8)));
}

CaseManager::CaseManager(storage::CaseStore& store, const Clock& clock, audit::AuditLog* audit,
                         storage::DispositionStore* dispositions, CaseOptions options)
    : store_(store),
      clock_(clock),
      audit_(audit),
      dispositions_(dispositions),
      options_(std::move(options)) {}

Result<RaiseResult> CaseManager::RaiseAlert(const NewAlert& in, const std::string& actor) {
  if (!Contains(kAlertSources, in.source)) {
    return Err(
        InvalidArgumentError(fmt::format("'source' is one of: {}", fmt::join(kAlertSources, ", ")))
            .WithField("/source"));
  }
  if (in.kind.empty()) return Err(InvalidArgumentError("'kind' is required").WithField("/kind"));
  if (SeverityRank(in.severity) < 0) {
    return Err(
        InvalidArgumentError("'severity' is low, medium, high or critical").WithField("/severity"));
  }
  if (in.subject.empty()) {
    return Err(InvalidArgumentError("'subject' is required").WithField("/subject"));
  }
  KY_ASSIGN_OR_RETURN(json details, ParseObject(in.details_json, "/details"));
  // A caller's key is scoped to its source and subject: it can never reach another subject's
  // alert (or case).
  const std::string key = in.dedup_key.empty()
                              ? fmt::format("{}|{}|{}", in.source, in.kind, in.subject)
                              : fmt::format("{}|{}|{}", in.source, in.subject, in.dedup_key);

  RaiseResult out;
  KY_TRY(store_.Transact([&](storage::CaseTx& tx) -> Status {
    out = RaiseResult{};
    const Timestamp now = clock_.Now();
    KY_ASSIGN_OR_RETURN(auto latest, tx.LatestAlert(key));
    if (latest && latest->status == "open") {
      AlertRecord a = *latest;
      a.occurrences += 1;
      a.last_seen_at = now;
      out.outcome = "deduplicated";
      if (SeverityRank(in.severity) > SeverityRank(a.severity)) {
        // The same alert, now more serious: its case follows.
        a.severity = in.severity;
        KY_ASSIGN_OR_RETURN(auto c, tx.GetCase(a.case_id));
        if (c && c->status != "closed") {
          CaseRecord next = *c;
          if (SeverityRank(in.severity) > SeverityRank(c->severity)) next.severity = in.severity;
          next.due_at = std::min(c->due_at, c->created_at + options_.DueAfter(in.severity));
          next.updated_at = now;
          next.version += 1;
          next.events += 1;
          CaseEventRecord e = Event(next, "alert_updated", actor, now,
                                    {{"alert_id", a.id},
                                     {"severity", a.severity},
                                     {"case_severity", next.severity},
                                     {"due_at", FormatRfc3339(next.due_at)},
                                     {"status_from", c->status},
                                     {"status_to", next.status}});
          KY_TRY(tx.AddEvent(e));
          KY_TRY(tx.PutCase(next, c->version));
          out.events.push_back(std::move(e));
          out.case_record = next;
        }
      }
      KY_TRY(tx.PutAlert(a));
      out.alert = std::move(a);
      if (!out.case_record) {
        KY_ASSIGN_OR_RETURN(out.case_record, tx.GetCase(out.alert.case_id));
      }
      return OkStatus();
    }
    if (latest && latest->closed_at && now - *latest->closed_at < options_.cooldown &&
        SeverityRank(in.severity) <= SeverityRank(latest->severity)) {
      AlertRecord a = *latest;
      a.occurrences += 1;
      a.last_seen_at = now;
      KY_TRY(tx.PutAlert(a));
      out.outcome = "cooldown";
      out.alert = std::move(a);
      KY_ASSIGN_OR_RETURN(out.case_record, tx.GetCase(out.alert.case_id));
      return OkStatus();
    }

    // A new alert: into the subject's open case, or a new case.
    KY_ASSIGN_OR_RETURN(auto open, tx.OpenCaseOf(in.subject));
    CaseRecord c;
    std::int64_t expected_version = 0;
    if (open) {
      c = *open;
      expected_version = open->version;
    } else {
      c.id = NewId("case");
      c.subject = in.subject;
      c.title = in.title.empty() ? in.kind : in.title;
      c.status = "open";
      c.severity = in.severity;
      c.queue = in.source;
      c.opened_by = actor;  // four-eyes: whoever raised it cannot approve its closure
      c.created_at = c.updated_at = now;
      c.due_at = now + options_.DueAfter(in.severity);
      KY_ASSIGN_OR_RETURN(c, ApplyCommand(c, {.type = "opened", .actor = actor}, now));
      out.events.push_back(OpenedEvent(c, actor, now));
      out.case_opened = true;
    }
    AlertRecord a;
    a.id = NewId("alert");
    a.source = in.source;
    a.kind = in.kind;
    a.severity = in.severity;
    a.subject = in.subject;
    a.dedup_key = key;
    a.title = in.title.empty() ? in.kind : in.title;
    a.details_json = Dump(details);
    a.case_id = c.id;
    a.status = "open";
    a.created_at = a.last_seen_at = now;

    const std::string status_from = c.status;
    KY_ASSIGN_OR_RETURN(CaseRecord next,
                        ApplyCommand(c, {.type = "alert_added", .actor = actor}, now));
    if (SeverityRank(in.severity) > SeverityRank(next.severity)) next.severity = in.severity;
    next.due_at = std::min(next.due_at, now + options_.DueAfter(in.severity));
    if (out.case_opened) next.version = 1;  // inserted with both events
    out.events.push_back(Event(next, "alert_added", actor, now,
                               {{"alert_id", a.id},
                                {"source", a.source},
                                {"kind", a.kind},
                                {"severity", a.severity},
                                {"dedup_key", a.dedup_key},
                                {"details_sha256", Sha256Hex(a.details_json)},
                                {"status_from", status_from},
                                {"status_to", next.status}}));
    KY_TRY(tx.PutCase(next, expected_version));
    for (const auto& e : out.events) KY_TRY(tx.AddEvent(e));
    KY_TRY(tx.PutAlert(a));
    out.alert = std::move(a);
    out.outcome = "raised";
    out.case_record = std::move(next);
    return OkStatus();
  }));
  if (Status st = AppendToAudit(out.events); !st.ok()) {
    KY_LOG_WARN("audit: case events left in the outbox: {}", st.ToString());
  }
  return out;
}

Result<CaseRecord> CaseManager::OpenCase(const NewCase& in, const std::string& actor) {
  if (in.subject.empty()) {
    return Err(InvalidArgumentError("'subject' is required").WithField("/subject"));
  }
  if (in.title.empty()) return Err(InvalidArgumentError("'title' is required").WithField("/title"));
  if (SeverityRank(in.severity) < 0) {
    return Err(
        InvalidArgumentError("'severity' is low, medium, high or critical").WithField("/severity"));
  }
  if (in.queue.empty()) return Err(InvalidArgumentError("'queue' is empty").WithField("/queue"));
  CaseRecord c;
  std::vector<CaseEventRecord> events;
  KY_TRY(store_.Transact([&](storage::CaseTx& tx) -> Status {
    events.clear();
    KY_ASSIGN_OR_RETURN(auto open, tx.OpenCaseOf(in.subject));
    if (open) {
      return FailedPreconditionError(
                 fmt::format("the subject already has an open case: {}", open->id))
          .WithReason("case_open");
    }
    const Timestamp now = clock_.Now();
    c = CaseRecord{};
    c.id = NewId("case");
    c.subject = in.subject;
    c.title = in.title;
    c.status = "open";
    c.severity = in.severity;
    c.queue = in.queue;
    c.opened_by = actor;
    c.created_at = c.updated_at = now;
    c.due_at = now + options_.DueAfter(in.severity);
    KY_ASSIGN_OR_RETURN(c, ApplyCommand(c, {.type = "opened", .actor = actor}, now));
    events.push_back(OpenedEvent(c, actor, now));
    KY_TRY(tx.PutCase(c, 0));
    return tx.AddEvent(events.front());
  }));
  if (Status st = AppendToAudit(events); !st.ok()) {
    KY_LOG_WARN("audit: case events left in the outbox: {}", st.ToString());
  }
  return c;
}

Result<CommandResult> CaseManager::Apply(const std::string& case_id, const CaseCommand& cmd) {
  if (cmd.type == "opened" || cmd.type == "alert_added") {
    return Err(
        InvalidArgumentError(fmt::format("'{}' events are the system's; officers send one of: {}",
                                         cmd.type, fmt::join(kCommandTypes, ", ")))
            .WithField("/type"));
  }
  if (cmd.content.size() > options_.max_evidence_bytes) {
    return Err(InvalidArgumentError(fmt::format("evidence file of {} bytes; at most {}",
                                                cmd.content.size(), options_.max_evidence_bytes))
                   .WithField("/content"));
  }
  CommandResult out;
  std::vector<AlertRecord> false_positives, true_positives;
  std::string fp_reason;
  KY_TRY(store_.Transact([&](storage::CaseTx& tx) -> Status {
    out = CommandResult{};
    false_positives.clear();
    true_positives.clear();
    const Timestamp now = clock_.Now();
    KY_ASSIGN_OR_RETURN(auto c, tx.GetCase(case_id));
    if (!c) return NotFoundError(fmt::format("no case '{}'", case_id));
    KY_ASSIGN_OR_RETURN(CaseRecord next, ApplyCommand(*c, cmd, now));
    if (cmd.type == "reopen") {
      KY_ASSIGN_OR_RETURN(auto open, tx.OpenCaseOf(c->subject));
      if (open) {
        return FailedPreconditionError(
                   fmt::format("the subject has another open case, {}; work that one", open->id))
            .WithReason("case_open");
      }
    }
    json data = {{"status_from", c->status}, {"status_to", next.status}};
    const std::string& t = cmd.type;
    if (t == "assign") {
      data["assignee"] = cmd.assignee;
      data["queue"] = next.queue;
    } else if (t == "start_review") {
      data["assignee"] = next.assignee.value_or("");
    } else if (t == "note") {
      data["text"] = cmd.text;
    } else if (t == "attach_evidence") {
      storage::EvidenceFile f{Sha256Hex(cmd.content),
                              cmd.media_type.empty() ? "application/octet-stream" : cmd.media_type,
                              cmd.content, now};
      KY_TRY(tx.PutEvidence(f));
      data["sha256"] = f.sha256;
      data["filename"] = cmd.filename;
      data["media_type"] = f.media_type;
      data["size"] = f.content.size();
    } else if (t == "close") {
      data["resolution"] = cmd.resolution;
      data["reason"] = cmd.reason;
    } else if (t == "approve") {
      data["resolution"] = next.resolution.value_or("");
      data["requested_by"] = c->pending_by.value_or("");
      if (!cmd.reason.empty()) data["reason"] = cmd.reason;
    } else if (t == "dispose_alert") {
      KY_ASSIGN_OR_RETURN(auto alerts, tx.AlertsOf(c->id));
      auto it = std::find_if(alerts.begin(), alerts.end(),
                             [&](const AlertRecord& a) { return a.id == cmd.alert_id; });
      if (it == alerts.end()) {
        return NotFoundError(fmt::format("no alert '{}' in case {}", cmd.alert_id, c->id))
            .WithField("/alert_id");
      }
      it->resolution = cmd.resolution;
      KY_TRY(tx.PutAlert(*it));
      if (cmd.resolution == "false_positive") false_positives.push_back(*it);
      fp_reason = cmd.reason;
      data["alert_id"] = cmd.alert_id;
      data["resolution"] = cmd.resolution;
      data["reason"] = cmd.reason;
    } else {  // escalate, reject, reopen
      data["reason"] = cmd.reason;
    }
    if (next.status == "closed" && c->status != "closed") {
      // The case's alerts close with it; one disposed of keeps its own resolution.
      KY_ASSIGN_OR_RETURN(auto alerts, tx.AlertsOf(c->id));
      for (AlertRecord& a : alerts) {
        if (a.status == "closed") continue;
        a.status = "closed";
        a.closed_at = now;
        if (!a.resolution) {
          a.resolution = next.resolution;
          if (a.resolution == "false_positive") false_positives.push_back(a);
        }
        if (a.resolution == "true_positive") true_positives.push_back(a);
        KY_TRY(tx.PutAlert(a));
      }
      fp_reason = cmd.type == "close" ? cmd.reason : "case closed";
    }
    out.event = Event(next, cmd.type, cmd.actor, now, data);
    KY_TRY(tx.AddEvent(out.event));
    KY_TRY(tx.PutCase(next, c->version));
    out.case_record = std::move(next);
    return OkStatus();
  }));
  std::vector<CaseEventRecord> events = {out.event};
  if (Status st = AppendToAudit(events); !st.ok()) {
    KY_LOG_WARN("audit: case event left in the outbox: {}", st.ToString());
    out.warnings.push_back("the audit entry is pending: " + std::string(st.message()));
  } else {
    out.event = events.front();
  }
  for (const AlertRecord& a : false_positives) {
    if (Status st = RememberDisposition(a, "false_positive", fp_reason, cmd.actor); !st.ok()) {
      KY_LOG_ERROR("case {}: remembering alert {} as a false positive failed: {}", case_id, a.id,
                   st.ToString());
      out.warnings.push_back(fmt::format(
          "alert {}: the false-positive disposition was not stored: {}", a.id, st.message()));
    }
  }
  // A confirmed screening match (closed as a true positive, four-eyes): remembered, and its
  // subject decided again (the customer is listed now; its linked accounts follow).
  std::set<std::string> confirmed_subjects;
  for (const AlertRecord& a : true_positives) {
    if (a.source != "screening") continue;
    if (Status st = RememberDisposition(a, "true_match", fp_reason, cmd.actor); !st.ok()) {
      KY_LOG_ERROR("case {}: remembering alert {} as a confirmed match failed: {}", case_id, a.id,
                   st.ToString());
      out.warnings.push_back(fmt::format(
          "alert {}: the confirmed-match disposition was not stored: {}", a.id, st.message()));
      continue;
    }
    confirmed_subjects.insert(a.subject);
  }
  if (on_confirmed_) {
    for (const std::string& subject : confirmed_subjects) on_confirmed_(subject, cmd.actor);
  }
  return out;
}

Status CaseManager::RememberDisposition(const AlertRecord& a, const std::string& decision,
                                        const std::string& reason, const std::string& actor) {
  if (!dispositions_ || a.source != "screening") return OkStatus();
  json d = json::parse(a.details_json, nullptr, false);
  auto text = [&](const char* k) {
    auto it = d.find(k);
    return it != d.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  storage::DispositionRecord rec{
      text("subject_key"),
      text("list"),
      text("entity_id"),
      text("entity_fingerprint"),
      decision,
      reason.empty() ? std::string(decision == "true_match" ? "confirmed match" : "false positive")
                     : reason,
      actor,
      clock_.Now()};
  // A screening alert raised by something other than POST /v1/screen may lack the hit's keys.
  if (rec.subject.empty() || rec.list.empty() || rec.entity_id.empty()) return OkStatus();
  if (audit_) {
    json data = {{"subject", audit_->PiiDigest(rec.subject)},
                 {"list", rec.list},
                 {"entity_id", rec.entity_id},
                 {"entity_fingerprint", rec.entity_fingerprint},
                 {"decision", rec.decision},
                 {"reason", audit_->PiiDigest(rec.reason)},
                 {"alert_id", a.id},
                 {"case_id", a.case_id}};
    KY_TRY(audit_->Append({"screening.disposition", actor, Dump(data)}));
  }
  return dispositions_->Put(rec);
}

std::string CaseManager::AuditData(const CaseEventRecord& e) const {
  json data = json::parse(e.data_json, nullptr, false);
  if (!data.is_object()) data = json::object();
  for (auto& [k, v] : data.items()) {
    if (v.is_string() && Contains(kDigestedFields, k)) {
      v = audit_ ? audit_->PiiDigest(v.get<std::string>())
                 : "sha256:" + Sha256Hex(v.get<std::string>());
    }
  }
  data["case_id"] = e.case_id;
  data["seq"] = e.seq;
  data["event_time"] = FormatRfc3339(e.created_at);
  return Dump(data);
}

Status CaseManager::AppendToAudit(std::vector<CaseEventRecord>& events) {
  if (!audit_ || events.empty()) return OkStatus();
  std::vector<audit::AuditEvent> batch;
  batch.reserve(events.size());
  for (const auto& e : events) batch.push_back({"case." + e.type, e.actor, AuditData(e)});
  KY_ASSIGN_OR_RETURN(auto appended, audit_->AppendAll(std::move(batch)));
  for (size_t i = 0; i < events.size(); ++i) {
    KY_TRY(store_.SetEventAudit(events[i].case_id, events[i].seq, appended[i].index));
    events[i].audit_index = appended[i].index;
  }
  return OkStatus();
}

Result<size_t> CaseManager::FlushAuditOutbox(std::chrono::seconds min_age) {
  if (!audit_) return size_t{0};
  size_t total = 0;
  while (true) {
    KY_ASSIGN_OR_RETURN(auto pending, store_.EventsWithoutAudit(200));
    const Timestamp cutoff = clock_.Now() - min_age;
    std::erase_if(pending, [&](const CaseEventRecord& e) { return e.created_at > cutoff; });
    if (pending.empty()) return total;
    KY_TRY(AppendToAudit(pending));
    total += pending.size();
  }
}

}  // namespace kycloud::cases
