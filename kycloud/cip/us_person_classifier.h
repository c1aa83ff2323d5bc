// US/foreign classification (R7, R8; proposed 15 CFR 7.301 "United States person"): a party is a
// US person when it is a US citizen or permanent resident (a US nationality, or a declared US
// residence for an owner), an entity organised in the US, or anyone located in the US (a US
// address, a declared US presence, access from US IP addresses when every known access IP is in
// the US). Everything else is foreign — the default. Each conclusion keeps its evidence: the facts
// read and what each counted as, so the classification can be shown to an examiner (R8: "keep the
// evidence").
//
// Verification may be skipped (state not_required) only when the customer and every beneficial
// owner are US persons.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <vector>

#include "kycloud/cip/customer.h"

namespace kycloud::cip {

struct Evidence {
  std::string party;  // "customer" or "owner:<id>"
  std::string fact;   // e.g. "address[0].country"
  std::string value;  // e.g. "US"
  bool us = false;    // whether this fact makes the party a US person
};

struct Classification {
  bool customer_us = false;
  std::vector<std::string> foreign_owners;  // owner ids classified foreign
  bool verification_required = true;        // false only when the customer and all owners are US
  std::vector<Evidence> evidence;

  std::string Json() const;
};

// `ip_countries`: countries of the customer's access IPs so far (may be empty).
Classification ClassifyUsPerson(const Customer& c, const std::vector<std::string>& ip_countries);

}  // namespace kycloud::cip
