#include "kycloud/lists/ofac_remarks.h"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <cstdlib>

#include "kycloud/lists/source_file.h"

namespace kycloud::lists {

namespace {

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

// Removes `prefix` (case-insensitive) and following spaces/colons/dashes; false if absent.
bool Consume(std::string_view& s, std::string_view prefix) {
  if (!StartsWithNoCase(s, prefix)) return false;
  s.remove_prefix(prefix.size());
  while (!s.empty() && (s.front() == ' ' || s.front() == ':' || s.front() == '-'))
    s.remove_prefix(1);
  return true;
}

int MonthNumber(std::string_view m) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"};
  if (m.size() < 3) return 0;
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (StartsWithNoCase(m, kMonths[i])) return static_cast<int>(i) + 1;
  }
  return 0;
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

std::vector<std::string_view> Words(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t j = i;
    while (j < s.size() && s[j] != ' ') ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

// Known identifier types, longest first where one is a prefix of another.
constexpr std::string_view kIdTypes[] = {
    "National ID No.",
    "Passport",
    "Tax ID No.",
    "Cedula No.",
    "Registration ID",
    "Registration Number",
    "Identification Number",
    "D-U-N-S Number",
    "SSN",
    "RFC",
    "NIT #",
    "C.U.R.P.",
    "CURP #",
    "IMO",
    "MMSI",
    "SWIFT/BIC",
    "Driver's License No.",
    "Residency Number",
    "Personal ID Card",
    "Business Registration Number",
    "Business Registration Document #",
    "Company Number",
    "Legal Entity Number",
    "UK Company Number",
    "Trade License No.",
    "Public Security and Immigration No.",
    "Government Gazette Number",
    "Birth Certificate Number",
    "Stateless Person ID Card",
    "Refugee ID Card",
    "Kenyan ID No.",
    "Tax ID",
    "Aircraft Serial Identification",
    "Aircraft Manufacturer's Serial Number (MSN)",
    "Aircraft Tail Number",
    "Vessel Registration Identification",
    "Economic Register Number (CBLS)",
    "Certificate of Incorporation Number",
    "Chamber of Commerce Number",
    "Enterprise Number",
    "Serial No.",
    "Matricula Mercantil No",
    "V.A.T. Number",
    "Fiscal Code",
    "Identity Number",
    "Commercial Registry Number",
    "LE Number",
    "Unified Social Credit Code (USCC)",
};

void AddIdentifier(std::string_view type, std::string_view rest, ListEntity& e) {
  rest = Trim(rest);
  // "123 (Iran) issued 01 Jan 2010 expires 01 Jan 2020": dates after the value are dropped.
  for (std::string_view marker : {" issued", " expires", " Expire"}) {
    auto pos = rest.find(marker);
    if (pos != std::string_view::npos) rest = Trim(rest.substr(0, pos));
  }
  std::string country;
  if (!rest.empty() && rest.back() == ')') {
    auto open = rest.rfind('(');
    if (open != std::string_view::npos) {
      country = std::string(Trim(rest.substr(open + 1, rest.size() - open - 2)));
      rest = Trim(rest.substr(0, open));
    }
  }
  if (rest.empty()) return;
  Identifier id{std::string(type), std::string(rest), country};
  for (const auto& existing : e.ids) {
    if (existing == id) return;
  }
  e.ids.push_back(std::move(id));
}

std::string Unquote(std::string_view s) {
  s = Trim(s);
  if (s.size() >= 2 && (s.front() == '\'' || s.front() == '"') && s.back() == s.front()) {
    s = s.substr(1, s.size() - 2);
  }
  return std::string(Trim(s));
}

void ApplyItem(std::string_view item, ListEntity& e) {
  item = Trim(item);
  while (!item.empty() && item.back() == '.' &&
         !(item.size() >= 2 && std::isupper(static_cast<unsigned char>(item[item.size() - 2])) &&
           item.size() >= 3 && item[item.size() - 3] == '.')) {
    item.remove_suffix(1);  // a sentence's full stop, not the one of "S.A."
  }
  if (item.empty()) return;
  std::string_view s = item;
  bool alt = Consume(s, "alt.");
  (void)alt;
  if (Consume(s, "DOB")) {
    for (auto& d : ParseOfacDates(s)) AddUnique(e.dates_of_birth, std::move(d));
  } else if (Consume(s, "POB")) {
    AddUnique(e.places_of_birth, std::string(s));
  } else if (Consume(s, "nationality") || Consume(s, "citizen")) {
    AddUnique(e.nationalities, std::string(s));
  } else if (Consume(s, "a.k.a.") || Consume(s, "f.k.a.") || Consume(s, "n.k.a.")) {
    AddName(e, Unquote(s), NameKind::kWeakAlias);
  } else if (Consume(s, "Email Address")) {
    AddUnique(e.emails, std::string(s));
  } else if (Consume(s, "Digital Currency Address")) {
    AddUnique(e.crypto_addresses, std::string(s));
  } else if (Consume(s, "Linked To")) {
    AddUnique(e.linked_to, std::string(Trim(s)));
  } else if (Consume(s, "Website") || Consume(s, "Gender") || Consume(s, "Additional Sanctions") ||
             Consume(s, "Organization Established Date") || Consume(s, "Secondary sanctions") ||
             Consume(s, "Transactions Prohibited") || Consume(s, "Vessel Year of Build")) {
    // Kept in the remarks text only.
  } else {
    for (std::string_view type : kIdTypes) {
      std::string_view rest = s;
      if (Consume(rest, type)) {
        AddIdentifier(type, rest, e);
        return;
      }
    }
  }
}

}  // namespace

std::vector<std::string_view> SplitRemarks(std::string_view r) {
  std::vector<std::string_view> out;
  int depth = 0;
  bool quote = false;
  size_t start = 0;
  for (size_t i = 0; i < r.size(); ++i) {
    char c = r[i];
    if (c == '\'' && (i == 0 || r[i - 1] == ' ' || quote)) {
      // An apostrophe inside a word (O'BRIEN) does not open a quote.
      if (quote && i + 1 < r.size() && std::isalpha(static_cast<unsigned char>(r[i + 1]))) continue;
      quote = !quote;
    } else if (!quote && c == '(') {
      ++depth;
    } else if (!quote && c == ')' && depth > 0) {
      --depth;
    } else if (!quote && depth == 0 && c == ';') {
      out.push_back(r.substr(start, i - start));
      start = i + 1;
    }
  }
  if (start < r.size()) out.push_back(r.substr(start));
  return out;
}

std::vector<std::string> ParseOfacDates(std::string_view text) {
  std::string_view s = Trim(text);
  Consume(s, "circa");
  Consume(s, "approximately");
  std::vector<std::string> out;
  auto words = Words(s);
  if (words.size() == 3 && words[1] == "to" && AllDigits(words[0]) && AllDigits(words[2]) &&
      words[0].size() == 4 && words[2].size() == 4) {
    int a = std::atoi(std::string(words[0]).c_str()), b = std::atoi(std::string(words[2]).c_str());
    if (a <= b && b - a <= 10) {
      for (int y = a; y <= b; ++y) out.push_back(std::to_string(y));
    }
    return out;
  }
  if (words.size() == 3 && AllDigits(words[0]) && MonthNumber(words[1]) && AllDigits(words[2]) &&
      words[2].size() == 4) {
    out.push_back(fmt::format("{}-{:02d}-{:02d}", words[2], MonthNumber(words[1]),
                              std::atoi(std::string(words[0]).c_str())));
  } else if (words.size() == 2 && MonthNumber(words[0]) && AllDigits(words[1]) &&
             words[1].size() == 4) {
    out.push_back(fmt::format("{}-{:02d}", words[1], MonthNumber(words[0])));
  } else if (words.size() == 1 && AllDigits(words[0]) && words[0].size() == 4) {
    out.push_back(std::string(words[0]));
  } else if (words.size() == 1 && words[0].size() == 10 && words[0][4] == '-' &&
             words[0][7] == '-') {
    out.push_back(std::string(words[0]));  // already ISO
  }
  return out;
}

void ApplyOfacRemarks(std::string_view remarks, ListEntity& e) {
  remarks = Trim(remarks);
  if (remarks.empty() || remarks == "-0-") return;
  if (!e.remarks.empty()) e.remarks += ' ';
  e.remarks += remarks;
  for (std::string_view item : SplitRemarks(remarks)) ApplyItem(item, e);
}

}  // namespace kycloud::lists
