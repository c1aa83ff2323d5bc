#include "kycloud/storage/open_database.h"

#include <fmt/format.h>

#include "kycloud/storage/migrations.h"
#include "kycloud/storage/postgres/postgres_database.h"
#include "kycloud/storage/sqlite/sqlite_database.h"

namespace kycloud::storage {

Result<std::unique_ptr<Database>> OpenDatabaseWithoutMigrating(const StorageOptions& options) {
  if (options.pool_size < 1 || options.pool_size > 1024) {
    return Err(InvalidArgumentError(
        fmt::format("storage.pool_size must be between 1 and 1024, got {}", options.pool_size)));
  }
  if (options.busy_timeout_ms < 0) {
    return Err(InvalidArgumentError("storage.busy_timeout_ms must not be negative"));
  }
  std::string_view uri = options.uri;
  if (uri.starts_with("sqlite:")) return SqliteDatabase::Open(options);
  if (uri.starts_with("postgresql://") || uri.starts_with("postgres://")) {
    return PostgresDatabase::Open(options);
  }
  return Err(
      InvalidArgumentError(
          fmt::format("unsupported database URI '{}': use sqlite:PATH or postgresql://...", uri))
          .WithField("storage.uri"));
}

Result<std::unique_ptr<Database>> OpenDatabase(const StorageOptions& options) {
  KY_ASSIGN_OR_RETURN(auto db, OpenDatabaseWithoutMigrating(options));
  KY_TRY(Migrate(*db, SchemaMigrations()));
  return db;
}

bool UriHasPassword(std::string_view uri) {
  if (uri.find("password=") != std::string_view::npos) return true;
  auto scheme = uri.find("://");
  if (scheme == std::string_view::npos) return false;
  std::string_view rest = uri.substr(scheme + 3);
  auto at = rest.find('@');
  if (at == std::string_view::npos) return false;
  auto slash = rest.find('/');
  if (slash != std::string_view::npos && slash < at) return false;
  return rest.substr(0, at).find(':') != std::string_view::npos;
}

}  // namespace kycloud::storage
