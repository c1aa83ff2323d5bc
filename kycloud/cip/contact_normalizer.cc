#include "kycloud/cip/contact_normalizer.h"

#include <fmt/format.h>
#include <phonenumbers/phonenumberutil.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <array>
#include <mutex>
#include <set>

namespace kycloud::cip {

namespace {

const std::set<std::string>& IsoCountries() {
  static const std::set<std::string>* s = [] {
    auto* out = new std::set<std::string>();
    for (const char* const* c = icu::Locale::getISOCountries(); *c; ++c) out->insert(*c);
    return out;
  }();
  return *s;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

bool IsIsoCountry(std::string_view upper_code) {
  return upper_code.size() == 2 && IsoCountries().count(std::string(upper_code)) > 0;
}

Result<std::string> NormalizeCountry(std::string_view code) {
  std::string c;
  for (char ch : code) {
    if (!IsSpace(ch)) c += static_cast<char>(ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch);
  }
  if (!IsIsoCountry(c)) {
    return Err(
        InvalidArgumentError(fmt::format("'{}' is not an ISO 3166-1 alpha-2 country code", code)));
  }
  return c;
}

Result<std::string> NormalizePhone(std::string_view phone, std::string_view default_region) {
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  PhoneNumber n;
  const std::string region = default_region.empty() ? "ZZ" : std::string(default_region);
  if (util->Parse(std::string(phone), region, &n) != PhoneNumberUtil::NO_PARSING_ERROR) {
    return Err(InvalidArgumentError(
        fmt::format("'{}' is not a phone number{}", phone,
                    default_region.empty() ? " (write it with + and the country code)" : "")));
  }
  if (!util->IsValidNumber(n)) {
    return Err(InvalidArgumentError(
        fmt::format("'{}' is not a valid number for its country (+{})", phone, n.country_code())));
  }
  std::string e164;
  util->Format(n, PhoneNumberUtil::E164, &e164);
  return e164;
}

Result<std::string> NormalizeEmail(std::string_view email) {
  std::string e(email);
  while (!e.empty() && IsSpace(e.front())) e.erase(e.begin());
  while (!e.empty() && IsSpace(e.back())) e.pop_back();
  const size_t at = e.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= e.size() || e.find('@', at + 1) != e.npos) {
    return Err(InvalidArgumentError(fmt::format("'{}' is not an email address", email)));
  }
  if (std::any_of(e.begin(), e.end(), [](char c) { return IsSpace(c) || c == ',' || c == ';'; })) {
    return Err(InvalidArgumentError(fmt::format("'{}' has spaces or separators", email)));
  }
  if (e.size() > 254) return Err(InvalidArgumentError("email address longer than 254 bytes"));
  std::string domain = e.substr(at + 1);
  std::transform(domain.begin(), domain.end(), domain.begin(), [](char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  });
  if (domain.find('.') == std::string::npos || domain.front() == '.' || domain.back() == '.' ||
      domain.find("..") != std::string::npos) {
    return Err(InvalidArgumentError(fmt::format("'{}': the domain is not valid", email)));
  }
  return e.substr(0, at + 1) + domain;
}

std::string EmailDomain(std::string_view normalized_email) {
  const size_t at = normalized_email.rfind('@');
  return at == std::string_view::npos ? "" : std::string(normalized_email.substr(at + 1));
}

bool IsFreeMailDomain(std::string_view domain) {
  static constexpr std::array<std::string_view, 24> kFree = {
      "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com",  "msn.com",
      "yahoo.com", "icloud.com",     "me.com",      "aol.com",     "proton.me", "protonmail.com",
      "gmx.com",   "gmx.de",         "mail.ru",     "yandex.ru",   "qq.com",    "163.com",
      "126.com",   "sina.com",       "foxmail.com", "naver.com",   "zoho.com",  "tutanota.com"};
  return std::find(kFree.begin(), kFree.end(), domain) != kFree.end();
}

Result<std::string> NormalizeName(std::string_view name) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  icu::UnicodeString in = icu::UnicodeString::fromUTF8(icu::StringPiece(name.data(), name.size()));
  if (in.indexOf(static_cast<UChar>(0xFFFD)) >= 0 && name.find("\xEF\xBF\xBD") == name.npos) {
    return Err(InvalidArgumentError("not valid UTF-8"));
  }
  icu::UnicodeString out = nfc->normalize(in, status);
  if (U_FAILURE(status)) return Err(InvalidArgumentError("cannot be normalised"));
  std::string utf8;
  out.toUTF8String(utf8);
  std::string collapsed;
  bool space = false;
  for (char c : utf8) {
    if (IsSpace(c)) {
      space = !collapsed.empty();
      continue;
    }
    if (space) collapsed += ' ';
    space = false;
    collapsed += c;
  }
  if (collapsed.empty()) return Err(InvalidArgumentError("is empty"));
  return collapsed;
}

bool LooksLikeCardNumber(std::string_view text) {
  // Every run of digits (with spaces or dashes inside) of 13 to 19 digits that passes Luhn.
  std::string digits;
  auto check = [&]() {
    if (digits.size() < 13 || digits.size() > 19) return false;
    int sum = 0;
    bool twice = false;
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
      int d = *it - '0';
      if (twice) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
      twice = !twice;
    }
    return sum % 10 == 0;
  };
  for (size_t i = 0; i <= text.size(); ++i) {
    const char c = i < text.size() ? text[i] : 'x';
    if (c >= '0' && c <= '9') {
      digits += c;
    } else if ((c == ' ' || c == '-') && !digits.empty()) {
      continue;
    } else {
      if (check()) return true;
      digits.clear();
    }
  }
  return false;
}

}  // namespace kycloud::cip
