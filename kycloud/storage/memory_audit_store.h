// MemoryAuditStore: an in-memory AuditStore for tests. It passes the same conformance suite as
// SqlAuditStore.
//
// Thread-safety: as AuditStore (one mutex).
#pragma once

#include <map>
#include <mutex>

#include "kycloud/storage/audit_store.h"

namespace kycloud::storage {

class MemoryAuditStore final : public AuditStore {
 public:
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
  std::mutex mu_;
  std::vector<AuditEntryRecord> entries_;
  std::map<std::pair<int, std::int64_t>, std::string> nodes_;
  std::map<std::int64_t, AuditCheckpointRecord> checkpoints_;
};

}  // namespace kycloud::storage
