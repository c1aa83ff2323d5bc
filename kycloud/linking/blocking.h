// Blocking: which pairs of records are compared at all. Each rule turns a record into keys
// (e.g. family name + date of birth); two records sharing a key under some rule are a candidate
// pair. The rules are chosen so that a true pair shares at least one key despite a typo in any
// single field (keep >= 99.5% of true pairs) while far fewer than all pairs are compared.
//
// A key held by more than `max_block` records (a common surname with a common birth year, a
// formation agent's address, a payment processor) forms no pairs: blocks stay small and generic
// values link nobody by themselves. Pairs are returned once each, as (smaller index, larger).
//
// Rules (keys are only formed from present fields):
//   family+given, family+dob, given+dob, dob+postcode, family+postcode, given+postcode,
//   street_number+postcode, street_number+address, address+locality, family+locality,
//   given+locality, dob+locality, Soundex(family)+given initial+region,
//   Soundex(family)+Soundex(given), national_id, org, org's first two words+locality,
//   phone, email, email domain, payment, bank account, wallet, ip, ip network, owner
//   (name and birth date, or the name when no date is known).
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kycloud/linking/link_record.h"

namespace kycloud::linking {

struct BlockingStats {
  size_t keys = 0;            // distinct keys formed
  size_t skipped_blocks = 0;  // keys over max_block (generic)
  size_t pairs = 0;           // distinct candidate pairs
};

// The keys of one record (rule id prefixed), for incremental linking and tests.
std::vector<std::string> BlockingKeys(const NormalizedRecord& r);

// Candidate pairs of `records` (indices), sorted. Keys of identifier rules (national id, phone,
// e-mail and domain, card, bank account, wallet, IP and network, owner, address+locality) held by
// more than `generic_min` records form no pairs either: the value is generic (comparisons.h) and
// would link no one.
std::vector<std::pair<std::uint32_t, std::uint32_t>> CandidatePairs(
    const std::vector<NormalizedRecord>& records, size_t max_block, BlockingStats* stats = nullptr,
    size_t generic_min = static_cast<size_t>(-1));

// The most records a key of `rule` may hold and still form pairs.
size_t BlockLimit(std::string_view rule, size_t max_block, size_t generic_min);

}  // namespace kycloud::linking
