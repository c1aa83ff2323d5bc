#include "kycloud/storage/lease_store.h"

namespace kycloud::storage {

Result<bool> SqlLeaseStore::Acquire(std::string_view name, std::string_view holder, Timestamp now,
                                    std::chrono::milliseconds ttl) {
  const auto now_us = static_cast<long long>(ToUnixMicros(now));
  const auto until_us = static_cast<long long>(ToUnixMicros(now + ttl));
  bool held = false;
  KY_TRY(db_.Transact(TxMode::kWrite, [&](Session& s) -> Status {
    // A conditional UPDATE re-checks its condition on the row it locks (PostgreSQL read
    // committed), so two instances racing for an expired lease cannot both win it.
    KY_ASSIGN_OR_RETURN(std::int64_t renewed,
                        s.Execute("UPDATE cluster_leases SET holder = ?, expires_at = ? "
                                  "WHERE name = ? AND (holder = ? OR expires_at < ?)",
                                  {holder, until_us, name, holder, now_us}));
    if (renewed == 1) {
      held = true;
      return OkStatus();
    }
    KY_ASSIGN_OR_RETURN(std::int64_t inserted,
                        s.Execute("INSERT INTO cluster_leases (name, holder, expires_at) "
                                  "VALUES (?,?,?) ON CONFLICT (name) DO NOTHING",
                                  {name, holder, until_us}));
    held = inserted == 1;
    return OkStatus();
  }));
  return held;
}

Status SqlLeaseStore::Release(std::string_view name, std::string_view holder) {
  return StatusOf(
      ExecuteOnce(db_, "DELETE FROM cluster_leases WHERE name = ? AND holder = ?", {name, holder}));
}

}  // namespace kycloud::storage
