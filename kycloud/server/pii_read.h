// RecordPiiRead: the audit entry for a read of personal data over the API (R36 and the CIP's
// "audited access" to identity records): kind "pii.read", the caller as actor, and data
// {"resource", "ids", "request_id"} — which records, never their content.
//
// Thread-safety: as AuditLog.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kycloud/audit/audit_log.h"
#include "kycloud/server/http_types.h"

namespace kycloud::server {

// No-op without a log or ids. Errors: the log's (the read is then refused by the caller).
Status RecordPiiRead(audit::AuditLog* audit, const RequestContext& ctx, std::string_view resource,
                     const std::vector<std::string>& ids);

}  // namespace kycloud::server
