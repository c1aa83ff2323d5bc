// The audit log over HTTP, for officers and auditors (roles admin, officer, auditor):
//   GET /v1/audit/checkpoint   -> the latest signed checkpoint {origin, tree_size, root (hex),
//                                 time, note (the signed text), verifier_key} and the log's
//                                 current size ("log_size"); signs one first when the log has
//                                 entries and none was signed yet.
//   GET /v1/audit/proof/inclusion?leaf=INDEX|LEAF_HASH_HEX[&tree_size=N]
//                              -> {leaf_index, tree_size, entry, leaf_hash, proof [hex], root};
//                                 tree_size defaults to the latest checkpoint's when the entry is
//                                 in it (so the root can be checked against the signed one),
//                                 else to the log's current size.
//   GET /v1/audit/proof/consistency?from=M&to=N
//                              -> {from, to, from_root, to_root, proof [hex]}.
//   GET /v1/audit/entries?from=I&limit=L (L <= 1000)
//                              -> {entries: [{index, entry, leaf_hash}], log_size}.
// Hashes are lower-case hex. Bad parameters: 422 naming the parameter.
#pragma once

#include "kycloud/audit/audit_log.h"
#include "kycloud/server/router.h"

namespace kycloud::server {

// `log` must outlive the router.
void AddAuditRoutes(Router& router, audit::AuditLog& log);

}  // namespace kycloud::server
