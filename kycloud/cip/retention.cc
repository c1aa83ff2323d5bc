#include "kycloud/cip/retention.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace kycloud::cip {

namespace {

using json = nlohmann::json;

json ItemJson(const PurgeItem& i) {
  return {{"id", i.id},
          {"closed_at", FormatRfc3339(i.closed_at)},
          {"last_access_at", i.last_access_at ? json(FormatRfc3339(*i.last_access_at)) : json()},
          {"retained_until", FormatRfc3339(i.retained_until)}};
}

}  // namespace

std::optional<Timestamp> RetainedUntil(const storage::CustomerRow& row, int retention_days) {
  if (row.status != "closed") return std::nullopt;
  Timestamp from = row.closed_at.value_or(row.updated_at);
  if (row.last_access_at) from = std::max(from, *row.last_access_at);
  return from + std::chrono::days(retention_days);
}

Result<PurgeReport> Purge(storage::CustomerStore& customers, int retention_days, Timestamp as_of,
                          bool dry_run, audit::AuditLog* audit, const std::string& actor,
                          const std::function<void(const std::string& id)>& deleted) {
  PurgeReport out;
  out.as_of = as_of;
  out.retention_days = retention_days;
  out.dry_run = dry_run;
  storage::CustomerFilter f;
  f.status = "closed";
  f.limit = 500;
  for (;;) {
    KY_ASSIGN_OR_RETURN(auto page, customers.List(f));
    for (const storage::CustomerRow& row : page) {
      ++out.closed_scanned;
      auto until = RetainedUntil(row, retention_days);
      if (!until || *until > as_of) continue;
      PurgeItem item{row.id, row.closed_at.value_or(row.updated_at), row.last_access_at, *until};
      if (row.legal_hold) {
        out.held.push_back(std::move(item));
        continue;
      }
      if (!dry_run) {
        KY_ASSIGN_OR_RETURN(bool gone, customers.DeleteIfUnchanged(row));
        if (!gone) continue;  // held, reopened or accessed since it was read: kept
        if (deleted) deleted(row.id);
        if (audit) {
          json data = ItemJson(item);
          data["retention_days"] = retention_days;
          KY_TRY(audit->Append({"cip.purged", actor, data.dump()}));
        }
      }
      out.purged.push_back(std::move(item));
    }
    if (page.size() < f.limit) break;
    f.after_id = page.back().id;
  }
  return out;
}

std::string PurgeReport::Json() const {
  json purged_j = json::array(), held_j = json::array();
  for (const PurgeItem& i : purged) purged_j.push_back(ItemJson(i));
  for (const PurgeItem& i : held) held_j.push_back(ItemJson(i));
  return json{{"as_of", FormatRfc3339(as_of)},
              {"retention_days", retention_days},
              {"dry_run", dry_run},
              {"closed_scanned", closed_scanned},
              {dry_run ? "would_purge" : "purged", std::move(purged_j)},
              {"held", std::move(held_j)}}
      .dump(2);
}

}  // namespace kycloud::cip
