// Retention (R13; proposed 15 CFR 7.302(e)): a CIP record is kept at least the policy's
// retention period (2 years) after the account closes or is last accessed, whichever is later; a
// record under a retention hold (litigation, an examination) is kept whatever its dates; an active
// account is never purged. Purge() deletes exactly the records past retention — the record, its
// access events, verifications and idempotency keys — writes one audit entry per deleted record
// ("cip.purged": id and dates, no personal data) and reports what it deleted and what it kept
// because of a hold. A record held, reopened or accessed after the job read it is kept
// (CustomerStore::DeleteIfUnchanged). A dry run reports the same without deleting.
//
// Thread-safety: safe from many threads (the store's).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kycloud/audit/audit_log.h"
#include "kycloud/base/time.h"
#include "kycloud/storage/customer_store.h"

namespace kycloud::cip {

// The end of a closed record's retention; nullopt for an account that is not closed.
std::optional<Timestamp> RetainedUntil(const storage::CustomerRow& row, int retention_days);

struct PurgeItem {
  std::string id;
  Timestamp closed_at;
  std::optional<Timestamp> last_access_at;
  Timestamp retained_until;
};

struct PurgeReport {
  Timestamp as_of;
  int retention_days = 0;
  bool dry_run = false;
  size_t closed_scanned = 0;
  std::vector<PurgeItem> purged;  // (or, in a dry run, that would be)
  std::vector<PurgeItem> held;    // past retention but under a hold
  std::string Json() const;
};

// `audit` may be null. `deleted` (may be empty) is called with each id as soon as its record is
// deleted, so a caller learns of every deletion even when a later step fails. Errors: the store's
// and the log's (what was purged before stays purged and audited).
Result<PurgeReport> Purge(storage::CustomerStore& customers, int retention_days, Timestamp as_of,
                          bool dry_run, audit::AuditLog* audit, const std::string& actor,
                          const std::function<void(const std::string& id)>& deleted = {});

}  // namespace kycloud::cip
