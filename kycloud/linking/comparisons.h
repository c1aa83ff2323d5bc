// Comparisons: how two normalised records agree, field by field, as discrete levels — the
// "comparison vector" of a Fellegi-Sunter model (fellegi_sunter.h). Each comparison gives -1 when
// either side lacks the field (it then says nothing), 0 when they differ, and 1..levels-1 for
// increasing agreement; the top level is always an exact match.
//
//   given_name, family_name  exact | Jaro-Winkler >= 0.92 (or the two names swapped) | >= 0.80 or
//                            an initial | else
//   org_name                 exact | token-sorted Indel ratio >= 0.90 | >= 0.80 | else
//   date_of_birth            exact | one edit, or day and month swapped | same year | else
//   street_number            exact | else
//   address_line             exact | Indel ratio >= 0.85 | else (lines that differ only in their
//                            numbers are neighbours' or co-tenants': else)
//   locality                 exact | Jaro-Winkler >= 0.90 | else
//   postcode, national_id    exact | one edit | else
//   region, country          exact | else
//   phone, payment, bank,    any value shared | else
//   wallet
//   email                    an address shared | a (non-free) domain shared | else
//   ip                       an address shared | a network shared (/24, /48) | else
//   beneficial_owner         an owner shared with the date of birth | the name only (a date
//                            missing on a side) | else
//
// Identifier values shared by more than `generic_min` records (a formation agent's address, a
// payment processor's card) are generic: they count as missing, never as agreement (a generic
// address takes its street number with it).
//
// Thread-safety: const methods are safe from many threads; AddGeneric needs exclusive access.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "kycloud/linking/link_record.h"

namespace kycloud::linking {

enum class Comparison {
  kGivenName,
  kFamilyName,
  kOrgName,
  kDateOfBirth,
  kStreetNumber,
  kAddress,
  kLocality,
  kPostcode,
  kRegion,
  kCountry,
  kNationalId,
  kPhone,
  kEmail,
  kPayment,
  kBankAccount,
  kWallet,
  kIp,
  kOwner,
};
inline constexpr size_t kComparisonCount = 18;

std::string_view ComparisonName(Comparison c);
// Number of levels (2..4), the "else" level 0 included.
int LevelCount(Comparison c);
// A short label of a level, for explanations ("exact", "jw>=0.92", ...).
std::string_view LevelName(Comparison c, int level);

// Levels of every comparison of one pair (-1: missing on a side or generic).
using Levels = std::array<std::int8_t, kComparisonCount>;

// The key of an identifier value in a generic set: a 64-bit hash of the comparison, whether it is
// the value's network part (an e-mail domain, an IP network) and the value. A collision can only
// make a value generic (ignored), never link anything.
std::uint64_t GenericKey(Comparison c, std::string_view value, bool network = false);

class Comparator {
  // The multi-valued identifier fields Prepare notes.
  enum class Field {
    kPhones,
    kEmails,
    kDomains,
    kPayments,
    kBanks,
    kWallets,
    kIps,
    kNetworks,
    kOwners
  };
  static constexpr std::uint32_t NonGenericBit(Field f) { return 1u << static_cast<int>(f); }
  static constexpr std::uint32_t GenericBit(Field f) { return 1u << (16 + static_cast<int>(f)); }

 public:
  // `generic` holds the keys of identifier values too common to link anyone (GenericValues).
  explicit Comparator(std::unordered_set<std::uint64_t> generic = {})
      : generic_(std::move(generic)), epoch_(NextEpoch()) {}

  Levels Compare(const NormalizedRecord& a, const NormalizedRecord& b) const;
  // Notes which of a record's identifier fields hold generic and non-generic values, for this
  // comparator's generic set as it is now (Compare then hashes a prepared record's values only
  // where one is generic). Optional: an unprepared record compares the same, more slowly.
  void Prepare(NormalizedRecord& r) const;
  // Marks a value's key generic (incremental linking: a value's count passed the limit); records
  // prepared before count as unprepared.
  void AddGeneric(std::uint64_t key) {
    if (generic_.insert(key).second) epoch_ = NextEpoch();
  }
  // Whether `value` of comparison `c` (its network part when `network`) is generic.
  bool IsGeneric(Comparison c, std::string_view value, bool network = false) const {
    return !generic_.empty() && generic_.count(GenericKey(c, value, network)) > 0;
  }

 private:
  static std::uint64_t NextEpoch();

  std::unordered_set<std::uint64_t> generic_;
  std::uint64_t epoch_;
};

// The keys (GenericKey) of a record's identifier values: address, phones, e-mails and their
// domains, cards, bank accounts, wallets, IPs and their networks, owners.
std::vector<std::uint64_t> ValueKeys(const NormalizedRecord& r);

// The keys of the identifier values held by more than `generic_min` records.
std::unordered_set<std::uint64_t> GenericValues(const std::vector<NormalizedRecord>& records,
                                                size_t generic_min);

// The value a record has for a comparison's term-frequency adjustment ("" when none): names,
// organisation, locality, postcode, address.
std::string_view TermValue(const NormalizedRecord& r, Comparison c);

}  // namespace kycloud::linking
