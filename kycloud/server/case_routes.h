// Alerts and cases over HTTP (cases/case_manager.h):
//   GET  /v1/alerts?status&source&subject&case_id&limit&offset  -> {"alerts": [...]}
//   POST /v1/alerts {source, kind, severity, subject, title?, details?, dedup_key?}
//        -> 201 {"outcome": "raised", "alert", "case"} or 200 when "deduplicated" / "cooldown"
//        (integrators and ingesters get only the case's id)
//   GET  /v1/alerts/{id}
//   GET  /v1/cases?status&queue&assignee&subject&overdue=true&limit&offset  -> {"cases": [...]}
//   POST /v1/cases {subject, title, severity?, queue?}  -> 201 case (409 "case_open")
//   GET  /v1/cases/{id}  -> {"case", "alerts", "events", "evidence"}
//   POST /v1/cases/{id}/events {type, assignee?, queue?, resolution?, reason?, text?, alert_id?,
//        filename?, media_type?, content_base64?}  -> 201 {"case", "event", "warnings"?}
//        409 "invalid_transition", 403 "four_eyes", 422 naming the field.
//   GET  /v1/cases/{id}/evidence/{sha256}  -> the file, with its media type
// Reads of alerts, cases or an evidence file are audit entries "pii.read" (who, which ids).
// Roles: officers and admins act; auditors read; integrators and ingesters raise alerts.
#pragma once

#include "kycloud/base/clock.h"
#include "kycloud/cases/case_manager.h"
#include "kycloud/server/router.h"

namespace kycloud::server {

// `manager` and `clock` must outlive the router.
void AddCaseRoutes(Router& router, cases::CaseManager& manager, const Clock& clock);

}  // namespace kycloud::server
