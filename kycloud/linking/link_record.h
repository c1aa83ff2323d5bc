// LinkRecord: one account (or person, or company) as account linking sees it — typed
// identifiers, each field possibly repeated (two address lines, several phones or IPs) — and its
// normalised form, computed once, that blocking and comparison read.
//
// Normalisation: a full name splits into family and given names ("Family, Given", else the last
// word is the family name); names and addresses through text::ToLatin (NFKC, case folded, any
// script romanised, punctuation a word break); dates of birth to YYYYMMDD (from YYYYMMDD,
// YYYY-MM-DD, YYYY/MM/DD); phones to their digits (the last 10 compared: a national and an E.164
// form of the same number agree); e-mails lowercased, with the domain kept apart unless it is a
// free mail provider's; national ids, payment fingerprints, bank accounts and wallets to their
// letters and digits, uppercased (wallets keep their case unless hexadecimal); IPs as given and as
// their network (/24 for IPv4, /48 for IPv6).
//
// Thread-safety: plain values; Normalize is a pure function.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kycloud::linking {

enum class Field {
  kGivenName,
  kFamilyName,
  kFullName,
  kOrgName,
  kStreetNumber,
  kAddressLine,
  kLocality,
  kPostcode,
  kRegion,
  kCountry,
  kDateOfBirth,
  kPhone,
  kEmail,
  kNationalId,
  kPaymentFingerprint,
  kBankAccount,
  kWallet,
  kIp,
  // A beneficial owner: the name, optionally followed by '|' and the date of birth.
  kBeneficialOwner,
};
inline constexpr size_t kFieldCount = 19;

// "given_name", ... as in the `kycloud link --fields` contract; nullopt for an unknown name.
std::optional<Field> FieldFromName(std::string_view name);
std::string_view FieldName(Field f);

struct LinkRecord {
  std::string id;
  std::array<std::vector<std::string>, kFieldCount> values;  // by Field, raw

  void Add(Field f, std::string value) {
    values[static_cast<size_t>(f)].push_back(std::move(value));
  }
};

// What comparisons and blocking read. Empty strings and vectors mean "missing".
struct NormalizedRecord {
  std::string id;
  std::string given;   // first given-name token(s)
  std::string family;  // family name
  std::string org;     // organisation name, legal forms kept
  std::string street_number;
  std::string address;  // address lines joined
  std::string locality;
  std::string postcode;
  std::string region;
  std::string country;
  std::string dob;  // YYYYMMDD, or what was given when it does not parse
  std::vector<std::string> phones;
  std::vector<std::string> emails;
  std::vector<std::string> email_domains;  // non-free domains only
  std::vector<std::string> national_ids;
  std::vector<std::string> payments;
  std::vector<std::string> bank_accounts;
  std::vector<std::string> wallets;
  std::vector<std::string> ips;
  std::vector<std::string> ip_networks;
  // Beneficial owners: the name's words sorted, then '|' and YYYYMMDD when the date is known.
  std::vector<std::string> owners;
  // Set by Comparator::Prepare: per multi-valued identifier field, whether the record has a value
  // that is not generic and one that is, under the comparator state `generic_epoch` names (bits
  // of another state are ignored). Saves hashing every value for every pair.
  std::uint64_t generic_epoch = 0;
  std::uint32_t generic_bits = 0;
};

NormalizedRecord Normalize(const LinkRecord& r);

// The network of a normalised IP address: "a.b.c.0/24" for IPv4, the first three groups and
// ":/48" for IPv6; "" for a malformed IPv4 address.
std::string IpNetwork(const std::string& ip);

// True for free mail providers' domains (gmail.com, qq.com, ...): a shared one says nothing.
bool IsFreeMailDomain(std::string_view domain);

}  // namespace kycloud::linking
