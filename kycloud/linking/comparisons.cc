#include "kycloud/linking/comparisons.h"

#include <rapidfuzz/distance/Indel.hpp>
#include <rapidfuzz/distance/JaroWinkler.hpp>
#include <rapidfuzz/distance/Levenshtein.hpp>

#include <algorithm>
#include <atomic>
#include <unordered_map>

namespace kycloud::linking {

namespace {

constexpr std::array<std::string_view, kComparisonCount> kNames = {"given_name",
                                                                   "family_name",
                                                                   "org_name",
                                                                   "date_of_birth",
                                                                   "street_number",
                                                                   "address_line",
                                                                   "locality",
                                                                   "postcode",
                                                                   "region",
                                                                   "country",
                                                                   "national_id",
                                                                   "phone",
                                                                   "email",
                                                                   "payment_fingerprint",
                                                                   "bank_account",
                                                                   "wallet",
                                                                   "ip",
                                                                   "beneficial_owner"};

constexpr std::array<int, kComparisonCount> kLevels = {4, 4, 4, 4, 2, 3, 3, 3, 2,
                                                       2, 3, 2, 3, 2, 2, 2, 3, 3};

double JaroWinkler(std::string_view a, std::string_view b) {
  return rapidfuzz::jaro_winkler_normalized_similarity(a, b);
}

bool OneEdit(std::string_view a, std::string_view b) {
  return rapidfuzz::levenshtein_distance(a, b, {1, 1, 1}, 1) <= 1;
}

std::string TokenSorted(std::string_view s) {
  std::vector<std::string_view> tokens;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t end = s.find(' ', pos);
    if (end == std::string_view::npos) end = s.size();
    if (end > pos) tokens.push_back(s.substr(pos, end - pos));
    pos = end + 1;
  }
  std::sort(tokens.begin(), tokens.end());
  std::string out;
  for (std::string_view t : tokens) {
    if (!out.empty()) out += ' ';
    out += t;
  }
  return out;
}

// The text with its digits removed and spaces collapsed.
std::string WithoutDigits(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c >= '0' && c <= '9') continue;
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::int8_t Name(std::string_view a, std::string_view b, bool swapped) {
  if (a.empty() || b.empty()) return -1;
  if (a == b) return 3;
  if (swapped) return 2;
  const double jw = JaroWinkler(a, b);
  if (jw >= 0.92) return 2;
  if (jw >= 0.80) return 1;
  if ((a.size() == 1 || b.size() == 1) && a[0] == b[0]) return 1;
  return 0;
}

std::int8_t Exact(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return -1;
  return a == b ? 1 : 0;
}

std::int8_t ExactOrOneEdit(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return -1;
  if (a == b) return 2;
  return OneEdit(a, b) ? 1 : 0;
}

std::int8_t Dob(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return -1;
  if (a == b) return 3;
  if (a.size() == 8 && b.size() == 8 && a.substr(0, 4) == b.substr(0, 4) &&
      a.substr(4, 2) == b.substr(6, 2) && a.substr(6, 2) == b.substr(4, 2)) {
    return 2;  // day and month swapped
  }
  if (OneEdit(a, b)) return 2;
  if (a.size() >= 4 && b.size() >= 4 && a.substr(0, 4) == b.substr(0, 4)) return 1;
  return 0;
}

}  // namespace

std::string_view ComparisonName(Comparison c) { return kNames[static_cast<size_t>(c)]; }
int LevelCount(Comparison c) { return kLevels[static_cast<size_t>(c)]; }

