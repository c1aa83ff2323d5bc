// Evidence that an auditor can check without trusting kycloud's database:
//   ProofBundle  — inclusion proofs of audit entries against one signed checkpoint (a fresh one
//                  is signed when the latest does not cover them yet), in the input format of
//                  tests/audit/verify_proofs.py:
//                  {"checkpoint": {"checkpoint": {origin, tree_size, root, time, note},
//                                  "verifier_key"}, "inclusion": [{leaf_index, tree_size,
//                   entry, leaf_hash, root, proof}], "consistency": []}
//                  Without a signing key the proofs are against the current head ("checkpoint":
//                  null inside).
//   BuildEvidencePack — everything about one case: the case, its alerts, its events (timeline)
//                  each with its audit entry, evidence file hashes, and the proof bundle.
// docs/audit-log-format.md describes how to check both.
//
// Thread-safety: as the stores and the audit log.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "kycloud/audit/audit_log.h"
#include "kycloud/base/result.h"
#include "kycloud/storage/case_store.h"

namespace kycloud::cases {

// Errors: InvalidArgument (an index past the log), the log's.
Result<nlohmann::json> ProofBundle(audit::AuditLog& log, std::vector<std::int64_t> indices);

// Errors: NotFound (no such case), FailedPrecondition (an event not yet in the audit log: retry
// shortly, the outbox appends it), the store's and the log's.
Result<nlohmann::json> BuildEvidencePack(storage::CaseStore& store, audit::AuditLog& log,
                                         const std::string& case_id, Timestamp now);

}  // namespace kycloud::cases
