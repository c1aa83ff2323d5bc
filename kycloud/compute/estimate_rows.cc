#include "kycloud/compute/estimate_rows.h"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <optional>

#include "kycloud/base/csv_reader.h"

namespace kycloud::compute {

namespace {

Result<double> NumberField(std::string_view text, std::string_view column) {
  text = TrimSpace(text);
  std::string s(text);
  char* end = nullptr;
  double v = s.empty() ? 0 : std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(v)) {
    return Err(InvalidArgumentError(fmt::format("{}: '{}' is not a number", column, text))
                   .WithField(std::string(column)));
  }
  return v;
}

Result<std::optional<Precision>> PrecisionField(std::string_view text) {
  text = TrimSpace(text);
  std::string lower;
  for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower.empty() || lower == "unknown" || lower == "mixed") {
    return std::optional<Precision>();
  }
  auto p = compute::ParsePrecision(lower);
  if (!p) return Err(p.error().Annotate("precision").WithField("precision"));
  return std::optional<Precision>(*p);
}

}  // namespace

Result<EstimateColumns> EstimateColumnsOf(const std::vector<std::string>& header,
                                          std::string_view origin) {
  auto col = [&](std::string_view name) -> int {
    for (size_t i = 0; i < header.size(); ++i) {
      if (TrimSpace(header[i]) == name) return static_cast<int>(i);
    }
    return -1;
  };
  EstimateColumns c{col("accelerator"), col("count"), col("hours"), col("precision"),
                    col("utilization")};
  if (c.accelerator < 0 || c.count < 0 || c.hours < 0) {
    return Err(InvalidArgumentError(
        fmt::format("{}:1: needs columns accelerator, count and hours", origin)));
  }
  return c;
}

Result<Estimate> EstimateRow(const std::vector<std::string>& row, const EstimateColumns& c,
                             ResolvedHardware& hw) {
  const auto& estimator = Estimator::Bundled();
  KY_ASSIGN_OR_RETURN(double count, NumberField(row[c.count], "count"));
  KY_ASSIGN_OR_RETURN(double hours, NumberField(row[c.hours], "hours"));
  if (hours < 0) return Err(InvalidArgumentError("hours: must be >= 0").WithField("hours"));
  EstimateInputs in;
  in.seconds = hours * 3600;
  if (c.precision >= 0) {
    KY_ASSIGN_OR_RETURN(in.precision, PrecisionField(row[c.precision]));
  }
  if (c.utilization >= 0 && !TrimSpace(row[c.utilization]).empty()) {
    KY_ASSIGN_OR_RETURN(double u, NumberField(row[c.utilization], "utilization"));
    in.utilization = u;
  }
  auto resolved = estimator.Resolve(TrimSpace(row[c.accelerator]), count);
  if (!resolved) {
    return Err(resolved.error().field().empty() || resolved.error().field() == "count"
                   ? Status(resolved.error()).Annotate(std::string(resolved.error().field()))
                   : Status(resolved.error()).Annotate("accelerator"));
  }
  hw = std::move(*resolved);
  KY_ASSIGN_OR_RETURN(Estimate e, estimator.Compute(hw, in));
  // Found by estimate_rows_fuzz: 1e308 chips for 1e304 hours overflowed to infinity.
  if (!std::isfinite(e.low) || !std::isfinite(e.central) || !std::isfinite(e.high) ||
      !std::isfinite(e.upper_bound)) {
    return Err(InvalidArgumentError("count and hours are out of range: the estimate overflows")
                   .WithField("hours"));
  }
  return e;
}

}  // namespace kycloud::compute
