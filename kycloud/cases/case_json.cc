#include "kycloud/cases/case_json.h"

namespace kycloud::cases {

namespace {

nlohmann::json Opt(const std::optional<std::string>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}
nlohmann::json Opt(const std::optional<Timestamp>& v) {
  return v ? nlohmann::json(FormatRfc3339(*v)) : nlohmann::json(nullptr);
}

}  // namespace

std::string Dump(const nlohmann::json& value, int indent) {
  return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json CaseJson(const storage::CaseRecord& c, Timestamp now) {
  return {{"id", c.id},
          {"subject", c.subject},
          {"title", c.title},
          {"status", c.status},
          {"severity", c.severity},
          {"queue", c.queue},
          {"assignee", Opt(c.assignee)},
          {"opened_by", c.opened_by},
          {"created_at", FormatRfc3339(c.created_at)},
          {"updated_at", FormatRfc3339(c.updated_at)},
          {"due_at", FormatRfc3339(c.due_at)},
          {"overdue", c.status != "closed" && c.due_at < now},
          {"resolution", Opt(c.resolution)},
          {"closed_at", Opt(c.closed_at)},
          {"pending_resolution", Opt(c.pending_resolution)},
          {"pending_by", Opt(c.pending_by)},
          {"approval_required", c.approval_required},
          {"version", c.version},
          {"events", c.events}};
}

nlohmann::json AlertJson(const storage::AlertRecord& a) {
  nlohmann::json details = nlohmann::json::parse(a.details_json, nullptr, false);
  if (details.is_discarded()) details = nlohmann::json::object();
  return {{"id", a.id},
          {"source", a.source},
          {"kind", a.kind},
          {"severity", a.severity},
          {"subject", a.subject},
          {"dedup_key", a.dedup_key},
          {"title", a.title},
          {"details", std::move(details)},
          {"case_id", a.case_id},
          {"status", a.status},
          {"resolution", Opt(a.resolution)},
          {"created_at", FormatRfc3339(a.created_at)},
          {"last_seen_at", FormatRfc3339(a.last_seen_at)},
          {"closed_at", Opt(a.closed_at)},
          {"occurrences", a.occurrences}};
}

nlohmann::json EventJson(const storage::CaseEventRecord& e) {
  nlohmann::json data = nlohmann::json::parse(e.data_json, nullptr, false);
  if (data.is_discarded()) data = nlohmann::json::object();
  return {{"case_id", e.case_id},
          {"seq", e.seq},
          {"type", e.type},
          {"actor", e.actor},
          {"created_at", FormatRfc3339(e.created_at)},
          {"data", std::move(data)},
          {"audit_index", e.audit_index ? nlohmann::json(*e.audit_index) : nlohmann::json()}};
}

nlohmann::json EvidenceJson(const storage::CaseEventRecord& e) {
  if (e.type != "attach_evidence") return nullptr;
  nlohmann::json data = nlohmann::json::parse(e.data_json, nullptr, false);
  if (!data.is_object()) data = nlohmann::json::object();
  return {{"sha256", data.value("sha256", "")},
          {"filename", data.value("filename", "")},
          {"media_type", data.value("media_type", "")},
          {"size", data.value("size", 0)},
          {"added_by", e.actor},
          {"added_at", FormatRfc3339(e.created_at)},
          {"event_seq", e.seq}};
}

nlohmann::json ReportJson(const storage::ReportRecord& r) {
  nlohmann::json content = nlohmann::json::parse(r.content_json, nullptr, false);
  if (content.is_discarded()) content = nlohmann::json::object();
  nlohmann::json frozen = nullptr;
  if (r.frozen_json) {
    frozen = nlohmann::json::parse(*r.frozen_json, nullptr, false);
    if (frozen.is_discarded()) frozen = nullptr;
  }
  nlohmann::json notes = nlohmann::json::parse(r.notes_json, nullptr, false);
  if (!notes.is_array()) notes = nlohmann::json::array();
  return {{"id", r.id},
          {"kind", r.kind},
          {"subject", r.subject},
          {"title", r.title},
          {"status", r.status},
          {"content", std::move(content)},
          {"created_by", r.created_by},
          {"created_at", FormatRfc3339(r.created_at)},
          {"due_at", Opt(r.due_at)},
          {"completed_by", Opt(r.completed_by)},
          {"completed_at", Opt(r.completed_at)},
          {"approved_by", Opt(r.approved_by)},
          {"approved_at", Opt(r.approved_at)},
          {"filed_by", Opt(r.filed_by)},
          {"filed_at", Opt(r.filed_at)},
          {"frozen", std::move(frozen)},
          {"notes", std::move(notes)},
          {"version", r.version}};
}

}  // namespace kycloud::cases
