// AuditLog: kycloud's tamper-evident record of every decision, an append-only Merkle log hashed
// as RFC 6962 (merkle.h) and kept in an AuditStore (the service's database, either backend).
//
// An entry is canonical JSON (keys sorted, no spaces, UTF-8):
//   {"actor":"<API key id | system | cli>","data":{...},"index":N,"kind":"<dotted kind>",
//    "time":"<RFC 3339 UTC>"}
// Its leaf hash is SHA-256(0x00 || entry bytes). `data` must hold no personal data: callers put
// PiiDigest(value) where a name, address, payment id or IP would go, so erasing PII after
// retention never breaks the log. docs/audit-log-format.md specifies all of it for auditors.
//
// Appends are durable when Append returns. Concurrent appenders are batched into one transaction
// (group commit: the first waiting writer writes for those queued behind it), so throughput grows
// with concurrency while each call still waits for its own commit. Several processes may append
// to one database: a writer that finds the tree grown under it reloads and retries.
//
// Checkpoints: CheckpointIfDue signs (Ed25519) the tree head when it has grown by
// `checkpoint_every_entries` or `checkpoint_every` has passed since the last checkpoint.
//
// Thread-safety: all methods are safe from many threads.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "kycloud/audit/checkpoint.h"
#include "kycloud/audit/merkle.h"
#include "kycloud/audit/signing_key.h"
#include "kycloud/base/clock.h"
#include "kycloud/base/result.h"
#include "kycloud/storage/audit_store.h"

namespace kycloud::audit {

struct AuditLogOptions {
  // First line of every checkpoint: names the log. Default "kycloud".
  std::string origin = "kycloud";
  // Most entries written in one transaction by group commit. Default 1000.
  size_t max_batch = 1000;
  // A checkpoint is due after this many new entries... Default 1000.
  std::int64_t checkpoint_every_entries = 1000;
  // ...or this long after the last one (when the log grew). Default 60 s.
  std::chrono::seconds checkpoint_every{60};
};

struct AuditEvent {
  std::string kind;       // dotted, e.g. "screening.result", "case.event", "key.created"
  std::string actor;      // API key id, "system" or "cli"
  std::string data_json;  // a JSON object without personal data; "" means {}
};

struct AppendedEntry {
  std::int64_t index = 0;
  std::string entry;  // the canonical JSON stored
  Hash leaf_hash{};
};

struct TreeHead {
  std::int64_t size = 0;
  Hash root{};
};

struct InclusionProofResult {
  std::int64_t index = 0;
  std::int64_t tree_size = 0;
  std::string entry;
  Hash leaf_hash{};
  std::vector<Hash> proof;
};

class AuditLog {
 public:
  // `store`, `clock` and `key` (may be null: then no checkpoints are signed) must outlive the log.
  AuditLog(storage::AuditStore& store, const Clock& clock, const SigningKey* key,
           AuditLogOptions options = {});

  // Appends one event. Errors: InvalidArgument (data_json not a JSON object, empty kind),
  // the store's errors.
  Result<AppendedEntry> Append(AuditEvent event);
  // Appends several events as consecutive entries.
  Result<std::vector<AppendedEntry>> AppendAll(std::vector<AuditEvent> events);

  Result<TreeHead> Head();
  // Proof that entry `index` is in the tree of `tree_size` entries (0 = the current size).
  // Errors: InvalidArgument (index or size out of range).
  Result<InclusionProofResult> ProveInclusion(std::int64_t index, std::int64_t tree_size = 0);
  // Proof that the tree of `from` entries is a prefix of the tree of `to` entries.
  Result<std::vector<Hash>> ProveConsistency(std::int64_t from, std::int64_t to);
  // Root of the tree of `size` entries (size <= current size).
  Result<Hash> RootAt(std::int64_t size);
  // Stored entries with begin <= index < end.
  Result<std::vector<storage::AuditEntryRecord>> Entries(std::int64_t begin, std::int64_t end) {
    return store_.Entries(begin, end);
  }
  // The index of the entry with this 32-byte leaf hash. Errors: NotFound.
  Result<std::int64_t> IndexOfLeaf(const std::string& leaf_hash) {
    return store_.IndexOfLeaf(leaf_hash);
  }

  // Signs and stores a checkpoint of the current tree when due (or `force` and the tree grew
  // since the last one). Returns the stored checkpoint record, or nullopt when none was due.
  // Errors: FailedPrecondition when there is no signing key.
  Result<std::optional<storage::AuditCheckpointRecord>> CheckpointIfDue(bool force = false);
  Result<std::optional<storage::AuditCheckpointRecord>> LatestCheckpoint();

  // A keyed digest of a personal-data value for entries: "hmac-sha256:<hex>" keyed with a secret
  // derived from the signing key (plain "sha256:<hex>" without a key). Same input, same digest.
  std::string PiiDigest(std::string_view value) const;

  const SigningKey* key() const { return key_; }
  const AuditLogOptions& options() const { return options_; }

 private:
  struct Writer;
  Result<std::vector<AppendedEntry>> WriteGroup(std::vector<Writer*>& group);
  Status LoadTree();  // requires being the group leader
  // Fetches the stored hashes of `ids` in one query.
  Result<HashLookup> FetchLookup(const std::vector<NodeId>& ids);

  storage::AuditStore& store_;
  const Clock& clock_;
  const SigningKey* key_;
  AuditLogOptions options_;
  std::string pii_secret_;

  std::mutex mu_;
  std::deque<Writer*> queue_;
  // Touched only by the group leader (the writer at the queue's front).
  bool loaded_ = false;
  CompactTree tree_;

  std::mutex checkpoint_mu_;
};

}  // namespace kycloud::audit
