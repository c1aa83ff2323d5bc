// AuditStore: rows of the append-only audit log (audit/audit_log.h computes what goes in them).
// It keeps, per entry, its position, time, kind, canonical JSON and leaf hash; the hashes of
// complete subtrees above the leaves (level >= 1); the tree size; and signed checkpoints. It
// never edits or deletes: the only writes are appends at the current end.
//
// Thread-safety: implementations are safe to use from many threads. Appends from several
// processes are ordered by the size check in Append (optimistic concurrency).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "kycloud/base/result.h"

namespace kycloud::storage {

struct AuditEntryRecord {
  std::int64_t index = 0;
  std::int64_t created_at_us = 0;
  std::string kind;
  std::string entry;      // canonical JSON, hashed as stored
  std::string leaf_hash;  // 32 bytes
  friend bool operator==(const AuditEntryRecord&, const AuditEntryRecord&) = default;
};

struct AuditNodeRecord {
  int level = 0;  // >= 1 in Append; level 0 is the entries' leaf_hash
  std::int64_t index = 0;
  std::string hash;  // 32 bytes
  friend bool operator==(const AuditNodeRecord&, const AuditNodeRecord&) = default;
};

struct AuditCheckpointRecord {
  std::int64_t size = 0;
  std::string root;  // 32 bytes
  std::int64_t created_at_us = 0;
  std::string note;  // the signed checkpoint text (audit/checkpoint.h)
  friend bool operator==(const AuditCheckpointRecord&, const AuditCheckpointRecord&) = default;
};

class AuditStore {
 public:
  virtual ~AuditStore() = default;
  // Number of entries.
  virtual Result<std::int64_t> Size() = 0;
  // Appends `entries` (indices expected_size, expected_size + 1, ...) and `nodes` in one
  // transaction and sets the size. Errors: FailedPrecondition with reason "audit_head_moved" when
  // the size is no longer expected_size (another writer appended first; nothing is written).
  virtual Status Append(std::int64_t expected_size, std::span<const AuditEntryRecord> entries,
                        std::span<const AuditNodeRecord> nodes) = 0;
  // The stored hashes of these (level, index) nodes, level 0 meaning leaves; missing ones are
  // left out. Order unspecified.
  virtual Result<std::vector<AuditNodeRecord>> Nodes(
      std::span<const std::pair<int, std::int64_t>> ids) = 0;
  // Entries with begin <= index < end, by index.
  virtual Result<std::vector<AuditEntryRecord>> Entries(std::int64_t begin, std::int64_t end) = 0;
  // The index of the entry with this leaf hash, or NotFound.
  virtual Result<std::int64_t> IndexOfLeaf(const std::string& leaf_hash) = 0;
  // Stored nodes of one level >= 1 with begin <= index < end, by index (for verification).
  virtual Result<std::vector<AuditNodeRecord>> NodesAtLevel(int level, std::int64_t begin,
                                                            std::int64_t end) = 0;
  // Errors: AlreadyExists for a second checkpoint of the same size.
  virtual Status AddCheckpoint(const AuditCheckpointRecord& c) = 0;
  virtual Result<std::optional<AuditCheckpointRecord>> LatestCheckpoint() = 0;
  // Every checkpoint, by size.
  virtual Result<std::vector<AuditCheckpointRecord>> Checkpoints() = 0;
};

}  // namespace kycloud::storage
