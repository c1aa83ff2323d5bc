#include "kycloud/compute/usage_fields.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace kycloud::compute::usage_internal {

namespace {

constexpr std::string_view kFieldNames[kUsageFieldCount] = {
    "record_id",      "account_id",    "payer_id",    "organization_id",
    "resource_id",    "instance_type", "accelerator", "accelerator_count",
    "instance_count", "start",         "end",         "region",
    "cluster",        "utilization",   "precision",   "tensor_active"};

// 10000-01-01T00:00:00Z: the first instant RFC 3339 cannot write.
constexpr double kMaxUnixSeconds = 253402300800.0;

}  // namespace

UsageField LookupUsageField(std::string_view name) {
  auto is = [&](UsageField f) { return name == kFieldNames[static_cast<int>(f)]; };
  // Dispatch on the length first: the hot path compares one or two names.
  switch (name.size()) {
    case 3:
      if (is(UsageField::kEnd)) return UsageField::kEnd;
      break;
    case 5:
      if (is(UsageField::kStart)) return UsageField::kStart;
      break;
    case 6:
      if (is(UsageField::kRegion)) return UsageField::kRegion;
      break;
    case 7:
      if (is(UsageField::kCluster)) return UsageField::kCluster;
      break;
    case 8:
      if (is(UsageField::kPayerId)) return UsageField::kPayerId;
      break;
    case 9:
      if (is(UsageField::kRecordId)) return UsageField::kRecordId;
      if (is(UsageField::kPrecision)) return UsageField::kPrecision;
      break;
    case 10:
      if (is(UsageField::kAccountId)) return UsageField::kAccountId;
      break;
    case 11:
      if (is(UsageField::kResourceId)) return UsageField::kResourceId;
      if (is(UsageField::kAccelerator)) return UsageField::kAccelerator;
      if (is(UsageField::kUtilization)) return UsageField::kUtilization;
      break;
    case 13:
      if (is(UsageField::kInstanceType)) return UsageField::kInstanceType;
      if (is(UsageField::kTensorActive)) return UsageField::kTensorActive;
      break;
    case 14:
      if (is(UsageField::kInstanceCount)) return UsageField::kInstanceCount;
      break;
    case 15:
      if (is(UsageField::kOrganizationId)) return UsageField::kOrganizationId;
      break;
    case 17:
      if (is(UsageField::kAcceleratorCount)) return UsageField::kAcceleratorCount;
      break;
    default:
      break;
  }
  return UsageField::kUnknown;
}

std::string_view UsageFieldName(UsageField field) {
  int i = static_cast<int>(field);
  return i < kUsageFieldCount ? kFieldNames[i] : "unknown";
}

std::string UsageRecord::*StringMember(UsageField field) {
  switch (field) {
    case UsageField::kRecordId:
      return &UsageRecord::record_id;
    case UsageField::kAccountId:
      return &UsageRecord::account_id;
    case UsageField::kPayerId:
      return &UsageRecord::payer_id;
    case UsageField::kOrganizationId:
      return &UsageRecord::organization_id;
    case UsageField::kResourceId:
      return &UsageRecord::resource_id;
    case UsageField::kInstanceType:
      return &UsageRecord::instance_type;
    case UsageField::kAccelerator:
      return &UsageRecord::accelerator;
    case UsageField::kRegion:
      return &UsageRecord::region;
    case UsageField::kCluster:
      return &UsageRecord::cluster;
    default:
      return nullptr;
  }
}

bool UnixSecondsToTimestamp(double seconds, Timestamp& out) {
  if (!(seconds >= 0 && seconds < kMaxUnixSeconds)) return false;
  out = FromUnixMicros(std::llround(seconds * 1e6));
  return true;
}

Result<Timestamp> ParseTimeText(std::string_view text) {
  double seconds = 0;
  if (ParseDouble(text, seconds)) {
    Timestamp t;
    if (UnixSecondsToTimestamp(seconds, t)) return t;
    return Err(InvalidArgumentError(
        fmt::format("invalid timestamp '{}': Unix seconds out of range", text)));
  }
  auto t = ParseRfc3339(text);
  if (t.has_value()) return t;
  // No zone ("2024-05-25T08:00:00", "2022-11-01 00:00:00.000"): UTC.
  constexpr size_t kMaxLocal = 32;
  if (text.size() >= 19 && text.size() < kMaxLocal &&
      std::isdigit(static_cast<unsigned char>(text.back()))) {
    char buf[kMaxLocal + 1];
    std::memcpy(buf, text.data(), text.size());
    buf[text.size()] = 'Z';
    auto utc = ParseRfc3339(std::string_view(buf, text.size() + 1));
    if (utc.has_value()) return utc;
  }
  return t;
}

bool ParseDouble(std::string_view text, double& out) {
  if (text.empty()) return false;
  const char* begin = text.data();
  if (*begin == '+') ++begin;  // from_chars does not take a plus sign
  double v = 0;
  auto [p, ec] = std::from_chars(begin, text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || !std::isfinite(v)) return false;
  out = v;
  return true;
}

bool ParseInt64(std::string_view text, int64_t& out) {
  if (text.empty()) return false;
  const char* begin = text.data();
  if (*begin == '+') ++begin;
  int64_t v = 0;
  auto [p, ec] = std::from_chars(begin, text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size()) return false;
  out = v;
  return true;
}

bool ParseInt(std::string_view text, int& out) {
  int64_t v = 0;
  if (!ParseInt64(text, v) || v < INT32_MIN || v > INT32_MAX) return false;
  out = static_cast<int>(v);
  return true;
}

bool HoursToDuration(double hours, std::chrono::microseconds& out) {
  if (!(hours >= 0 && hours <= 1e6)) return false;
  out = std::chrono::microseconds(std::llround(hours * 3.6e9));
  return true;
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and code points past U+10FFFF.
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
      return false;
    }
    i += len;
  }
  return true;
}

std::string_view StripBom(std::string_view text) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  return text;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

void AddRecord(UsageRecord record, int line, bool check_utf8, ParsedUsage& out) {
  if (check_utf8) {
    for (int i = 0; i < kUsageFieldCount; ++i) {
      auto field = static_cast<UsageField>(i);
      if (auto member = StringMember(field); member && !IsValidUtf8(record.*member)) {
        AddError(line, fmt::format("{}: invalid UTF-8", UsageFieldName(field)), out);
        return;
      }
    }
  }
  if (Status s = ValidateUsageRecord(record); !s.ok()) {
    AddError(line, std::string(s.message()), out);
    return;
  }
  out.records.push_back(std::move(record));
}

void AddError(int line, std::string message, ParsedUsage& out) {
  out.errors.push_back(ParseError{line, std::move(message)});
}

bool LineSplitter::Next(std::string_view& line) {
  if (pos_ >= text_.size()) return false;
  size_t nl = text_.find('\n', pos_);
  size_t end = nl == std::string_view::npos ? text_.size() : nl;
  line = text_.substr(pos_, end - pos_);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  pos_ = nl == std::string_view::npos ? text_.size() : nl + 1;
  ++line_;
  return true;
}

bool ReadCsvHeader(CsvReader& reader, std::vector<std::string>& cells, ParsedUsage& out) {
  auto header = reader.Next(cells);
  if (header.has_value() && *header) return true;
  AddError(1, header.has_value() ? "empty input" : "unterminated quoted field", out);
  return false;
}

}  // namespace kycloud::compute::usage_internal