std::string_view LevelName(Comparison c, int level) {
  if (level < 0) return "missing";
  if (level == 0) return "different";
  if (level == LevelCount(c) - 1) return "exact";
  switch (c) {
    case Comparison::kGivenName:
    case Comparison::kFamilyName:
      return level == 2 ? "jaro-winkler>=0.92 or swapped" : "jaro-winkler>=0.80 or initial";
    case Comparison::kOrgName:
      return level == 2 ? "token-sorted>=0.90" : "token-sorted>=0.80";
    case Comparison::kDateOfBirth:
      return level == 2 ? "one edit or day/month swapped" : "same year";
    case Comparison::kAddress:
      return "indel>=0.85";
    case Comparison::kLocality:
      return "jaro-winkler>=0.90";
    case Comparison::kPostcode:
    case Comparison::kNationalId:
      return "one edit";
    case Comparison::kEmail:
      return "same domain";
    case Comparison::kIp:
      return "same network";
    case Comparison::kOwner:
      return "same name";
    default:
      return "partial";
  }
}

std::uint64_t Comparator::NextEpoch() {
  static std::atomic<std::uint64_t> next{1};
  return next.fetch_add(1);
}

void Comparator::Prepare(NormalizedRecord& r) const {
  std::uint32_t bits = 0;
  auto note = [&](Field f, Comparison c, bool network, const std::vector<std::string>& values) {
    for (const auto& v : values) {
      bits |= IsGeneric(c, v, network) ? GenericBit(f) : NonGenericBit(f);
    }
  };
  note(Field::kPhones, Comparison::kPhone, false, r.phones);
  note(Field::kEmails, Comparison::kEmail, false, r.emails);
  note(Field::kDomains, Comparison::kEmail, true, r.email_domains);
  note(Field::kPayments, Comparison::kPayment, false, r.payments);
  note(Field::kBanks, Comparison::kBankAccount, false, r.bank_accounts);
  note(Field::kWallets, Comparison::kWallet, false, r.wallets);
  note(Field::kIps, Comparison::kIp, false, r.ips);
  note(Field::kNetworks, Comparison::kIp, true, r.ip_networks);
  note(Field::kOwners, Comparison::kOwner, false, r.owners);
  r.generic_bits = bits;
  r.generic_epoch = epoch_;
}

std::uint64_t GenericKey(Comparison c, std::string_view value, bool network) {
  // FNV-1a over the value, seeded with the comparison and the part.
  std::uint64_t h = 1469598103934665603ULL ^ (static_cast<std::uint64_t>(c) * 2 + network);
  h *= 1099511628211ULL;
  for (char ch : value) {
    h ^= static_cast<unsigned char>(ch);
    h *= 1099511628211ULL;
  }
  return h;
}

