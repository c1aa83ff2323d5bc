// The service's own routes: GET /healthz (process is up), GET /readyz (dependencies answer),
// GET /metrics (Prometheus text), GET /v1/openapi.json (the API description, public) and
// GET /v1/whoami (the caller's key).
#pragma once

#include <functional>

#include "kycloud/base/status.h"
#include "kycloud/server/metrics.h"
#include "kycloud/server/router.h"

namespace kycloud::server {

// `ready_check` returns OK when the service can do its work (the store answers). `metrics` must
// outlive the router.
void AddCoreRoutes(Router& router, std::function<Status()> ready_check, HttpMetrics& metrics);

}  // namespace kycloud::server
