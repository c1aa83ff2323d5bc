#include "kycloud/linking/link_record.h"

#include <algorithm>
#include <cctype>

#include "kycloud/text/normalizer.h"

namespace kycloud::linking {

namespace {

constexpr std::array<std::string_view, kFieldCount> kNames = {
    "given_name",    "family_name", "full_name", "org_name",        "street_number",
    "address_line",  "locality",    "postcode",  "region",          "country",
    "date_of_birth", "phone",       "email",     "national_id",     "payment_fingerprint",
    "bank_account",  "wallet",      "ip",        "beneficial_owner"};

const std::vector<std::string>& Values(const LinkRecord& r, Field f) {
  return r.values[static_cast<size_t>(f)];
}

std::string Joined(const LinkRecord& r, Field f) {
  std::string out;
  for (const std::string& v : Values(r, f)) {
    std::string n = text::ToLatin(v);
    if (n.empty()) continue;
    if (!out.empty()) out += ' ';
    out += n;
  }
  return out;
}

std::string Alnum(std::string_view s, bool upper) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) out += static_cast<char>(upper ? std::toupper(u) : std::tolower(u));
  }
  return out;
}

std::string Digits(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c >= '0' && c <= '9') out += c;
  }
  return out;
}

// YYYYMMDD from 8 digits or Y-M-D with any separators; otherwise the digits as given.
std::string Date(std::string_view s) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      cur += c;
    } else if (!cur.empty()) {
      parts.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) parts.push_back(cur);
  if (parts.size() == 1) return parts[0];
  if (parts.size() == 3 && parts[0].size() == 4) {
    auto pad = [](const std::string& p) { return p.size() == 1 ? "0" + p : p; };
    return parts[0] + pad(parts[1]) + pad(parts[2]);
  }
  std::string all;
  for (const auto& p : parts) all += p;
  return all;
}

void AddUnique(std::vector<std::string>& out, std::string v) {
  if (v.empty() || std::find(out.begin(), out.end(), v) != out.end()) return;
  out.push_back(std::move(v));
}

}  // namespace

std::optional<Field> FieldFromName(std::string_view name) {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<Field>(i);
  }
  return std::nullopt;
}

std::string_view FieldName(Field f) { return kNames[static_cast<size_t>(f)]; }

bool IsFreeMailDomain(std::string_view d) {
  static constexpr std::string_view kFree[] = {
      "gmail.com",      "googlemail.com", "yahoo.com",      "hotmail.com", "outlook.com",
      "live.com",       "msn.com",        "aol.com",        "icloud.com",  "me.com",
      "mail.com",       "gmx.com",        "gmx.de",         "web.de",      "proton.me",
      "protonmail.com", "yandex.ru",      "yandex.com",     "mail.ru",     "qq.com",
      "163.com",        "126.com",        "sina.com",       "sohu.com",    "naver.com",
      "hanmail.net",    "yahoo.co.jp",    "rediffmail.com", "zoho.com",    "tutanota.com"};
  for (std::string_view f : kFree) {
    if (d == f) return true;
  }
  return false;
}

std::string IpNetwork(const std::string& ip) {
  if (ip.find(':') != std::string::npos) {
    // IPv6: the first three groups (/48), as written (no expansion of "::" beyond them).
    size_t pos = 0;
    for (int groups = 0; groups < 3; ++groups) {
      pos = ip.find(':', pos);
      if (pos == std::string::npos) return ip;
      ++pos;
    }
    return ip.substr(0, pos) + ":/48";
  }
  const size_t last = ip.rfind('.');
  if (last == std::string::npos || std::count(ip.begin(), ip.end(), '.') != 3) return "";
  return ip.substr(0, last) + ".0/24";
}

