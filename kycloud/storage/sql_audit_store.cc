#include "kycloud/storage/sql_audit_store.h"

#include <fmt/format.h>

#include <algorithm>

namespace kycloud::storage {

namespace {

constexpr size_t kRowsPerInsert = 100;

std::string Marks(size_t rows, std::string_view row) {
  std::string out;
  for (size_t i = 0; i < rows; ++i) {
    if (i) out += ",";
    out += row;
  }
  return out;
}

// The first 8 bytes of a leaf hash as an integer: indexed for lookups by hash, so that the hash
// itself is stored once (an index copy would be one more place to keep consistent).
long long LeafKey(std::string_view hash) {
  std::uint64_t k = 0;
  for (size_t i = 0; i < 8 && i < hash.size(); ++i)
    k = (k << 8) | static_cast<unsigned char>(hash[i]);
  return static_cast<long long>(k);
}

AuditCheckpointRecord CheckpointFromRow(const Row& r) {
  return {r[0].AsInt(), r[1].AsBlob(), r[2].AsInt(), r[3].AsText()};
}

}  // namespace

Result<std::int64_t> SqlAuditStore::Size() {
  KY_ASSIGN_OR_RETURN(Rows rows, QueryOnce(db_, "SELECT size FROM audit_head WHERE id = 1"));
  if (rows.empty()) return Err(FailedPreconditionError("audit_head row is missing"));
  return rows[0][0].AsInt();
}

Status SqlAuditStore::Append(std::int64_t expected_size, std::span<const AuditEntryRecord> entries,
                             std::span<const AuditNodeRecord> nodes) {
  return db_.Transact(TxMode::kWrite, [&](Session& s) -> Status {
    // Takes the head row's lock first (PostgreSQL) so that concurrent appenders queue here.
    KY_ASSIGN_OR_RETURN(
        std::int64_t moved,
        s.Execute(
            "UPDATE audit_head SET size = ? WHERE id = 1 AND size = ?",
            {static_cast<long long>(expected_size + static_cast<std::int64_t>(entries.size())),
             static_cast<long long>(expected_size)}));
    if (moved != 1) {
      return FailedPreconditionError("the audit log grew under this writer; reload and retry")
          .WithReason("audit_head_moved");
    }
    for (size_t start = 0; start < entries.size(); start += kRowsPerInsert) {
      size_t n = std::min(kRowsPerInsert, entries.size() - start);
      Params p;
      p.reserve(n * 6);
      for (size_t i = start; i < start + n; ++i) {
        const auto& e = entries[i];
        p.push_back(static_cast<long long>(e.index));
        p.push_back(static_cast<long long>(e.created_at_us));
        p.push_back(e.kind);
        p.push_back(e.entry);
        p.push_back(Value::Blob(e.leaf_hash));
        p.push_back(LeafKey(e.leaf_hash));
      }
      KY_TRY(s.Execute(fmt::format("INSERT INTO audit_entries (idx, created_at, kind, entry, "
                                   "leaf_hash, leaf_key) VALUES {}",
                                   Marks(n, "(?,?,?,?,?,?)")),
                       p));
    }
    for (size_t start = 0; start < nodes.size(); start += kRowsPerInsert) {
      size_t n = std::min(kRowsPerInsert, nodes.size() - start);
      Params p;
      p.reserve(n * 3);
      for (size_t i = start; i < start + n; ++i) {
        p.push_back(nodes[i].level);
        p.push_back(static_cast<long long>(nodes[i].index));
        p.push_back(Value::Blob(nodes[i].hash));
      }
      KY_TRY(s.Execute(
          fmt::format("INSERT INTO audit_nodes (level, idx, hash) VALUES {}", Marks(n, "(?,?,?)")),
          p));
    }
    return OkStatus();
  });
}

Result<std::vector<AuditNodeRecord>> SqlAuditStore::Nodes(
    std::span<const std::pair<int, std::int64_t>> ids) {
  std::vector<AuditNodeRecord> out;
  if (ids.empty()) return out;
  // Chunks keep each statement small: SQLite refuses an expression deeper than 1000 terms, and
  // a proof over a large tree or a full verification asks for thousands of nodes at once.
  constexpr size_t kChunk = 200;
  std::vector<std::int64_t> leaves;
  std::vector<std::pair<int, std::int64_t>> inner;
  for (const auto& id : ids) {
    if (id.first == 0) {
      leaves.push_back(id.second);
    } else {
      inner.push_back(id);
    }
  }
  KY_TRY(db_.Transact(TxMode::kRead, [&](Session& s) -> Status {
    out.clear();
    for (size_t from = 0; from < leaves.size(); from += kChunk) {
      const size_t n = std::min(kChunk, leaves.size() - from);
      Params p;
      for (size_t i = from; i < from + n; ++i) p.push_back(static_cast<long long>(leaves[i]));
      KY_ASSIGN_OR_RETURN(Rows rows, s.Query(fmt::format("SELECT idx, leaf_hash FROM "
                                                         "audit_entries WHERE idx IN ({})",
                                                         Marks(n, "?")),
                                             p));
      for (const Row& r : rows.rows) out.push_back({0, r[0].AsInt(), r[1].AsBlob()});
    }
    for (size_t from = 0; from < inner.size(); from += kChunk) {
      const size_t n = std::min(kChunk, inner.size() - from);
      Params p;
      std::string where;
      for (size_t i = from; i < from + n; ++i) {
        // OR of pairs rather than row values: both engines use the primary key for each term.
        where += i > from ? " OR (level = ? AND idx = ?)" : "(level = ? AND idx = ?)";
        p.push_back(inner[i].first);
        p.push_back(static_cast<long long>(inner[i].second));
      }
      KY_ASSIGN_OR_RETURN(Rows rows,
                          s.Query("SELECT level, idx, hash FROM audit_nodes WHERE " + where, p));
      for (const Row& r : rows.rows) {
        out.push_back({static_cast<int>(r[0].AsInt()), r[1].AsInt(), r[2].AsBlob()});
      }
    }
    return OkStatus();
  }));
  return out;
}

Result<std::vector<AuditEntryRecord>> SqlAuditStore::Entries(std::int64_t begin, std::int64_t end) {
  KY_ASSIGN_OR_RETURN(Rows rows,
                      QueryOnce(db_,
                                "SELECT idx, created_at, kind, entry, leaf_hash FROM audit_entries "
                                "WHERE idx >= ? AND idx < ? ORDER BY idx",
                                {static_cast<long long>(begin), static_cast<long long>(end)}));
  std::vector<AuditEntryRecord> out;
  out.reserve(rows.size());
  for (const Row& r : rows.rows) {
    out.push_back({r[0].AsInt(), r[1].AsInt(), r[2].AsText(), r[3].AsText(), r[4].AsBlob()});
  }
  return out;
}

Result<std::int64_t> SqlAuditStore::IndexOfLeaf(const std::string& leaf_hash) {
  KY_ASSIGN_OR_RETURN(Rows rows, QueryOnce(db_,
                                           "SELECT idx FROM audit_entries WHERE leaf_key = ? AND "
                                           "leaf_hash = ? ORDER BY idx LIMIT 1",
                                           {LeafKey(leaf_hash), Value::Blob(leaf_hash)}));
  if (rows.empty()) return Err(NotFoundError("no audit entry has this leaf hash"));
  return rows[0][0].AsInt();
}

Result<std::vector<AuditNodeRecord>> SqlAuditStore::NodesAtLevel(int level, std::int64_t begin,
                                                                 std::int64_t end) {
  KY_ASSIGN_OR_RETURN(
      Rows rows, QueryOnce(db_,
                           "SELECT level, idx, hash FROM audit_nodes WHERE level = ? AND "
                           "idx >= ? AND idx < ? ORDER BY idx",
                           {level, static_cast<long long>(begin), static_cast<long long>(end)}));
  std::vector<AuditNodeRecord> out;
  out.reserve(rows.size());
  for (const Row& r : rows.rows) {
    out.push_back({static_cast<int>(r[0].AsInt()), r[1].AsInt(), r[2].AsBlob()});
  }
  return out;
}

Status SqlAuditStore::AddCheckpoint(const AuditCheckpointRecord& c) {
  auto r = ExecuteOnce(db_,
                       "INSERT INTO audit_checkpoints (size, root, created_at, note) VALUES "
                       "(?,?,?,?)",
                       {static_cast<long long>(c.size), Value::Blob(c.root),
                        static_cast<long long>(c.created_at_us), c.note});
  return r.has_value() ? OkStatus() : r.error();
}

Result<std::optional<AuditCheckpointRecord>> SqlAuditStore::LatestCheckpoint() {
  KY_ASSIGN_OR_RETURN(Rows rows, QueryOnce(db_,
                                           "SELECT size, root, created_at, note FROM "
                                           "audit_checkpoints ORDER BY size DESC LIMIT 1"));
  if (rows.empty()) return std::optional<AuditCheckpointRecord>();
  return std::optional<AuditCheckpointRecord>(CheckpointFromRow(rows[0]));
}

Result<std::vector<AuditCheckpointRecord>> SqlAuditStore::Checkpoints() {
  KY_ASSIGN_OR_RETURN(Rows rows, QueryOnce(db_,
                                           "SELECT size, root, created_at, note FROM "
                                           "audit_checkpoints ORDER BY size"));
  std::vector<AuditCheckpointRecord> out;
  for (const Row& r : rows.rows) out.push_back(CheckpointFromRow(r));
  return out;
}

}  // namespace kycloud::storage
