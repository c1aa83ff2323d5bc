#include "kycloud/compute/instance_map.h"

#include <fmt/format.h>

#include <charconv>

#include "kycloud/base/check.h"
#include "kycloud/base/csv_reader.h"
#include "kycloud/compute/compute_data.h"

namespace kycloud::compute {

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Result<int> PositiveInt(std::string_view text, std::string_view where, std::string_view column) {
  int v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v < 1) {
    return Err(InvalidArgumentError(
        fmt::format("{}: {} '{}' is not a positive integer", where, column, text)));
  }
  return v;
}

Result<std::optional<double>> OptionalGbps(std::string_view text, std::string_view where) {
  if (text.empty()) return std::optional<double>();
  double v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v <= 0) {
    return Err(InvalidArgumentError(
        fmt::format("{}: internode_gbps '{}' is not a positive number", where, text)));
  }
  return std::optional<double>(v);
}

Result<const Accelerator*> Accel(const AcceleratorCatalog& catalog, std::string_view name,
                                 std::string_view where) {
  const Accelerator* a = catalog.Find(name);
  if (!a) {
    return Err(InvalidArgumentError(
        fmt::format("{}: accelerator '{}' is not in the catalog", where, name)));
  }
  return a;
}

}  // namespace

Result<InstanceMap> InstanceMap::Parse(const AcceleratorCatalog& catalog,
                                       std::string_view instances_csv, std::string_view tpu_csv) {
  InstanceMap map;
  map.catalog_ = &catalog;
  KY_ASSIGN_OR_RETURN(auto rows,
                      TableReader::Open(instances_csv, "instance_types.csv", ',', "instance type",
                                        {"provider", "instance_type", "accelerator", "count",
                                         "internode_gbps", "source"}));
  while (true) {
    KY_ASSIGN_OR_RETURN(bool more, rows.Next());
    if (!more) break;
    const std::string where = fmt::format("instance_types.csv:{}", rows.line());
    InstanceType t;
    t.provider = rows.Get("provider");
    t.name = rows.Get("instance_type");
    t.source = rows.Get("source");
    KY_ASSIGN_OR_RETURN(t.accelerator, Accel(catalog, rows.Get("accelerator"), where));
    KY_ASSIGN_OR_RETURN(t.count, PositiveInt(rows.Get("count"), where, "count"));
    KY_ASSIGN_OR_RETURN(t.internode_gbps, OptionalGbps(rows.Get("internode_gbps"), where));
    if (!map.by_name_.emplace(Lower(t.name), map.instances_.size()).second) {
      return Err(
          InvalidArgumentError(fmt::format("{}: instance type '{}' listed twice", where, t.name)));
    }
    map.instances_.push_back(std::move(t));
  }
  KY_ASSIGN_OR_RETURN(auto tpu, TableReader::Open(tpu_csv, "tpu_slices.csv", ',', "TPU slice",
                                                  {"prefix", "accelerator", "unit",
                                                   "units_per_chip", "internode_gbps", "source"}));
  while (true) {
    KY_ASSIGN_OR_RETURN(bool more, tpu.Next());
    if (!more) break;
    const std::string where = fmt::format("tpu_slices.csv:{}", tpu.line());
    TpuSliceRule r;
    r.prefix = Lower(tpu.Get("prefix"));
    r.unit = tpu.Get("unit");
    r.source = tpu.Get("source");
    if (r.unit != "tensorcore" && r.unit != "chip") {
      return Err(InvalidArgumentError(fmt::format("{}: unit is tensorcore or chip", where)));
    }
    KY_ASSIGN_OR_RETURN(r.accelerator, Accel(catalog, tpu.Get("accelerator"), where));
    KY_ASSIGN_OR_RETURN(r.units_per_chip,
                        PositiveInt(tpu.Get("units_per_chip"), where, "units_per_chip"));
    KY_ASSIGN_OR_RETURN(r.internode_gbps, OptionalGbps(tpu.Get("internode_gbps"), where));
    map.tpu_.push_back(std::move(r));
  }
  return map;
}

const InstanceMap& InstanceMap::Bundled() {
  static const InstanceMap* map = [] {
    auto m = Parse(AcceleratorCatalog::Bundled(), InstanceTypesCsv(), TpuSlicesCsv());
    KY_CHECK(m.has_value()) << "the bundled instance map does not parse: " << m.error();
    return new InstanceMap(std::move(*m));
  }();
  return *map;
}

std::optional<InstanceType> InstanceMap::Resolve(std::string_view name) const {
  const std::string lower = Lower(TrimSpace(name));
  if (auto it = by_name_.find(lower); it != by_name_.end()) return instances_[it->second];
  for (const TpuSliceRule& r : tpu_) {
    if (!lower.starts_with(r.prefix)) continue;
    std::string_view n = std::string_view(lower).substr(r.prefix.size());
    int units = 0;
    auto [p, ec] = std::from_chars(n.data(), n.data() + n.size(), units);
    if (ec != std::errc() || p != n.data() + n.size() || units < 1) continue;
    if (units % r.units_per_chip != 0) return std::nullopt;  // not a real slice size
    return InstanceType{"gcp",
                        std::string(TrimSpace(name)),
                        r.accelerator,
                        units / r.units_per_chip,
                        r.internode_gbps,
                        r.source};
  }
  if (const Accelerator* a = catalog_->Find(name)) {
    return InstanceType{"", std::string(TrimSpace(name)), a, 1, std::nullopt, ""};
  }
  return std::nullopt;
}

}  // namespace kycloud::compute
