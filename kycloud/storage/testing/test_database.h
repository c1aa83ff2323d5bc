// Test helpers: fresh databases of each backend for conformance and integration tests.
//
// PostgreSQL comes from the throw-away server that tests/pg/pg-test-server starts for the test
// run: its URI is read from $KYCLOUD_TEST_PG_URI or from the file named by
// $KYCLOUD_TEST_PG_URI_FILE. Each TestDatabase gets its own schema, dropped afterwards, so tests
// never see each other's rows. There is no skipping: without a server the PostgreSQL tests fail.
#pragma once

#include <memory>
#include <string>

#include "kycloud/base/result.h"
#include "kycloud/storage/database.h"
#include "kycloud/storage/storage_options.h"

namespace kycloud::storage::testing {

// "sqlite" or "postgresql".
struct TestDatabase {
  StorageOptions options;        // reopen with these to test persistence
  std::unique_ptr<Database> db;  // migrated
  std::string cleanup_dir;       // SQLite temp dir
  ~TestDatabase();
};

Result<std::string> TestPostgresUri();

// Creates an empty, migrated database of `backend`.
Result<std::unique_ptr<TestDatabase>> MakeTestDatabase(std::string_view backend);

// A new empty temporary directory (removed by the caller).
std::string MakeTempDir(std::string_view prefix);

}  // namespace kycloud::storage::testing
