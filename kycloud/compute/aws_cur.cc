// AWS Cost and Usage Report CSV (ParseAwsCur): EC2 instance-hours into usage records. Reads the
// legacy column names (`lineItem/UsageType`) and the snake_case names of the Athena integration
// and CUR 2.0 data exports (`line_item_usage_type`); see testdata/compute/telemetry/
// aws-cur_athena_create-table.sql for the full column list.
#include <fmt/format.h>

#include <array>
#include <cmath>
#include <vector>

#include "kycloud/base/csv_reader.h"
#include "kycloud/compute/usage_fields.h"
#include "kycloud/compute/usage_parsers.h"

namespace kycloud::compute {

namespace {

enum Col {
  kLineItemId,
  kUsageAccount,
  kPayer,
  kResourceId,
  kUsageType,
  kStartDate,
  kEndDate,
  kAmount,
  kInstanceType,
  kRegionCode,
  kRegion,
  kLineItemType,
  kProductCode,
  kColCount,
};

struct ColName {
  std::string_view legacy;
  std::string_view snake;
};

// In Col order. Matched ignoring case (Athena lower-cases names).
constexpr ColName kColNames[kColCount] = {
    {"identity/LineItemId", "identity_line_item_id"},
    {"lineItem/UsageAccountId", "line_item_usage_account_id"},
    {"bill/PayerAccountId", "bill_payer_account_id"},
    {"lineItem/ResourceId", "line_item_resource_id"},
    {"lineItem/UsageType", "line_item_usage_type"},
    {"lineItem/UsageStartDate", "line_item_usage_start_date"},
    {"lineItem/UsageEndDate", "line_item_usage_end_date"},
    {"lineItem/UsageAmount", "line_item_usage_amount"},
    {"product/instanceType", "product_instance_type"},
    {"product/regionCode", "product_region_code"},
    {"product/region", "product_region"},
    {"lineItem/LineItemType", "line_item_line_item_type"},
    {"lineItem/ProductCode", "line_item_product_code"},
};

constexpr Col kRequired[] = {kLineItemId, kUsageAccount, kUsageType, kStartDate, kEndDate, kAmount};

// Usage types of instance-hours: [REGION-]KIND:INSTANCE_TYPE, e.g. "USE1-BoxUsage:p5.48xlarge".
constexpr std::string_view kInstanceKinds[] = {"BoxUsage", "SpotUsage", "DedicatedUsage",
                                               "HostUsage"};
// Line item types that are usage (the rest are fees, taxes, credits, discounts...).
constexpr std::string_view kUsageLineTypes[] = {"Usage", "DiscountedUsage",
                                                "SavingsPlanCoveredUsage"};

struct CurLayout {
  std::array<int, kColCount> index;  // column of each Col, -1 when absent
  std::vector<std::string> names;    // the header as written, for error messages
};

// The instance type in an instance-usage type ("" for any other usage type).
std::string_view InstanceTypeOf(std::string_view usage_type, bool& is_instance_usage) {
  is_instance_usage = false;
  size_t colon = usage_type.find(':');
  if (colon == std::string_view::npos) return {};
  std::string_view kind = usage_type.substr(0, colon);
  if (size_t dash = kind.rfind('-'); dash != std::string_view::npos) kind.remove_prefix(dash + 1);
  for (std::string_view k : kInstanceKinds) {
    if (kind == k) {
      is_instance_usage = true;
      return TrimSpace(usage_type.substr(colon + 1));
    }
  }
  return {};
}

class RowReader {
 public:
  RowReader(const CurLayout& layout, const std::vector<std::string>& cells)
      : layout_(layout), cells_(cells) {}

  std::string_view Get(Col c) const {
    int i = layout_.index[c];
    return i < 0 ? std::string_view() : TrimSpace(cells_[i]);
  }
  const std::string& Name(Col c) const { return layout_.names[layout_.index[c]]; }

  // Fills `r`; false with `skip` when the row is not instance usage, false with `error` when
  // it is but cannot be read.
  bool Read(UsageRecord& r, bool& skip, std::string& error) const;

 private:
  bool Fail(Col c, std::string_view problem, std::string& error) const {
    error = fmt::format("{}: {}", Name(c), problem);
    return false;
  }

