// SettingsStore: single values that belong to a database as a whole rather than to one record,
// e.g. which audit signing key and which data key its contents were made with, so that an
// instance started with other keys refuses to run on it (apps/kycloud/instance_keys.h).
//
// Thread-safety: implementations are safe to use from many threads and processes.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "kycloud/base/result.h"
#include "kycloud/storage/database.h"

namespace kycloud::storage {

class SettingsStore {
 public:
  virtual ~SettingsStore() = default;
  virtual Result<std::optional<std::string>> Get(std::string_view key) = 0;
  // Stores `value` unless the key has one; returns the value stored now (the first writer's
  // when several race).
  virtual Result<std::string> PutIfAbsent(std::string_view key, std::string_view value) = 0;
  // Replaces the value of `key` only when it is `expected` now; returns whether it did.
  virtual Result<bool> Replace(std::string_view key, std::string_view expected,
                               std::string_view value) = 0;
};

// SettingsStore on a Database (SQLite or PostgreSQL), table settings (migration 1).
class SqlSettingsStore final : public SettingsStore {
 public:
  // `db` must outlive the store.
  explicit SqlSettingsStore(Database& db) : db_(db) {}
  Result<std::optional<std::string>> Get(std::string_view key) override;
  Result<std::string> PutIfAbsent(std::string_view key, std::string_view value) override;
  Result<bool> Replace(std::string_view key, std::string_view expected,
                       std::string_view value) override;

 private:
  Database& db_;
};

}  // namespace kycloud::storage
