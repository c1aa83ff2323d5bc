// ResellerStore: the reseller registry (R18-R20; proposed 15 CFR 7.302(c)): for each reseller
// account, whose CIP it runs (its own or the provider's, adopted), whether the contract flows the
// rule down and its customers' training-run reports pass through, its compliance status and, once
// it is found non-compliant, the date by which the provider must terminate it (30 days, policy).
// A reseller is a customer (customers.id) whose record says it resells.
//
// Thread-safety: implementations are safe to use from many threads and processes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kycloud/base/result.h"
#include "kycloud/base/time.h"

namespace kycloud::storage {

struct ResellerRow {
  std::string customer_id;
  std::string cip = "own";  // own | adopted
  // Where the reseller's own CIP document is kept (a reference, URI or digest the provider can
  // produce on request, R17); empty for an adopted CIP (the provider's).
  std::string cip_document;
  bool contract_flow_down = false;
  bool reports_pass_through = false;
  std::string compliance_status = "compliant";  // compliant | non_compliant | terminated
  std::optional<Timestamp> noncompliant_since;
  std::optional<Timestamp> terminate_by;
  std::optional<Timestamp> terminated_at;
  std::string note;  // the officer's reason for the status (no personal data expected)
  Timestamp updated_at;
  std::string updated_by;
  std::int64_t revision = 0;  // assigned by the store: 1 on insert, +1 per update

  friend bool operator==(const ResellerRow&, const ResellerRow&) = default;
};

class ResellerStore {
 public:
  virtual ~ResellerStore() = default;
  // Inserts (row.revision 0) or replaces the row at its revision; returns the stored row.
  // Errors: AlreadyExists (reason "reseller_exists") on insert of a registered reseller;
  // NotFound; Aborted (reason "revision_conflict").
  virtual Result<ResellerRow> Put(const ResellerRow& row) = 0;
  // Errors: NotFound.
  virtual Result<ResellerRow> Get(std::string_view customer_id) = 0;
  // By customer id; `status` filters when set.
  virtual Result<std::vector<ResellerRow>> List(const std::optional<std::string>& status) = 0;
};

}  // namespace kycloud::storage
