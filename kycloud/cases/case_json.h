// JSON codecs of alerts, cases and case events: the shapes of the /v1/alerts and /v1/cases API
// (docs in the OpenAPI document) and of the case evidence pack. Timestamps are RFC 3339 UTC;
// absent optional fields are null.
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include "kycloud/storage/case_store.h"
#include "kycloud/storage/report_store.h"

namespace kycloud::cases {

// Serialises (compactly, or indented by `indent` spaces) without throwing: invalid UTF-8 (from
// list data or other outside text) becomes U+FFFD.
std::string Dump(const nlohmann::json& value, int indent = -1);

nlohmann::json CaseJson(const storage::CaseRecord& c, Timestamp now);  // adds "overdue"
nlohmann::json AlertJson(const storage::AlertRecord& a);
nlohmann::json EventJson(const storage::CaseEventRecord& e);
// The evidence file an "attach_evidence" event added: {sha256, filename, media_type, size,
// added_by, added_at, event_seq}; null for any other event.
nlohmann::json EvidenceJson(const storage::CaseEventRecord& e);
// With the content and the frozen proof parsed into objects.
nlohmann::json ReportJson(const storage::ReportRecord& r);

}  // namespace kycloud::cases
