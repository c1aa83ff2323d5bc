// LeaseStore: named, expiring leases in the database, so that of several `kycloud serve`
// instances on one database exactly one runs each background duty (cluster/leadership.h). A
// lease is held by one holder until it expires; its holder renews it before then. Holders'
// clocks must agree to well within a lease's length (NTP).
//
// Thread-safety: implementations are safe to use from many threads and processes.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "kycloud/base/result.h"
#include "kycloud/base/time.h"
#include "kycloud/storage/database.h"

namespace kycloud::storage {

class LeaseStore {
 public:
  virtual ~LeaseStore() = default;
  // Takes or renews lease `name` for `holder` until now + ttl when it is free, expired (before
  // `now`) or already `holder`'s. Returns whether `holder` holds it now. Atomic: of concurrent
  // callers at most one gets a lease that was not theirs.
  virtual Result<bool> Acquire(std::string_view name, std::string_view holder, Timestamp now,
                               std::chrono::milliseconds ttl) = 0;
  // Gives the lease up when `holder` holds it (a clean stop hands over at once).
  virtual Status Release(std::string_view name, std::string_view holder) = 0;
};

// LeaseStore on a Database (SQLite or PostgreSQL), table cluster_leases (migration 13).
class SqlLeaseStore final : public LeaseStore {
 public:
  // `db` must outlive the store.
  explicit SqlLeaseStore(Database& db) : db_(db) {}
  Result<bool> Acquire(std::string_view name, std::string_view holder, Timestamp now,
                       std::chrono::milliseconds ttl) override;
  Status Release(std::string_view name, std::string_view holder) override;

 private:
  Database& db_;
};

}  // namespace kycloud::storage