  const CurLayout& layout_;
  const std::vector<std::string>& cells_;
};

bool RowReader::Read(UsageRecord& r, bool& skip, std::string& error) const {
  skip = true;
  if (std::string_view type = Get(kLineItemType); !type.empty()) {
    bool usage = false;
    for (std::string_view t : kUsageLineTypes) usage |= type == t;
    if (!usage) return false;
  }
  if (std::string_view product = Get(kProductCode); !product.empty() && product != "AmazonEC2") {
    return false;  // e.g. EMR's BoxUsage surcharge on an instance EC2 already bills
  }
  bool instance_usage = false;
  std::string_view from_usage_type = InstanceTypeOf(Get(kUsageType), instance_usage);
  if (!instance_usage) return false;
  skip = false;

  double amount = 0;
  if (!usage_internal::ParseDouble(Get(kAmount), amount)) {
    return Fail(kAmount, fmt::format("not a number: '{}'", Get(kAmount).substr(0, 64)), error);
  }
  if (amount < 0) return Fail(kAmount, "negative usage", error);
  if (amount == 0) {
    skip = true;  // nothing was used
    return false;
  }
  auto start = usage_internal::ParseTimeText(Get(kStartDate));
  if (!start.has_value()) return Fail(kStartDate, start.error().message(), error);
  auto line_end = usage_internal::ParseTimeText(Get(kEndDate));
  if (!line_end.has_value()) return Fail(kEndDate, line_end.error().message(), error);
  if (!(*start < *line_end)) return Fail(kEndDate, "must be after the usage start date", error);

  std::string_view id = Get(kLineItemId);
  if (id.empty()) return Fail(kLineItemId, "required", error);
  std::string_view account = Get(kUsageAccount);
  if (account.empty()) return Fail(kUsageAccount, "required", error);
  std::string_view instance_type = Get(kInstanceType);
  if (instance_type.empty()) instance_type = from_usage_type;
  if (instance_type.empty()) return Fail(kUsageType, "no instance type", error);

  // Usage is instance-hours: within the line item's period, or several instances over all of it.
  double period_hours = std::chrono::duration<double>(*line_end - *start).count() / 3600.0;
  r.start = *start;
  if (amount <= period_hours * (1 + 1e-9)) {
    std::chrono::microseconds used;
    usage_internal::HoursToDuration(amount, used);  // amount <= period: in range
    r.end = std::min(*start + used, *line_end);
    r.instance_count = 1;
  } else {
    double instances = std::round(amount / period_hours);
    if (instances > 1e6) return Fail(kAmount, "implausibly many instances", error);
    r.end = *line_end;
    r.instance_count = static_cast<int>(instances);
  }
  r.record_id = fmt::format("{}@{}", id, FormatRfc3339(*start));
  r.account_id = account;
  r.payer_id = Get(kPayer);
  r.resource_id = Get(kResourceId);
  r.instance_type = instance_type;
  r.region = Get(kRegionCode);
  if (r.region.empty()) r.region = Get(kRegion);
  r.source = "cur";
  return true;
}

}  // namespace

void ParseAwsCur(std::string_view text, ParsedUsage& out) {
  CsvReader reader(usage_internal::StripBom(text), "cur");
  std::vector<std::string> cells;
  if (!usage_internal::ReadCsvHeader(reader, cells, out)) return;
  CurLayout layout;
  layout.index.fill(-1);
  for (size_t i = 0; i < cells.size(); ++i) {
    std::string_view name = TrimSpace(cells[i]);
    layout.names.emplace_back(name);
    for (int c = 0; c < kColCount; ++c) {
      if (layout.index[c] < 0 && (usage_internal::EqualsIgnoreCase(name, kColNames[c].legacy) ||
                                  usage_internal::EqualsIgnoreCase(name, kColNames[c].snake))) {
        layout.index[c] = static_cast<int>(i);
      }
    }
  }
  for (Col c : kRequired) {
    if (layout.index[c] < 0) {
      usage_internal::AddError(reader.line(),
                               fmt::format("not an AWS CUR header (no '{}' or '{}' column)",
                                           kColNames[c].legacy, kColNames[c].snake),
                               out);
      return;
    }
  }
  std::string error;
  while (true) {
    auto more = reader.Next(cells);
    if (!more.has_value()) {
      std::string column =
          cells.size() < layout.names.size() ? layout.names[cells.size()] : std::string("record");
      usage_internal::AddError(reader.line(), column + ": unterminated quoted field", out);
      return;
    }
    if (!*more) return;
    if (cells.size() != layout.names.size()) {
      usage_internal::AddError(
          reader.line(),
          fmt::format("expected {} fields, got {}", layout.names.size(), cells.size()), out);
      continue;
    }
    UsageRecord r;
    bool skip = false;
    if (RowReader(layout, cells).Read(r, skip, error)) {
      usage_internal::AddRecord(std::move(r), reader.line(), /*check_utf8=*/true, out);
    } else if (!skip) {
      usage_internal::AddError(reader.line(), std::move(error), out);
    }
  }
}

}  // namespace kycloud::compute