NormalizedRecord Normalize(const LinkRecord& r) {
  NormalizedRecord n;
  n.id = r.id;
  n.given = Joined(r, Field::kGivenName);
  n.family = Joined(r, Field::kFamilyName);
  if (n.given.empty() && n.family.empty() && !Values(r, Field::kFullName).empty()) {
    // A full name: "Family, Given" when it has a comma, else the last word is the family name.
    const std::string& raw = Values(r, Field::kFullName).front();
    if (const size_t comma = raw.find(','); comma != std::string::npos) {
      n.family = text::ToLatin(raw.substr(0, comma));
      n.given = text::ToLatin(raw.substr(comma + 1));
    } else {
      std::string full = text::ToLatin(raw);
      if (const size_t sp = full.rfind(' '); sp != std::string::npos) {
        n.given = full.substr(0, sp);
        n.family = full.substr(sp + 1);
      } else {
        n.family = full;
      }
    }
  }
  n.org = Joined(r, Field::kOrgName);
  n.street_number = Joined(r, Field::kStreetNumber);
  n.address = Joined(r, Field::kAddressLine);
  n.locality = Joined(r, Field::kLocality);
  n.postcode = Alnum(Joined(r, Field::kPostcode), true);
  n.region = Joined(r, Field::kRegion);
  n.country = Alnum(Joined(r, Field::kCountry), true);
  for (const std::string& v : Values(r, Field::kDateOfBirth)) {
    if (std::string d = Date(v); !d.empty()) {
      n.dob = d;
      break;
    }
  }
  for (const std::string& v : Values(r, Field::kPhone)) {
    std::string d = Digits(v);
    if (d.size() > 10) d = d.substr(d.size() - 10);
    if (d.size() >= 6) AddUnique(n.phones, std::move(d));
  }
  for (const std::string& v : Values(r, Field::kEmail)) {
    std::string e;
    for (char c : v) {
      if (!std::isspace(static_cast<unsigned char>(c))) {
        e += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
    }
    const size_t at = e.rfind('@');
    if (at == std::string::npos || at == 0 || at + 1 == e.size()) continue;
    std::string domain = e.substr(at + 1);
    AddUnique(n.emails, std::move(e));
    if (!IsFreeMailDomain(domain)) AddUnique(n.email_domains, std::move(domain));
  }
  for (const std::string& v : Values(r, Field::kNationalId))
    AddUnique(n.national_ids, Alnum(v, true));
  for (const std::string& v : Values(r, Field::kPaymentFingerprint)) {
    AddUnique(n.payments, Alnum(v, true));
  }
  for (const std::string& v : Values(r, Field::kBankAccount)) {
    AddUnique(n.bank_accounts, Alnum(v, true));
  }
  for (const std::string& v : Values(r, Field::kWallet)) {
    // Base58 and Bech32 addresses keep their case (it is part of the address); hex ones do not.
    std::string w;
    for (char c : v) {
      if (std::isalnum(static_cast<unsigned char>(c))) w += c;
    }
    if (w.size() > 2 && w[0] == '0' && (w[1] == 'x' || w[1] == 'X')) w = Alnum(w, false);
    AddUnique(n.wallets, std::move(w));
  }
  for (const std::string& v : Values(r, Field::kIp)) {
    std::string ip;
    for (char c : v) {
      if (!std::isspace(static_cast<unsigned char>(c))) {
        ip += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
    }
    if (ip.empty()) continue;
    AddUnique(n.ip_networks, IpNetwork(ip));
    AddUnique(n.ips, std::move(ip));
  }
  for (const std::string& v : Values(r, Field::kBeneficialOwner)) {
    const size_t bar = v.find('|');
    std::string name = text::ToLatin(std::string_view(v).substr(0, bar));
    std::vector<std::string> words;
    for (size_t pos = 0; pos < name.size();) {
      size_t end = name.find(' ', pos);
      if (end == std::string::npos) end = name.size();
      if (end > pos) words.push_back(name.substr(pos, end - pos));
      pos = end + 1;
    }
    if (words.empty()) continue;
    std::sort(words.begin(), words.end());
    std::string key;
    for (const std::string& w : words) key += (key.empty() ? "" : " ") + w;
    if (bar != std::string::npos) {
      if (std::string d = Date(std::string_view(v).substr(bar + 1)); d.size() == 8) key += "|" + d;
    }
    AddUnique(n.owners, std::move(key));
  }
  return n;
}

}  // namespace kycloud::linking
