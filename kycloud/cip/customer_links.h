// CustomerLinks: what onboarding asks of account linking (R33) before each CIP decision — the
// seam between cip/ and the service's account linking (account_linking/account_linking.h).
//
// Observe() is given the customer and its own policy facts as just derived (no linked facts yet);
// it links the customer again and returns what its linked group says: the policy facts that come
// from linked accounts, and the other customers whose linked evidence this changed (the caller
// decides those again once its own decision is stored).
//
// Thread-safety: implementations are safe from many threads.
#pragma once

#include <string>
#include <vector>

#include "kycloud/base/result.h"
#include "kycloud/cip/customer.h"
#include "kycloud/policy/party_facts.h"

namespace kycloud::cip {

struct LinkedEvidence {
  std::string group;                   // the linked group's id; "" when linked to no one
  std::vector<std::string> members;    // the group's other customers, sorted
  std::vector<std::string> countries;  // where they are located, headquartered, pay or connect
  std::vector<std::string> listed;     // those of them confirmed on a blocking or Entity List
  // For a reseller: the countries its end users connect and pay from (IP geolocation, payment
  // instruments' issuing countries) — evidence beside the declared end-user countries.
  std::vector<std::string> end_user_countries;
  std::vector<std::string> affected;  // other customers whose linked evidence changed
};

class CustomerLinks {
 public:
  virtual ~CustomerLinks() = default;
  // Errors: the implementation's store errors (the decision then fails, nothing stored).
  virtual Result<LinkedEvidence> Observe(const Customer& c, const policy::PartyFacts& own) = 0;
  // Links the stored record of a customer again, with its latest access IP addresses (after new
  // access events; after a decision that failed to store, whose Observe linked a record that was
  // never stored). Returns the customers whose linked evidence changed (the customer included when
  // its group did). Errors: NotFound; the implementation's store errors.
  virtual Result<std::vector<std::string>> RelinkStored(const std::string& customer_id) = 0;
  // The evidence of a customer's group now, without linking anything (empty when unknown).
  virtual LinkedEvidence EvidenceOf(const std::string& customer_id) const = 0;
};

// Adds a linked group's evidence to a customer's policy facts (linked_countries, linked_listed,
// end_user_countries), each list sorted and without repeats.
void ApplyLinkedEvidence(const LinkedEvidence& e, policy::PartyFacts& facts);

}  // namespace kycloud::cip
