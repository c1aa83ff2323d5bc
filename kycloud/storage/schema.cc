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
};

}  // namespace

std::span<const Migration> SchemaMigrations() { return kMigrations; }

}  // namespace kycloud::storage
