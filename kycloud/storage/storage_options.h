// StorageOptions: where kycloud keeps its data and how it talks to the database. Loaded from the
// [storage] table of the config file and the --db flag; the password comes only from the
// environment (KYCLOUD_DB_PASSWORD) or a file (storage.password_file), never from the URI.
#pragma once

#include <string>

namespace kycloud::storage {

struct StorageOptions {
  // "sqlite:PATH" (the file and its directory are created), "sqlite::memory:" (tests), or a
  // libpq URI "postgresql://user@host:port/dbname?sslmode=...". Default: "sqlite:./var/kycloud.db".
  std::string uri = "sqlite:./var/kycloud.db";
  // Connections kept open; also the number of transactions that can run at once. Default: 8.
  int pool_size = 8;
  // How long a statement waits for a lock (SQLite busy timeout, PostgreSQL lock_timeout) and how
  // long a connection attempt may take, in milliseconds. Default: 5000.
  int busy_timeout_ms = 5000;
  // SQLite only: "full" (default; a committed write survives power loss) or "normal" (survives a
  // crash of the process, may lose the last commits on power loss; faster).
  std::string sqlite_synchronous = "full";
  // PostgreSQL only: schema holding kycloud's tables, created if missing. Default: "" (the
  // server's search_path, normally "public").
  std::string postgres_schema;
  // PostgreSQL only: password (from KYCLOUD_DB_PASSWORD or storage.password_file). Default: "".
  std::string password;
};

}  // namespace kycloud::storage
