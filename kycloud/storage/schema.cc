// kycloud's database schema, as migrations. Append only: add a new migration, never edit one
// that has been released (Migrate() checks the checksums).
#include "kycloud/storage/migrations.h"

namespace kycloud::storage {
namespace {

constexpr Migration kMigrations[] = {
    {1, "api keys and settings", R"sql(
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  secret_hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX api_keys_created ON api_keys (created_at, id);
)sql"},
    {2, "screening dispositions", R"sql(
CREATE TABLE screening_dispositions (
  subject TEXT NOT NULL,
  list TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  entity_fingerprint TEXT NOT NULL,
  decision TEXT NOT NULL,
  reason TEXT NOT NULL,
  decided_by TEXT NOT NULL,
  decided_at BIGINT NOT NULL,
  PRIMARY KEY (subject, list, entity_id)
);
)sql"},
    {3, "audit log", R"sql(
CREATE TABLE audit_entries (
  idx BIGINT PRIMARY KEY,
  created_at BIGINT NOT NULL,
  kind TEXT NOT NULL,
  entry TEXT NOT NULL,
  leaf_hash {blob} NOT NULL,
  leaf_key BIGINT NOT NULL
);
CREATE INDEX audit_entries_kind ON audit_entries (kind, idx);
CREATE INDEX audit_entries_leaf ON audit_entries (leaf_key);
CREATE TABLE audit_nodes (
  level INTEGER NOT NULL,
  idx BIGINT NOT NULL,
  hash {blob} NOT NULL,
  PRIMARY KEY (level, idx)
);
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  size BIGINT NOT NULL
);
INSERT INTO audit_head (id, size) VALUES (1, 0);
CREATE TABLE audit_checkpoints (
  size BIGINT PRIMARY KEY,
  root {blob} NOT NULL,
  created_at BIGINT NOT NULL,
  note TEXT NOT NULL
);
)sql"},
};

}  // namespace

std::span<const Migration> SchemaMigrations() { return kMigrations; }

}  // namespace kycloud::storage