Levels Comparator::Compare(const NormalizedRecord& a, const NormalizedRecord& b) const {
  Levels l;
  l.fill(-1);
  auto at = [&](Comparison c) -> std::int8_t& { return l[static_cast<size_t>(c)]; };
  const bool swapped =
      !a.given.empty() && !a.family.empty() && a.given == b.family && a.family == b.given;
  at(Comparison::kGivenName) = Name(a.given, b.given, swapped);
  at(Comparison::kFamilyName) = Name(a.family, b.family, swapped);
  if (!a.org.empty() && !b.org.empty()) {
    if (a.org == b.org) {
      at(Comparison::kOrgName) = 3;
    } else {
      const double r =
          rapidfuzz::indel_normalized_similarity(TokenSorted(a.org), TokenSorted(b.org));
      at(Comparison::kOrgName) = r >= 0.90 ? 2 : r >= 0.80 ? 1 : 0;
    }
  }
  at(Comparison::kDateOfBirth) = Dob(a.dob, b.dob);
  // A generic address (a formation agent's) says nothing, nor does its street number.
  const bool generic_address =
      IsGeneric(Comparison::kAddress, a.address) || IsGeneric(Comparison::kAddress, b.address);
  if (!generic_address) {
    at(Comparison::kStreetNumber) = Exact(a.street_number, b.street_number);
  }
  if (!a.address.empty() && !b.address.empty() && !generic_address) {
    if (a.address == b.address) {
      at(Comparison::kAddress) = 2;
    } else if (WithoutDigits(a.address) == WithoutDigits(b.address)) {
      at(Comparison::kAddress) = 0;  // the same street or building, another number: a neighbour
    } else {
      at(Comparison::kAddress) =
          rapidfuzz::indel_normalized_similarity(a.address, b.address, 0.85) >= 0.85 ? 1 : 0;
    }
  }
  if (!a.locality.empty() && !b.locality.empty()) {
    at(Comparison::kLocality) = a.locality == b.locality                      ? 2
                                : JaroWinkler(a.locality, b.locality) >= 0.90 ? 1
                                                                              : 0;
  }
  at(Comparison::kPostcode) = ExactOrOneEdit(a.postcode, b.postcode);
  at(Comparison::kRegion) = Exact(a.region, b.region);
  at(Comparison::kCountry) = Exact(a.country, b.country);

  // Multi-valued identifiers: the best agreement over the values that are not generic. What a
  // prepared record's bits say is used instead of hashing its values.
  const bool pa = a.generic_epoch == epoch_, pb = b.generic_epoch == epoch_;
  auto has = [&](const NormalizedRecord& r, bool prepared, Field f, Comparison c, bool network,
                 const std::vector<std::string>& values) {
    if (prepared) return (r.generic_bits & NonGenericBit(f)) != 0;
    for (const auto& v : values) {
      if (!IsGeneric(c, v, network)) return true;
    }
    return false;
  };
  const auto maybe_generic = [&](const NormalizedRecord& r, bool prepared, Field f) {
    return !prepared || (r.generic_bits & GenericBit(f)) != 0;
  };
  auto any_shared = [&](Field f, Comparison c, const std::vector<std::string>& x,
                        const std::vector<std::string>& y) -> std::int8_t {
    if (!has(a, pa, f, c, false, x) || !has(b, pb, f, c, false, y)) return -1;
    const bool check = maybe_generic(a, pa, f);
    for (const auto& v : x) {
      if (std::find(y.begin(), y.end(), v) == y.end()) continue;
      if (check && IsGeneric(c, v)) continue;  // generic for both: the same key
      return 1;
    }
    return 0;
  };
  if (!a.national_ids.empty() && !b.national_ids.empty()) {
    std::int8_t best = 0;
    for (const auto& x : a.national_ids) {
      for (const auto& y : b.national_ids) best = std::max(best, ExactOrOneEdit(x, y));
    }
    at(Comparison::kNationalId) = best;
  }
  at(Comparison::kPhone) = any_shared(Field::kPhones, Comparison::kPhone, a.phones, b.phones);
  if (std::int8_t e = any_shared(Field::kEmails, Comparison::kEmail, a.emails, b.emails); e >= 0) {
    at(Comparison::kEmail) = e == 1 ? 2 : 0;
    if (e == 0) {
      const bool check = maybe_generic(a, pa, Field::kDomains);
      for (const auto& d : a.email_domains) {
        if (std::find(b.email_domains.begin(), b.email_domains.end(), d) != b.email_domains.end() &&
            !(check && IsGeneric(Comparison::kEmail, d, true))) {
          at(Comparison::kEmail) = 1;
        }
      }
    }
  }
  at(Comparison::kPayment) =
      any_shared(Field::kPayments, Comparison::kPayment, a.payments, b.payments);
  at(Comparison::kBankAccount) =
      any_shared(Field::kBanks, Comparison::kBankAccount, a.bank_accounts, b.bank_accounts);
  at(Comparison::kWallet) = any_shared(Field::kWallets, Comparison::kWallet, a.wallets, b.wallets);
  if (std::int8_t ip = any_shared(Field::kIps, Comparison::kIp, a.ips, b.ips); ip >= 0) {
    if (ip == 1) {
      // An address in a network that hundreds connect from (a carrier-grade NAT, a mobile or
      // dynamic pool: a generic network) is handed from one stranger to the next: sharing it
      // there says no more than sharing that network, which is nothing.
      // A shared address only there is no evidence either way: the comparison is missing unless
      // the pair shares a network that is not generic.
      bool outside = false;
      for (const auto& v : a.ips) {
        if (!IsGeneric(Comparison::kIp, v) && !IsGeneric(Comparison::kIp, IpNetwork(v), true) &&
            std::find(b.ips.begin(), b.ips.end(), v) != b.ips.end()) {
          outside = true;
        }
      }
      if (!outside) ip = -1;
    }
    at(Comparison::kIp) = ip == 1 ? 2 : ip == 0 ? 0 : -1;
    if (ip <= 0) {
      const bool check = maybe_generic(a, pa, Field::kNetworks);
      for (const auto& n : a.ip_networks) {
        if (std::find(b.ip_networks.begin(), b.ip_networks.end(), n) != b.ip_networks.end() &&
            !(check && IsGeneric(Comparison::kIp, n, true))) {
          at(Comparison::kIp) = 1;
        }
      }
    }
  }
  // Owners: the same name and date of birth, or the same name where a date is missing.
  {
    if (has(a, pa, Field::kOwners, Comparison::kOwner, false, a.owners) &&
        has(b, pb, Field::kOwners, Comparison::kOwner, false, b.owners)) {
      const bool check_a = maybe_generic(a, pa, Field::kOwners);
      const bool check_b = maybe_generic(b, pb, Field::kOwners);
      std::int8_t best = 0;
      for (const auto& x : a.owners) {
        if (check_a && IsGeneric(Comparison::kOwner, x)) continue;
        const std::string_view xn = std::string_view(x).substr(0, x.find('|'));
        for (const auto& y : b.owners) {
          if (check_b && IsGeneric(Comparison::kOwner, y)) continue;
          if (x == y && x.size() > xn.size()) {
            best = 2;
          } else if (xn == std::string_view(y).substr(0, y.find('|')) &&
                     (x.size() == xn.size() || y.find('|') == std::string::npos)) {
            best = std::max<std::int8_t>(best, 1);
          }
        }
      }
      at(Comparison::kOwner) = best;
    }
  }
  return l;
}

