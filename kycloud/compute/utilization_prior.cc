#include "kycloud/compute/utilization_prior.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <string>

#include "kycloud/base/check.h"
#include "kycloud/base/csv_reader.h"
#include "kycloud/compute/compute_data.h"

namespace kycloud::compute {

namespace {

Result<double> Number(std::string_view text, std::string_view where, std::string_view column) {
  double v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || p != text.data() + text.size() || !std::isfinite(v)) {
    return Err(InvalidArgumentError(fmt::format("{}: {} '{}' is not a number", where, column, text))
                   .WithField(std::string(column)));
  }
  return v;
}

// The CSV without its '#' comment lines (the generator writes its provenance there).
std::string StripComments(std::string_view csv) {
  std::string out;
  size_t pos = 0;
  while (pos < csv.size()) {
    size_t nl = csv.find('\n', pos);
    size_t end = nl == std::string_view::npos ? csv.size() : nl + 1;
    std::string_view line = csv.substr(pos, end - pos);
    // A comment line becomes an empty line so that line numbers stay true.
    out += line.starts_with('#') ? std::string_view("\n") : line;
    pos = end;
  }
  return out;
}

}  // namespace

std::string_view AcceleratorFamily(const Accelerator& a, Precision precision_used) {
  if (a.type == "TPU") return "tpu";
  if (precision_used == Precision::kFp32 || precision_used == Precision::kFp64) return "scalar";
  // Release year: "YYYY-MM-DD"; an unknown date counts as recent.
  int year = 9999;
  if (a.release_date.size() >= 4) {
    std::from_chars(a.release_date.data(), a.release_date.data() + 4, year);
  }
  return year < 2020 ? "tensor-early" : "tensor";
}

Result<UtilizationPrior> UtilizationPrior::Parse(std::string_view csv) {
  const std::string text = StripComments(csv);
  // Skip the blank lines left by comments before the header.
  size_t first = text.find_first_not_of('\n');
  const int skipped = static_cast<int>(first == std::string::npos ? 0 : first);
  KY_ASSIGN_OR_RETURN(
      auto table,
      TableReader::Open(std::string_view(text).substr(skipped), "utilization_prior.csv", ',',
                        "utilization prior", {"family", "runs", "p5", "p50", "p95"}));
  UtilizationPrior prior;
  while (true) {
    KY_ASSIGN_OR_RETURN(bool more, table.Next());
    if (!more) break;
    const std::string where = fmt::format("utilization_prior.csv:{}", table.line() + skipped);
    const std::string family = table.Get("family");
    if (family.empty()) continue;
    UtilizationQuantiles q;
    KY_ASSIGN_OR_RETURN(double runs, Number(table.Get("runs"), where, "runs"));
    KY_ASSIGN_OR_RETURN(q.p5, Number(table.Get("p5"), where, "p5"));
    KY_ASSIGN_OR_RETURN(q.p50, Number(table.Get("p50"), where, "p50"));
    KY_ASSIGN_OR_RETURN(q.p95, Number(table.Get("p95"), where, "p95"));
    q.runs = static_cast<int>(runs);
    if (!(q.p5 > 0 && q.p5 <= q.p50 && q.p50 <= q.p95 && q.p95 <= 1.5)) {
      return Err(InvalidArgumentError(
          fmt::format("{}: family '{}' needs 0 < p5 <= p50 <= p95 <= 1.5", where, family)));
    }
    if (!prior.families_.emplace(family, q).second) {
      return Err(InvalidArgumentError(fmt::format("{}: family '{}' appears twice", where, family)));
    }
  }
  if (!prior.families_.contains("all")) {
    return Err(InvalidArgumentError("utilization_prior.csv: no 'all' row (the pooled fit)"));
  }
  return prior;
}

const UtilizationPrior& UtilizationPrior::Bundled() {
  static const UtilizationPrior* prior = [] {
    auto p = Parse(UtilizationPriorCsv());
    KY_CHECK(p.has_value()) << "the bundled utilisation prior does not parse: " << p.error();
    return new UtilizationPrior(std::move(*p));
  }();
  return *prior;
}

const UtilizationQuantiles& UtilizationPrior::For(std::string_view family) const {
  auto it = families_.find(family);
  if (it == families_.end()) it = families_.find("all");
  return it->second;
}

}  // namespace kycloud::compute
