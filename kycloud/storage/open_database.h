// OpenDatabase: the one place that turns a storage URI into a Database and brings its schema up
// to date. Used by the composition root (apps/kycloud) and by tests.
#pragma once

#include <memory>

#include "kycloud/base/result.h"
#include "kycloud/storage/database.h"
#include "kycloud/storage/storage_options.h"

namespace kycloud::storage {

// Opens the database named by options.uri and applies every pending schema migration.
// Errors: InvalidArgument for a malformed URI or option (naming it); Unavailable when the
// database cannot be reached; FailedPrecondition when the database has a newer schema than this
// binary knows (a downgrade).
Result<std::unique_ptr<Database>> OpenDatabase(const StorageOptions& options);

// Like OpenDatabase but does not migrate (for `kycloud info` and migration tests).
Result<std::unique_ptr<Database>> OpenDatabaseWithoutMigrating(const StorageOptions& options);

// True if `uri` contains a password (postgresql://user:secret@host or password=...).
bool UriHasPassword(std::string_view uri);

}  // namespace kycloud::storage
