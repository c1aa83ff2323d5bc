// Fuzz target: the CIP inputs an integrator or a policy author controls. The first byte picks what
// the rest is: a customer record (POST /v1/customers), a patch over a valid record (PATCH), a
// verification resolution (POST .../verifications), or the CIP policy file (cip.toml).
// Invariants: a parsed customer's canonical JSON parses again to the same JSON (normalisation is
// idempotent and nothing accepted is lost); a patched record keeps its id; nothing crashes.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "kycloud/cip/cip_policy.h"
#include "kycloud/cip/customer_json.h"
#include "kycloud/cip/verification.h"
#include "kycloud/policy/policy_data.h"

namespace {

const kycloud::cip::CipPolicy& Cip() {
  static const auto policy =
      kycloud::cip::CipPolicy::FromPolicy(kycloud::policy::Policy::Bundled()).value();
  return policy;
}

const kycloud::cip::Customer& Base() {
  static const auto c = kycloud::cip::ParseCustomer(R"({
    "id": "cust-fuzz", "kind": "organisation",
    "names": [{"full": "Fuzz Computing LLC", "kind": "legal"}],
    "addresses": [{"lines": ["1 Main St"], "locality": "Austin", "region": "TX",
                   "postcode": "78701", "country": "US"}],
    "emails": ["ops@fuzz.example"], "phones": ["+15125550100"],
    "country_of_incorporation": "US",
    "beneficial_owners": [{"id": "bo1", "kind": "person", "names": [{"full": "Ann Fuzz"}],
                           "share": 0.5, "nationality": "US", "residence_country": "US",
                           "date_of_birth": "1980-01-01"}],
    "payment_instruments": [{"type": "card", "fingerprint": "fp_1", "issuing_country": "US"}]
  })",
                                                    Cip());
  if (!c) std::abort();
  return *c;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kycloud::cip;
  if (size == 0) return 0;
  const uint8_t selector = data[0] % 4;
  std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (selector) {
    case 0: {
      auto c = ParseCustomer(text, Cip());
      if (!c) return 0;
      std::string once = CustomerJson(*c);
      auto again = ParseCustomer(once, Cip());
      if (!again || CustomerJson(*again) != once) std::abort();
      return 0;
    }
    case 1: {
      auto c = ApplyCustomerPatch(Base(), text, Cip());
      if (c && c->id != Base().id) std::abort();
      return 0;
    }
    case 2:
      (void)ParseVerificationRequest(text, Cip());
      return 0;
    default: {
      auto p = CipPolicy::Parse(text, "cip.toml");
      (void)p;
      return 0;
    }
  }
}
