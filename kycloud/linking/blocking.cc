#include "kycloud/linking/blocking.h"

#include <algorithm>
#include <functional>

namespace kycloud::linking {

namespace {

// American Soundex of the first word (letter + three digits); "" without a leading letter.
std::string Soundex(std::string_view s) {
  static constexpr char kCodes[] = "01230120022455012623010202";  // a..z
  std::string out;
  char last = 0;
  for (char c : s) {
    if (c == ' ') break;
    if (c < 'a' || c > 'z') continue;
    const char code = kCodes[c - 'a'];
    if (out.empty()) {
      out += static_cast<char>(c - 'a' + 'A');
      last = code;
      continue;
    }
    if (code != '0' && code != last) out += code;
    if (c != 'h' && c != 'w') last = code;
    if (out.size() == 4) break;
  }
  if (out.empty()) return out;
  out.resize(4, '0');
  return out;
}

// The first `k` words, or "" when there are fewer.
std::string FirstWords(std::string_view s, int k) {
  size_t end = 0;
  for (int i = 0; i < k; ++i) {
    if (end > 0) ++end;
    if (end >= s.size()) return "";
    end = s.find(' ', end);
    if (end == std::string_view::npos) {
      if (i + 1 < k) return "";
      end = s.size();
    }
  }
  return std::string(s.substr(0, end));
}

}  // namespace

std::vector<std::string> BlockingKeys(const NormalizedRecord& r) {
  std::vector<std::string> keys;
  auto add = [&](std::string_view rule, std::initializer_list<std::string_view> parts) {
    std::string key(rule);
    for (std::string_view p : parts) {
      if (p.empty()) return;
      key += '\x1f';
      key += p;
    }
    keys.push_back(std::move(key));
  };
  add("fg", {r.family, r.given});
  add("fd", {r.family, r.dob});
  add("gd", {r.given, r.dob});
  add("dp", {r.dob, r.postcode});
  add("fp", {r.family, r.postcode});
  add("gp", {r.given, r.postcode});
  add("sp", {r.street_number, r.postcode});
  add("sa", {r.street_number, r.address});
  add("al", {r.address, r.locality});
  add("fl", {r.family, r.locality});
  add("gl", {r.given, r.locality});
  add("dl", {r.dob, r.locality});
  if (!r.family.empty() && !r.given.empty()) {
    add("ph", {Soundex(r.family), r.given.substr(0, 1), r.region});
    add("ss", {Soundex(r.family), Soundex(r.given)});
  }
  add("o", {r.org});
  add("o2", {FirstWords(r.org, 2), r.locality});
  for (const auto& v : r.national_ids) add("n", {v});
  for (const auto& v : r.phones) add("t", {v});
  for (const auto& v : r.emails) add("e", {v});
  for (const auto& v : r.email_domains) add("ed", {v});
  for (const auto& v : r.ip_networks) add("in", {v});
  for (const auto& v : r.payments) add("pay", {v});
  for (const auto& v : r.bank_accounts) add("b", {v});
  for (const auto& v : r.wallets) add("w", {v});
  for (const auto& v : r.ips) add("ip", {v});
  // An owner: its name and birth date (an identifier); without a date, its name (owners without
  // dates meet there; a name alone is weak evidence and common names form large blocks).
  for (const auto& v : r.owners) {
    add(v.find('|') != std::string::npos ? "bo" : "bn", {v});
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

size_t BlockLimit(std::string_view rule, size_t max_block, size_t generic_min) {
  static constexpr std::string_view kIdentifiers[] = {"n", "t", "e",  "ed", "in", "pay",
                                                      "b", "w", "ip", "bo", "al"};
  for (std::string_view r : kIdentifiers) {
    if (r == rule) return std::min(max_block, generic_min);
  }
  return max_block;
}

std::vector<std::pair<std::uint32_t, std::uint32_t>> CandidatePairs(
    const std::vector<NormalizedRecord>& records, size_t max_block, BlockingStats* stats,
    size_t generic_min) {
  struct Entry {
    std::uint64_t key;
    std::uint32_t record;
    std::uint32_t limit;
  };
  std::vector<Entry> entries;
  entries.reserve(records.size() * 8);
  const std::hash<std::string> hash;
  for (std::uint32_t i = 0; i < records.size(); ++i) {
    for (const std::string& k : BlockingKeys(records[i])) {
      const size_t limit =
          BlockLimit(std::string_view(k).substr(0, k.find('\x1f')), max_block, generic_min);
      entries.push_back(
          {hash(k), i, static_cast<std::uint32_t>(std::min<size_t>(limit, UINT32_MAX))});
    }
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.key != b.key ? a.key < b.key : a.record < b.record;
  });
  std::vector<std::uint64_t> pairs;
  BlockingStats s;
  for (size_t begin = 0; begin < entries.size();) {
    size_t end = begin + 1;
    while (end < entries.size() && entries[end].key == entries[begin].key) ++end;
    ++s.keys;
    if (end - begin > entries[begin].limit) {
      ++s.skipped_blocks;
    } else {
      for (size_t a = begin; a < end; ++a) {
        for (size_t b = a + 1; b < end; ++b) {
          if (entries[a].record == entries[b].record) continue;
          pairs.push_back(static_cast<std::uint64_t>(entries[a].record) << 32 | entries[b].record);
        }
      }
    }
    begin = end;
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  s.pairs = pairs.size();
  if (stats) *stats = s;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> out;
  out.reserve(pairs.size());
  for (std::uint64_t p : pairs) {
    out.emplace_back(static_cast<std::uint32_t>(p >> 32), static_cast<std::uint32_t>(p));
  }
  return out;
}

}  // namespace kycloud::linking
