#include "kycloud/server/pii_read.h"

#include <nlohmann/json.hpp>

#include "kycloud/server/request_params.h"

namespace kycloud::server {

Status RecordPiiRead(audit::AuditLog* audit, const RequestContext& ctx, std::string_view resource,
                     const std::vector<std::string>& ids) {
  if (!audit || ids.empty()) return OkStatus();
  nlohmann::json data = {{"resource", resource}, {"ids", ids}, {"request_id", ctx.request_id}};
  return StatusOf(audit->Append({"pii.read", ActorOf(ctx), data.dump()}));
}

}  // namespace kycloud::server
