// Usage records as CSV (ParseUsageCsv): a header row naming UsageRecord fields, one record per
// row, read with kycloud's RFC 4180 CsvReader.
#include <fmt/format.h>

#include <vector>

#include "kycloud/base/csv_reader.h"
#include "kycloud/compute/usage_fields.h"
#include "kycloud/compute/usage_parsers.h"

namespace kycloud::compute {

namespace {

using usage_internal::UsageField;

constexpr std::string_view kHours = "hours";

struct CsvLayout {
  std::vector<std::string> names;  // the header as written
  std::vector<UsageField> fields;  // per column; kUnknown for ignored columns
  int hours = -1;                  // the `hours` column, -1 when absent
};

bool HasField(const CsvLayout& layout, UsageField f) {
  for (UsageField g : layout.fields) {
    if (g == f) return true;
  }
  return false;
}

// The missing required column, or "" when the header has them all.
std::string MissingColumn(const CsvLayout& layout) {
  for (UsageField f : {UsageField::kRecordId, UsageField::kAccountId, UsageField::kStart}) {
    if (!HasField(layout, f)) return std::string(usage_internal::UsageFieldName(f));
  }
  if (!HasField(layout, UsageField::kEnd) && layout.hours < 0) return "end' or 'hours";
  if (!HasField(layout, UsageField::kInstanceType) && !HasField(layout, UsageField::kAccelerator)) {
    return "instance_type' or 'accelerator";
  }
  return "";
}

// Sets one field of `r` from a non-empty cell. Errors name the field.
Status SetCell(UsageField f, std::string_view cell, UsageRecord& r) {
  auto bad = [&](std::string_view what) {
    return InvalidArgumentError(
        fmt::format("{}: {} '{}'", usage_internal::UsageFieldName(f), what, cell.substr(0, 64)));
  };
  if (auto member = usage_internal::StringMember(f)) {
    (r.*member).assign(cell);
    return OkStatus();
  }
  switch (f) {
    case UsageField::kAcceleratorCount:
      if (!usage_internal::ParseInt(cell, r.accelerator_count)) return bad("not an integer:");
      break;
    case UsageField::kInstanceCount:
      if (!usage_internal::ParseInt(cell, r.instance_count)) return bad("not an integer:");
      break;
    case UsageField::kStart:
    case UsageField::kEnd: {
      auto t = usage_internal::ParseTimeText(cell);
      if (!t.has_value()) {
        return InvalidArgumentError(
            fmt::format("{}: {}", usage_internal::UsageFieldName(f), t.error().message()));
      }
      (f == UsageField::kStart ? r.start : r.end) = *t;
      break;
    }
    case UsageField::kUtilization:
    case UsageField::kTensorActive: {
      double d = 0;
      if (!usage_internal::ParseDouble(cell, d)) return bad("not a number:");
      (f == UsageField::kUtilization ? r.utilization : r.tensor_active) = d;
      break;
    }
    case UsageField::kPrecision: {
      auto p = ParsePrecision(cell);
      if (!p.has_value())
        return InvalidArgumentError(fmt::format("precision: {}", p.error().message()));
      r.precision = *p;
      break;
    }
    default:
      break;
  }
  return OkStatus();
}

// Builds the record of one row; errors name the field.
Status ReadRow(const CsvLayout& layout, const std::vector<std::string>& cells, UsageRecord& r) {
  bool has_start = false, has_end = false;
  std::string_view hours;
  for (size_t i = 0; i < cells.size(); ++i) {
    std::string_view cell = TrimSpace(cells[i]);
    if (cell.empty()) continue;
    if (static_cast<int>(i) == layout.hours) {
      hours = cell;
      continue;
    }
    UsageField f = layout.fields[i];
    if (f == UsageField::kUnknown) continue;
    KY_RETURN_IF_ERROR(SetCell(f, cell, r));
    has_start |= f == UsageField::kStart;
    has_end |= f == UsageField::kEnd;
  }
  if (!has_start) return InvalidArgumentError("start: required");
  if (!has_end) {
    if (hours.empty()) return InvalidArgumentError("end: required (or hours)");
    double h = 0;
    std::chrono::microseconds d;
    if (!usage_internal::ParseDouble(hours, h) || !usage_internal::HoursToDuration(h, d)) {
      return InvalidArgumentError(
          fmt::format("hours: not a number of hours in [0, 1e6]: '{}'", hours.substr(0, 64)));
    }
    r.end = r.start + d;
  }
  r.source = "csv";
  return OkStatus();
}

}  // namespace

void ParseUsageCsv(std::string_view text, ParsedUsage& out) {
  CsvReader reader(usage_internal::StripBom(text), "csv");
  std::vector<std::string> cells;
  if (!usage_internal::ReadCsvHeader(reader, cells, out)) return;
  CsvLayout layout;
  for (const std::string& name : cells) {
    std::string_view column = TrimSpace(name);
    layout.names.emplace_back(column);
    layout.fields.push_back(usage_internal::LookupUsageField(column));
    if (column == kHours && layout.hours < 0)
      layout.hours = static_cast<int>(layout.fields.size()) - 1;
  }
  if (std::string missing = MissingColumn(layout); !missing.empty()) {
    usage_internal::AddError(reader.line(),
                             fmt::format("not a usage CSV header (no '{}' column)", missing), out);
    return;
  }
  while (true) {
    auto more = reader.Next(cells);
    if (!more.has_value()) {
      // An open quote runs to the end of the input: nothing after it can be read.
      size_t column = cells.size();
      std::string name = column < layout.names.size() ? layout.names[column] : "record";
      usage_internal::AddError(reader.line(), fmt::format("{}: unterminated quoted field", name),
                               out);
      return;
    }
    if (!*more) return;
    if (cells.size() != layout.fields.size()) {
      usage_internal::AddError(
          reader.line(),
          fmt::format("expected {} fields, got {}", layout.fields.size(), cells.size()), out);
      continue;
    }
    UsageRecord r;
    if (Status s = ReadRow(layout, cells, r); !s.ok()) {
      usage_internal::AddError(reader.line(), std::string(s.message()), out);
      continue;
    }
    usage_internal::AddRecord(std::move(r), reader.line(), /*check_utf8=*/true, out);
  }
}

}  // namespace kycloud::compute
