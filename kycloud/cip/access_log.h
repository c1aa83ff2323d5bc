// AccessLog: every access and administration action of a customer with its source IP and UTC
// time (R4; proposed 15 CFR 7.302(b)(1)(iv)), in batches — `POST /v1/customers/{id}/access-events`
// {"events": [{"ip": "203.0.113.7", "at": "2026-12-01T10:15:30Z", "action": "login"}]}.
//
// Each valid event is stored with its IP sealed (PiiCipher, bound to "access/<customer id>") and
// its country in clear (IpGeolocator); invalid events are reported by index and field and the
// others kept. The customer's last access moves (the retention clock). When a batch brings a
// country not seen before for the customer, its CIP decision is taken again (Onboarding::Refresh):
// access-IP countries feed the embargo check (R29), US-person classification (R7) and special
// measures. Otherwise, with account linking set (Onboarding::SetLinks), the customer is linked
// again with its new IP addresses and the customers whose linked evidence that changes are decided
// again.
//
// Thread-safety: safe from many threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kycloud/base/clock.h"
#include "kycloud/cip/ip_geolocator.h"
#include "kycloud/cip/onboarding.h"
#include "kycloud/storage/customer_store.h"
#include "kycloud/storage/pii_cipher.h"

namespace kycloud::cip {

struct AccessEventError {
  size_t index = 0;
  std::string field;  // JSON pointer
  std::string message;
};

struct AccessBatchResult {
  size_t received = 0;
  size_t accepted = 0;
  std::vector<AccessEventError> errors;
  std::vector<std::string> countries;         // the customer's access countries, all time
  std::optional<OnboardingResult> redecided;  // when a new country changed the picture
  // Customers decided again because new IP addresses changed their linked groups (R33).
  std::vector<std::string> relinked;
};

inline constexpr size_t kMaxAccessBatch = 10000;

class AccessLog {
 public:
  // `geo` may be null (countries unknown). The references must outlive the log.
  AccessLog(storage::CustomerStore& customers, const storage::PiiCipher& cipher,
            const IpGeolocator* geo, Onboarding& onboarding);

  // Errors: InvalidArgument (not {"events": [...]}, or no valid event — the first error named);
  // ResourceExhausted (more than kMaxAccessBatch events); NotFound (no such customer).
  Result<AccessBatchResult> Record(const std::string& customer_id, std::string_view json_body,
                                   const std::string& actor);

 private:
  storage::CustomerStore& customers_;
  const storage::PiiCipher& cipher_;
  const IpGeolocator* geo_;
  Onboarding& onboarding_;
};

}  // namespace kycloud::cip
