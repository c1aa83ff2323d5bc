// VerifyAuditLog: recomputes an audit log from its stored entries, as an auditor would, and
// reports the first place where anything stored disagrees:
//   - entries numbered 0, 1, 2, ... without gaps, each entry's "index" equal to its position
//     (a deleted or reordered entry is found here);
//   - every leaf hash recomputed from the entry bytes and compared with the stored one;
//   - every stored subtree hash recomputed from the leaves;
//   - the stored tree size equal to the number of entries;
//   - every stored checkpoint, and an external one kept outside the database: its signature (when
//     a verifier key is given) and its root against the root recomputed at its size.
// A change that was hashed through consistently (entry, leaf, nodes) is caught by a signed
// checkpoint; the report then bounds the damaged range between the last good checkpoint and the
// first bad one.
//
// Thread-safety: pure function over the store.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kycloud/audit/merkle.h"
#include "kycloud/audit/signing_key.h"
#include "kycloud/base/result.h"
#include "kycloud/storage/audit_store.h"

namespace kycloud::audit {

struct VerifyOptions {
  // Checks checkpoint signatures with this key when set.
  std::optional<VerifierKey> key;
  // A signed checkpoint kept outside the database (its note text), checked when set.
  std::optional<std::string> external_checkpoint;
  // Called with entries checked so far, every chunk.
  std::function<void(std::int64_t done, std::int64_t total)> progress;
};

struct VerifyReport {
  bool ok = true;
  std::int64_t entries = 0;  // entries checked
  Hash root{};               // recomputed root of all entries
  std::int64_t checkpoints_checked = 0;
  bool signatures_checked = false;
  // The first leaf found bad (missing, reordered, altered, or under an altered subtree hash).
  std::optional<std::int64_t> first_bad_leaf;
  // Every problem, in the order found (at most 100).
  std::vector<std::string> problems;
};

// Errors: only the store's (a report with ok=false is a successful verification run).
Result<VerifyReport> VerifyAuditLog(storage::AuditStore& store, const VerifyOptions& options);

}  // namespace kycloud::audit
