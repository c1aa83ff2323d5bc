// PostgresDatabase: the server-mode backend over libpq. A pool of connections; statements use
// '?' placeholders (rewritten to $1..$n outside quoted text) and are sent with PQexecParams,
// text format except for blobs (binary). Transactions are READ COMMITTED; read transactions are
// READ ONLY. A broken connection is reset before its next use. lock_timeout and connect_timeout
// come from StorageOptions::busy_timeout_ms.
//
// Thread-safety: as Database.
#pragma once

#include <memory>
#include <string>

#include "kycloud/storage/connection_pool.h"
#include "kycloud/storage/database.h"
#include "kycloud/storage/storage_options.h"

namespace kycloud::storage {

class PostgresConnection;

class PostgresDatabase final : public Database {
 public:
  static Result<std::unique_ptr<Database>> Open(const StorageOptions& options);
  ~PostgresDatabase() override;

  Dialect dialect() const override { return Dialect::kPostgres; }
  std::string Describe() const override { return described_uri_; }

  // Rewrites '?' placeholders to $1..$n, leaving quoted strings, identifiers and comments alone.
  static std::string RewritePlaceholders(std::string_view sql);

 private:
  explicit PostgresDatabase(std::string described);
  Status TransactOnce(TxMode mode, const std::function<Status(Session&)>& body) override;

  std::string described_uri_;
  ConnectionPool<PostgresConnection> pool_;
};

}  // namespace kycloud::storage
