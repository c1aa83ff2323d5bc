// Reports over HTTP (cases/report_manager.h):
//   GET  /v1/reports?kind&status&subject&limit&offset  -> {"reports": [...]} (without content)
//   POST /v1/reports {kind: training_run | cip_certification, subject?, title?, content?,
//                     due_at?}  -> 201 the draft
//        {kind: case_evidence, case_id}  -> 201 the frozen evidence pack (409 "audit_pending"
//                     while one of the case's events waits for the audit log)
//   GET  /v1/reports/{id}[?format=html]  -> the report (JSON, or a printable HTML page)
//   POST /v1/reports/{id}/events {type: update | complete | return | approve | file, content?,
//                     reason?, reference?}  -> 201 the report; 403 "four_eyes",
//                     409 "invalid_transition", 422 naming the field.
// Roles: officers and admins draft and act; auditors read (and may build evidence packs).
#pragma once

#include "kycloud/cases/report_manager.h"
#include "kycloud/server/router.h"
#include "kycloud/storage/report_store.h"

namespace kycloud::server {

// `manager`, `store` and `audit` (may be null) must outlive the router. With `audit`, reading a
// report is a "pii.read" entry (pii_read.h).
void AddReportRoutes(Router& router, cases::ReportManager& manager, storage::ReportStore& store,
                     audit::AuditLog* audit = nullptr);

}  // namespace kycloud::server
