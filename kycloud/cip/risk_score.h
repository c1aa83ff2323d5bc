// Risk score (R12, and the "risk-based" part of R9): the sum of the points of the CIP policy's
// risk rules (policy/cip.toml [risk], versioned with the policy) whose factor holds for the
// customer, a level from the policy's thresholds, and the reasons. The factors are kycloud's
// built-in tests; which ones count, for how much, and the words are policy:
//   foreign_customer          the customer is not a US person (R7)
//   foreign_owner             a beneficial owner is not a US person
//   country_group:<GROUP>     a country of the customer (addresses, incorporation, headquarters,
//                             parent, nationalities), an owner, a payment instrument or an
//                             access IP is in the policy's country group (D:5, Macau, ...)
//   embargoed_country         one of those countries is under a comprehensive embargo
//   payment_country_mismatch  a payment instrument issued outside the customer's countries
//   access_country_mismatch   an access IP outside every declared country
//   reseller                  the customer resells compute to others
//   via_reseller              the customer buys through a reseller
//   company_owner             a beneficial owner is itself a company (layered ownership)
//   no_website                an organisation without a website
//   screening_review          a screening hit is open for review
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kycloud/cip/cip_policy.h"
#include "kycloud/cip/customer.h"
#include "kycloud/cip/us_person_classifier.h"
#include "kycloud/policy/policy.h"

namespace kycloud::cip {

bool IsRiskFactor(std::string_view factor);
std::string_view RiskFactorNames();

struct RiskReason {
  std::string rule;
  int points = 0;
  std::string text;
  std::string detail;  // which countries or parties made the factor hold (no personal data)
};

struct RiskScore {
  int score = 0;
  std::string level = "low";   // low | medium | high
  std::string policy_version;  // the CIP policy version of the rules
  std::vector<RiskReason> reasons;

  std::string Json() const;
};

struct RiskInputs {
  const Customer& customer;
  const Classification& classification;
  const std::vector<std::string>& ip_countries;
  std::string screening_status;  // clear | pending (hits await an officer) | "" (not screened)
  policy::Date date{};           // for embargoes in force
};

RiskScore ScoreRisk(const RiskInputs& in, const CipPolicy& cip, const policy::Policy& policy);

// 0 low, 1 medium, 2 high (-1 for anything else).
int RiskRank(std::string_view level);

}  // namespace kycloud::cip
