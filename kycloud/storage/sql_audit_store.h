// SqlAuditStore: AuditStore on a Database (SQLite or PostgreSQL), tables audit_entries,
// audit_nodes, audit_head and audit_checkpoints (migration 3).
//
// Thread-safety: as AuditStore.
#pragma once

#include "kycloud/storage/audit_store.h"
#include "kycloud/storage/database.h"

namespace kycloud::storage {

class SqlAuditStore final : public AuditStore {
 public:
  // `db` must outlive the store.
  explicit SqlAuditStore(Database& db) : db_(db) {}
  Result<std::int64_t> Size() override;
  Status Append(std::int64_t expected_size, std::span<const AuditEntryRecord> entries,
                std::span<const AuditNodeRecord> nodes) override;
  Result<std::vector<AuditNodeRecord>> Nodes(
      std::span<const std::pair<int, std::int64_t>> ids) override;
  Result<std::vector<AuditEntryRecord>> Entries(std::int64_t begin, std::int64_t end) override;
  Result<std::int64_t> IndexOfLeaf(const std::string& leaf_hash) override;
  Result<std::vector<AuditNodeRecord>> NodesAtLevel(int level, std::int64_t begin,
                                                    std::int64_t end) override;
  Status AddCheckpoint(const AuditCheckpointRecord& c) override;
  Result<std::optional<AuditCheckpointRecord>> LatestCheckpoint() override;
  Result<std::vector<AuditCheckpointRecord>> Checkpoints() override;

 private:
  Database& db_;
};

}  // namespace kycloud::storage
