// CipRequestStore: requests from the Department for the provider's CIP and its foreign resellers'
// CIPs (R17; proposed 15 CFR 7.302), each with the deadline for producing them (10 days, policy)
// and, once produced, when, by whom and the SHA-256 of what was handed over.
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

struct CipRequestRow {
  std::string id;
  Timestamp received_at;
  Timestamp due_at;
  std::string requester;               // who asked (office, officer)
  std::string reference;               // their reference, if any
  bool provider = true;                // the provider's own CIP is asked for
  std::vector<std::string> resellers;  // resellers (customer ids) whose CIPs are asked for
  std::string note;
  std::string status = "open";  // open | produced | withdrawn
  std::optional<Timestamp> produced_at;
  std::string produced_by;
  std::string package_sha256;  // of the package produced (hex)
  Timestamp created_at;
  std::string created_by;
  std::int64_t revision = 0;  // assigned by the store: 1 on insert, +1 per update

  friend bool operator==(const CipRequestRow&, const CipRequestRow&) = default;
};

class CipRequestStore {
 public:
  virtual ~CipRequestStore() = default;
  // Inserts (row.revision 0) or replaces the row at its revision; returns the stored row.
  // Errors: AlreadyExists (reason "cip_request_exists"); NotFound; Aborted (reason
  // "revision_conflict").
  virtual Result<CipRequestRow> Put(const CipRequestRow& row) = 0;
  // Errors: NotFound.
  virtual Result<CipRequestRow> Get(std::string_view id) = 0;
  // By deadline, then id; `status` filters when set.
  virtual Result<std::vector<CipRequestRow>> List(const std::optional<std::string>& status) = 0;
};

}  // namespace kycloud::storage
