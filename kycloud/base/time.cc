#include "kycloud/base/time.h"

#include <fmt/format.h>

#include <cctype>

namespace kycloud {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::minutes;
using std::chrono::seconds;

bool ReadDigits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

}  // namespace

std::string FormatRfc3339(Timestamp t) {
  auto day = std::chrono::floor<days>(t);
  std::chrono::year_month_day ymd(day);
  std::chrono::hh_mm_ss<microseconds> hms(t - day);
  std::string out = fmt::format("{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}", int(ymd.year()),
                                unsigned(ymd.month()), unsigned(ymd.day()), hms.hours().count(),
                                hms.minutes().count(), hms.seconds().count());
  if (auto us = hms.subseconds().count(); us != 0) out += fmt::format(".{:06d}", us);
  out += 'Z';
  return out;
}

Result<Timestamp> ParseRfc3339(std::string_view s) {
  auto bad = [&](std::string_view what) {
    return Err(InvalidArgumentError(fmt::format("invalid timestamp '{}': {}", s, what)));
  };
  int y, mo, d;
  if (!ReadDigits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !ReadDigits(s, 5, 2, mo) ||
      s[7] != '-' || !ReadDigits(s, 8, 2, d)) {
    return bad("expected YYYY-MM-DD");
  }
  std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(mo),
                                  std::chrono::day(d)};
  if (!ymd.ok()) return bad("no such date");
  Timestamp t = std::chrono::sys_days(ymd);
  if (s.size() == 10) return t;
  if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return bad("expected 'T' after the date");
  int hh, mm, ss;
  if (!ReadDigits(s, 11, 2, hh) || s.size() < 19 || s[13] != ':' || !ReadDigits(s, 14, 2, mm) ||
      s[16] != ':' || !ReadDigits(s, 17, 2, ss)) {
    return bad("expected HH:MM:SS");
  }
  if (hh > 23 || mm > 59 || ss > 60) return bad("time of day out of range");
  t += hours(hh) + minutes(mm) + seconds(ss);
  size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int64_t frac = 0;
    int digits = 0;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
      if (digits < 6) frac = frac * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0 || digits > 9) return bad("fraction of a second needs 1 to 9 digits");
    for (int i = digits; i < 6; ++i) frac *= 10;
    t += microseconds(frac);
  }
  if (pos >= s.size()) return bad("missing time zone (Z or +HH:MM)");
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int oh, om;
    if (!ReadDigits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !ReadDigits(s, pos + 4, 2, om) || oh > 23 || om > 59) {
      return bad("bad UTC offset");
    }
    auto offset = hours(oh) + minutes(om);
    t = s[pos] == '+' ? t - offset : t + offset;
    pos += 6;
  } else {
    return bad("bad time zone");
  }
  if (pos != s.size()) return bad("trailing characters");
  return t;
}

}  // namespace kycloud
