// SqliteDatabase: the embedded default backend. One SQLite file in WAL mode (readers never block
// the writer), foreign keys on, a busy timeout, synchronous=FULL by default. Write transactions
// use BEGIN IMMEDIATE and are queued in-process behind one mutex, so that writers in this process
// wait fairly instead of polling; other processes (the CLI) are handled by the busy timeout.
// Prepared statements are cached per connection.
//
// Thread-safety: as Database.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "kycloud/storage/connection_pool.h"
#include "kycloud/storage/database.h"
#include "kycloud/storage/storage_options.h"

namespace kycloud::storage {

class SqliteConnection;

class SqliteDatabase final : public Database {
 public:
  // options.uri is "sqlite:PATH", "sqlite:///ABSOLUTE/PATH" or "sqlite::memory:". The parent
  // directory of PATH is created if missing.
  static Result<std::unique_ptr<Database>> Open(const StorageOptions& options);
  ~SqliteDatabase() override;

  Dialect dialect() const override { return Dialect::kSqlite; }
  std::string Describe() const override { return "sqlite:" + path_; }

 private:
  explicit SqliteDatabase(std::string path);
  Status TransactOnce(TxMode mode, const std::function<Status(Session&)>& body) override;

  std::string path_;
  std::mutex write_mu_;
  ConnectionPool<SqliteConnection> pool_;
};

}  // namespace kycloud::storage
