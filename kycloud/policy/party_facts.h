// PartyFacts: what the policy needs to know about a customer or another party (an owner, a
// parent company): where it is, where it pays and connects from, where it and its ultimate parent
// are headquartered, who owns it and how much, what screening found, whether it is verified,
// whether it resells and to whom. The CIP record (issue 7), screening and account linking fill
// these; the API and `kycloud policy simulate` accept them as JSON (docs/policy.md):
//
//   {"id": "c-1", "kind": "organisation", "names": ["Acme Ltd"], "country": "SG",
//    "billing_countries": ["SG"], "ip_countries": ["SG", "CN"], "subdivisions": ["UA-43"],
//    "headquarters_country": "SG", "ultimate_parent_country": "CN", "parent_id": "p-9",
//    "owners": [{"id": "p-9", "share": 0.6}], "us_person": false, "verification": "pending",
//    "sanctions": "clear", "entity_list": false, "list_entity_ids": [],
//    "reseller": true, "end_user_countries": ["CN"], "reseller_id": "", "linked_countries": [],
//    "linked_listed": [], "legal_hold": false}
//
// Only `id` is required. Unknown keys are errors (a typo must not silently drop a fact).
//
// Thread-safety: a value type.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kycloud/base/result.h"

namespace kycloud::policy {

struct Ownership {
  std::string id;            // the owner's party id (another PartyFacts), or a list entity id
  double share = 0;          // in [0, 1]
  bool blocked = false;      // the owner itself is on the SDN list (or blocked)
  bool entity_list = false;  // the owner itself is on the Entity List
};

struct PartyFacts {
  std::string id;
  std::string kind;  // "individual" | "organisation" (default)
  std::vector<std::string> names;
  std::string country;  // location (address) country, ISO alpha-2
  std::vector<std::string> billing_countries;
  std::vector<std::string> ip_countries;  // from the access-IP log's geolocation
  std::vector<std::string> subdivisions;  // ISO 3166-2 codes of its addresses ("UA-43")
  std::vector<std::string> nationalities;
  std::string headquarters_country;
  std::string ultimate_parent_country;
  std::string parent_id;  // the parent party's id, when known
  std::vector<Ownership> owners;
  bool us_person = false;
  std::string verification = "pending";  // not_required | pending | verified | failed |
                                         // failed_restricted (failed; restrict and monitor)
  std::string sanctions = "clear";       // clear | pending (an open hit) | listed (confirmed)
  bool entity_list = false;              // confirmed Entity List match
  std::vector<std::string> list_entity_ids;
  bool reseller = false;
  std::vector<std::string> end_user_countries;  // a reseller's declared or evidenced end users
  std::string reseller_id;                      // the reseller this customer buys through
  std::vector<std::string> linked_countries;    // countries linked evidence points to (R33)
  std::vector<std::string> linked_listed;  // linked accounts (R33) confirmed on a blocking list or
                                           // the Entity List, by id
  bool legal_hold = false;                 // R32
  bool closed = false;                     // the account is closed (CIP): every request is denied

  // Every country the party is located in, pays from or connects from.
  std::vector<std::string> PresenceCountries() const;
};

// Parses one JSON object. Errors: InvalidArgument naming the field as a JSON pointer
// ("/owners/0/share") and what is wrong.
Result<PartyFacts> ParsePartyFacts(std::string_view json);
std::string PartyFactsJson(const PartyFacts& p);

}  // namespace kycloud::policy
