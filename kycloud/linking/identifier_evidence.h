// Identifier evidence: the least match probability that shared account identifiers justify, a
// deterministic floor under the Fellegi-Sunter weight (fellegi_sunter.h).
//
// Fellegi-Sunter's prior is over all pairs (about 2c/n for n accounts and c true pairs per
// account), and its u for sharing a value comes from the population, true pairs included: one
// shared card then stays below any useful threshold however rare the card. Yet two accounts paying
// with one card, one bank account or one wallet, or giving one national id, are one party (or a
// relation an officer must see); a shared phone or e-mail address nearly so. Generic values (held
// by more than `generic_min` records, comparisons.h) never count.
//
//   card fingerprint, bank account, wallet or national id shared        >= 0.999999
//     (strong: may join two groups by itself, clusterer.h)
//   phone or e-mail address shared                                      >= 0.9999
//     (links an account to a group; two groups need a second link)
//   two different identifiers of the second kind                        >= 0.999999
//   between organisations: an e-mail domain shared (not free mail)     >= 0.9999
//   between organisations: a beneficial owner shared (name and date     >= 0.9999
//     of birth; counts as a contact above: with a phone it is strong)
//
// Thread-safety: pure function.
#pragma once

#include <string>

#include "kycloud/linking/comparisons.h"

namespace kycloud::linking {

inline constexpr double kStrongIdentifierFloor = 0.999999;
inline constexpr double kIdentifierFloor = 0.9999;

struct IdentifierEvidence {
  double probability = 0;  // 0: no floor
  std::string rule;        // e.g. "shared payment_fingerprint"
};

// `organisations`: both records are organisations (an organisation name, no person's name).
IdentifierEvidence IdentifierFloor(const Levels& levels, bool organisations = false);

// Whether a record is an organisation's (an organisation name and no person's name).
inline bool IsOrganisation(const NormalizedRecord& r) {
  return !r.org.empty() && r.given.empty() && r.family.empty();
}

}  // namespace kycloud::linking
