// Usage and compute over HTTP (metering/usage_ledger.h):
//   POST /v1/usage  a batch of usage records, as {"records": [{...}, ...]} (application/json) or
//                   one record per line (application/x-ndjson; docs/usage-records.md)
//                   -> 200 {received, accepted, duplicates, errors: [{index, record_id, field,
//                   message}], crossings: [{subject, tier, measure_ops, alert_id, report_id}]};
//                   422 naming the field when no record of the batch is valid. Idempotent by
//                   record id: a retried batch counts once.
//   GET  /v1/accounts/{id}/compute  -> totals (all time and windows ending now), the busiest
//                   windows, runs with the cluster test, a daily series for charts, tiers and
//                   crossings, for the account and for its linked group; 404 without usage.
//   PUT  /v1/accounts/{id}/compute-flags {bio: bool} -> the flags; bio applies the
//                   biological-sequence threshold's tiers to the account.
// Roles: ingest and admin send usage; admins, officers and auditors read; admins and officers
// set flags.
#pragma once

#include "kycloud/metering/usage_ledger.h"
#include "kycloud/server/router.h"

namespace kycloud::server {

// `ledger` must outlive the router.
void AddComputeRoutes(Router& router, metering::UsageLedger& ledger);

}  // namespace kycloud::server
