#include "kycloud/storage/testing/test_database.h"

#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "kycloud/base/random.h"
#include "kycloud/storage/open_database.h"

namespace kycloud::storage::testing {

std::string MakeTempDir(std::string_view prefix) {
  auto dir =
      std::filesystem::temp_directory_path() / fmt::format("{}-{}", prefix, RandomAlphanumeric(10));
  std::filesystem::create_directories(dir);
  return dir.string();
}

Result<std::string> TestPostgresUri() {
  if (const char* uri = std::getenv("KYCLOUD_TEST_PG_URI"); uri && *uri) return std::string(uri);
  if (const char* file = std::getenv("KYCLOUD_TEST_PG_URI_FILE"); file && *file) {
    std::ifstream in(file);
    std::string uri;
    if (in && std::getline(in, uri) && !uri.empty()) return uri;
    return Err(UnavailableError(fmt::format(
        "no PostgreSQL test server: {} is missing or empty (did pg-test-server start?)", file)));
  }
  return Err(UnavailableError(
      "no PostgreSQL test server: set KYCLOUD_TEST_PG_URI or run the tests through ctest"));
}

TestDatabase::~TestDatabase() {
  if (db && db->dialect() == Dialect::kPostgres && !options.postgres_schema.empty()) {
    (void)ExecuteOnce(*db, fmt::format("DROP SCHEMA \"{}\" CASCADE", options.postgres_schema));
  }
  db.reset();
  if (!cleanup_dir.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(cleanup_dir, ec);
  }
}

Result<std::unique_ptr<TestDatabase>> MakeTestDatabase(std::string_view backend) {
  auto t = std::make_unique<TestDatabase>();
  t->options.pool_size = 4;
  if (backend == "sqlite") {
    t->cleanup_dir = MakeTempDir("kycloud-test");
    t->options.uri = "sqlite:" + t->cleanup_dir + "/test.db";
  } else if (backend == "postgresql") {
    KY_ASSIGN_OR_RETURN(t->options.uri, TestPostgresUri());
    t->options.postgres_schema = "t_" + RandomAlphanumeric(12);
  } else {
    return Err(InvalidArgumentError(fmt::format("unknown test backend '{}'", backend)));
  }
  KY_ASSIGN_OR_RETURN(t->db, OpenDatabase(t->options));
  return t;
}

}  // namespace kycloud::storage::testing
