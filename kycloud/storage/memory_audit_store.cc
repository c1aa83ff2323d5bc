#include "kycloud/storage/memory_audit_store.h"

#include <fmt/format.h>

namespace kycloud::storage {

Result<std::int64_t> MemoryAuditStore::Size() {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<std::int64_t>(entries_.size());
}

Status MemoryAuditStore::Append(std::int64_t expected_size,
                                std::span<const AuditEntryRecord> entries,
                                std::span<const AuditNodeRecord> nodes) {
  std::lock_guard<std::mutex> lock(mu_);
  if (static_cast<std::int64_t>(entries_.size()) != expected_size) {
    return FailedPreconditionError("the audit log grew under this writer; reload and retry")
        .WithReason("audit_head_moved");
  }
  for (size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].index != expected_size + static_cast<std::int64_t>(i)) {
      return AlreadyExistsError(fmt::format("audit entry {} out of sequence", entries[i].index));
    }
  }
  for (const auto& n : nodes) {
    if (nodes_.count({n.level, n.index})) {
      return AlreadyExistsError(fmt::format("audit node {}/{} exists", n.level, n.index));
    }
  }
  entries_.insert(entries_.end(), entries.begin(), entries.end());
  for (const auto& n : nodes) nodes_[{n.level, n.index}] = n.hash;
  return OkStatus();
}

Result<std::vector<AuditNodeRecord>> MemoryAuditStore::Nodes(
    std::span<const std::pair<int, std::int64_t>> ids) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<AuditNodeRecord> out;
  for (const auto& [level, index] : ids) {
    if (level == 0) {
      if (index >= 0 && index < static_cast<std::int64_t>(entries_.size())) {
        out.push_back({0, index, entries_[index].leaf_hash});
      }
    } else if (auto it = nodes_.find({level, index}); it != nodes_.end()) {
      out.push_back({level, index, it->second});
    }
  }
  return out;
}

Result<std::vector<AuditEntryRecord>> MemoryAuditStore::Entries(std::int64_t begin,
                                                                std::int64_t end) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<AuditEntryRecord> out;
  for (std::int64_t i = std::max<std::int64_t>(begin, 0);
       i < std::min<std::int64_t>(end, entries_.size()); ++i) {
    out.push_back(entries_[i]);
  }
  return out;
}

Result<std::int64_t> MemoryAuditStore::IndexOfLeaf(const std::string& leaf_hash) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& e : entries_) {
    if (e.leaf_hash == leaf_hash) return e.index;
  }
  return Err(NotFoundError("no audit entry has this leaf hash"));
}

Result<std::vector<AuditNodeRecord>> MemoryAuditStore::NodesAtLevel(int level, std::int64_t begin,
                                                                    std::int64_t end) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<AuditNodeRecord> out;
  for (auto it = nodes_.lower_bound({level, begin});
       it != nodes_.end() && it->first.first == level && it->first.second < end; ++it) {
    out.push_back({level, it->first.second, it->second});
  }
  return out;
}

Status MemoryAuditStore::AddCheckpoint(const AuditCheckpointRecord& c) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!checkpoints_.emplace(c.size, c).second) {
    return AlreadyExistsError(fmt::format("a checkpoint of size {} exists", c.size));
  }
  return OkStatus();
}

Result<std::optional<AuditCheckpointRecord>> MemoryAuditStore::LatestCheckpoint() {
  std::lock_guard<std::mutex> lock(mu_);
  if (checkpoints_.empty()) return std::optional<AuditCheckpointRecord>();
  return std::optional<AuditCheckpointRecord>(checkpoints_.rbegin()->second);
}

Result<std::vector<AuditCheckpointRecord>> MemoryAuditStore::Checkpoints() {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<AuditCheckpointRecord> out;
  for (const auto& [size, c] : checkpoints_) out.push_back(c);
  return out;
}

}  // namespace kycloud::storage
