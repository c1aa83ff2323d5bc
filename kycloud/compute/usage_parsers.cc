#include "kycloud/compute/usage_parsers.h"

#include <fmt/format.h>

#include "kycloud/compute/usage_fields.h"

namespace kycloud::compute {

namespace {

constexpr UsageFormat kFormats[] = {UsageFormat::kJsonLines, UsageFormat::kCsv,
                                    UsageFormat::kAwsCur,    UsageFormat::kSacct,
                                    UsageFormat::kSacctJson, UsageFormat::kDcgm};

}  // namespace

std::string_view UsageFormatName(UsageFormat format) {
  switch (format) {
    case UsageFormat::kJsonLines:
      return "jsonl";
    case UsageFormat::kCsv:
      return "csv";
    case UsageFormat::kAwsCur:
      return "cur";
    case UsageFormat::kSacct:
      return "sacct";
    case UsageFormat::kSacctJson:
      return "sacct-json";
    case UsageFormat::kDcgm:
      return "dcgm";
  }
  return "jsonl";
}

Result<UsageFormat> ParseUsageFormat(std::string_view name) {
  for (UsageFormat f : kFormats) {
    if (name == UsageFormatName(f)) return f;
  }
  return Err(InvalidArgumentError(
      fmt::format("unknown usage format '{}' (jsonl, csv, cur, sacct, sacct-json, dcgm)", name)));
}

ParsedUsage ParseUsage(UsageFormat format, std::string_view text, std::string_view origin,
                       const ParseOptions& options) {
  (void)origin;  // errors carry lines; callers add the origin (FormatParseError)
  ParsedUsage out;
  switch (format) {
    case UsageFormat::kJsonLines:
      ParseUsageJsonLines(text, 1, out);
      break;
    case UsageFormat::kCsv:
      ParseUsageCsv(text, out);
      break;
    case UsageFormat::kAwsCur:
      ParseAwsCur(text, out);
      break;
    case UsageFormat::kSacct:
      ParseSacct(text, options, out);
      break;
    case UsageFormat::kSacctJson:
      ParseSacctJson(text, options, out);
      break;
    case UsageFormat::kDcgm:
      ParseDcgmText(text, out);
      break;
  }
  return out;
}

std::string FormatParseError(std::string_view origin, const ParseError& error) {
  if (error.line <= 0) return fmt::format("{}: {}", origin, error.message);
  return fmt::format("{}:{}: {}", origin, error.line, error.message);
}

}  // namespace kycloud::compute
