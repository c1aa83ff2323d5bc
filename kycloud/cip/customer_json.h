// The JSON form of a CIP record (docs/cip.md) and its validation: every rejection is an
// InvalidArgument naming the field as a JSON pointer ("/beneficial_owners/1/share") and the rule
// broken as the status reason ("cip.required", "cip.country", "cip.phone", "cip.email",
// "cip.name", "cip.card_number", "cip.owner_shares", "cip.owner_threshold", "cip.unknown_field",
// "cip.type", "cip.enum", "cip.date", "cip.duplicate"). Values are normalised on the way in
// (contact_normalizer.h): countries upper-case ISO 3166, phones E.164 (read in the first
// address's country when written without "+"), emails with lower-case domains, names NFC.
//
//   {"id": "c-1", "kind": "organisation",
//    "names": [{"full": "Acme Pte Ltd"}, {"full": "艾克米", "kind": "local_script"}],
//    "addresses": [{"lines": ["1 Raffles Place"], "locality": "Singapore", "postcode": "048616",
//                   "country": "SG"}],
//    "country_of_incorporation": "SG", "headquarters_country": "SG",
//    "ultimate_parent_name": "Acme Holdings", "ultimate_parent_country": "CN",
//    "website": "https://acme.example", "emails": ["ops@acme.example"], "phones": ["+6561234567"],
//    "national_ids": [{"type": "company_registration", "number": "201912345K", "country": "SG"}],
//    "beneficial_owners": [{"id": "bo-1", "kind": "person", "names": [{"full": "Tan Wei"}],
//                           "nationality": "SG", "residence_country": "SG", "share": 0.6}],
//    "payment_instruments": [{"type": "card", "institution": "DBS", "issuing_country": "SG",
//                             "fingerprint": "fp_9a8b7c"}],
//    "reseller_id": "", "is_reseller": false, "end_user_countries": [], "us_presence": false}
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "kycloud/base/result.h"
#include "kycloud/cip/cip_policy.h"
#include "kycloud/cip/customer.h"

namespace kycloud::cip {

// A new record: the policy's required fields must be present and non-empty.
Result<Customer> ParseCustomer(std::string_view json, const CipPolicy& policy);
// The same checks for a record being replaced by a merge (PATCH): `json` holds the changed
// top-level fields, applied over `current`.
Result<Customer> ApplyCustomerPatch(const Customer& current, std::string_view json,
                                    const CipPolicy& policy);

std::string CustomerJson(const Customer& c);

}  // namespace kycloud::cip