std::vector<std::uint64_t> ValueKeys(const NormalizedRecord& r) {
  std::vector<std::uint64_t> keys;
  auto count = [&](Comparison c, const std::string& v, bool network) {
    if (!v.empty()) keys.push_back(GenericKey(c, v, network));
  };
  {
    count(Comparison::kAddress, r.address, false);
    for (const auto& v : r.phones) count(Comparison::kPhone, v, false);
    for (const auto& v : r.emails) count(Comparison::kEmail, v, false);
    for (const auto& v : r.email_domains) count(Comparison::kEmail, v, true);
    for (const auto& v : r.payments) count(Comparison::kPayment, v, false);
    for (const auto& v : r.bank_accounts) count(Comparison::kBankAccount, v, false);
    for (const auto& v : r.wallets) count(Comparison::kWallet, v, false);
    for (const auto& v : r.ips) count(Comparison::kIp, v, false);
    for (const auto& v : r.ip_networks) count(Comparison::kIp, v, true);
    for (const auto& v : r.owners) count(Comparison::kOwner, v, false);
  }
  return keys;
}

std::unordered_set<std::uint64_t> GenericValues(const std::vector<NormalizedRecord>& records,
                                                size_t generic_min) {
  std::unordered_map<std::uint64_t, std::uint32_t> counts;
  counts.reserve(records.size() * 4);
  for (const NormalizedRecord& r : records) {
    for (std::uint64_t k : ValueKeys(r)) ++counts[k];
  }
  std::unordered_set<std::uint64_t> out;
  for (const auto& [k, n] : counts) {
    if (n > generic_min) out.insert(k);
  }
  return out;
}

std::string_view TermValue(const NormalizedRecord& r, Comparison c) {
  switch (c) {
    case Comparison::kGivenName:
      return r.given;
    case Comparison::kFamilyName:
      return r.family;
    case Comparison::kOrgName:
      return r.org;
    case Comparison::kLocality:
      return r.locality;
    case Comparison::kPostcode:
      return r.postcode;
    case Comparison::kAddress:
      return r.address;
    default:
      return {};
  }
}

}  // namespace kycloud::linking
