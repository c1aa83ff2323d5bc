#include "kycloud/cip/sealed_columns.h"

#include <string>

namespace kycloud::cip {

std::vector<storage::SealedColumn> SealedColumns() {
  return {
      {"customers", "id", "record_sealed", std::string(kCustomerSealPrefix), "id"},
      {"customer_access_events", "seq", "ip_sealed", std::string(kAccessSealPrefix), "customer_id"},
      {"customer_verifications", "seq", "details_sealed", std::string(kVerificationSealPrefix),
       "customer_id"},
  };
}

}  // namespace kycloud::cip
