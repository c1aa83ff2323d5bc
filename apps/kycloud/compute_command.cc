// kycloud compute catalog [--json]: the accelerator catalog (dense peaks per precision, TPP,
// performance density, 3A090 numeric class, aliases, the overridden facts with their sources)
// and the cloud instance map (instance type -> accelerator, count, inter-node bandwidth; TPU
// slice rules). Text tables by default; --json writes one JSON document.
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "kycloud/compute/accelerator_catalog.h"
#include "kycloud/compute/instance_map.h"

namespace kycloud::app {

namespace {

using nlohmann::json;

json Opt(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json AcceleratorJson(const compute::Accelerator& a) {
  json peaks = json::object();
  for (compute::Precision p : compute::kPrecisions) {
    peaks[std::string(compute::PrecisionName(p))] = Opt(a.Peak(p));
  }
  return {{"name", a.name},
          {"manufacturer", a.manufacturer},
          {"type", a.type},
          {"release_date", a.release_date},
          {"dense_peak_ops_per_s", std::move(peaks)},
          {"bf16_fp32_accumulate_ops_per_s", Opt(a.bf16_fp32_accumulate)},
          {"memory_bytes", Opt(a.memory_bytes)},
          {"memory_bandwidth_bytes_per_s", Opt(a.memory_bandwidth)},
          {"die_area_mm2", Opt(a.die_area_mm2)},
          {"tdp_w", Opt(a.tdp_w)},
          {"tpp", Opt(a.tpp)},
          {"performance_density", Opt(a.performance_density)},
          {"numeric_class", compute::ExportClassName(a.numeric_class)},
          {"aliases", a.aliases},
          {"overrides", a.overrides}};
}

std::string Tera(const std::optional<double>& v) {
  return v ? fmt::format("{:.1f}", *v / 1e12) : "-";
}

}  // namespace

void RegisterComputeCommand(CLI::App& app) {
  auto* compute = app.add_subcommand("compute", "Accelerators, instance types, compute estimates");
  compute->require_subcommand(1);
  RegisterComputeEstimateCommand(*compute);
  auto json_out = std::make_shared<bool>(false);
  auto* catalog =
      compute->add_subcommand("catalog", "List the accelerator catalog and the cloud instance map");
  catalog->add_flag("--json", *json_out, "one JSON document instead of text tables");
  catalog->callback([json_out] {
    const auto& cat = compute::AcceleratorCatalog::Bundled();
    const auto& map = compute::InstanceMap::Bundled();
    if (*json_out) {
      json accelerators = json::array(), instances = json::array(), slices = json::array();
      for (const auto& a : cat.all()) accelerators.push_back(AcceleratorJson(a));
      for (const auto& t : map.instances()) {
        instances.push_back({{"provider", t.provider},
                             {"instance_type", t.name},
                             {"accelerator", t.accelerator->name},
                             {"count", t.count},
                             {"internode_gbps", Opt(t.internode_gbps)},
                             {"source", t.source}});
      }
      for (const auto& r : map.tpu_slices()) {
        slices.push_back({{"prefix", r.prefix},
                          {"accelerator", r.accelerator->name},
                          {"unit", r.unit},
                          {"units_per_chip", r.units_per_chip},
                          {"internode_gbps", Opt(r.internode_gbps)},
                          {"source", r.source}});
      }
      std::cout << json{{"accelerators", std::move(accelerators)},
                        {"instance_types", std::move(instances)},
                        {"tpu_slices", std::move(slices)}}
                       .dump(2, ' ', false, json::error_handler_t::replace)
                << "\n";
      return;
    }
    std::cout << fmt::format("{:<40} {:>9} {:>9} {:>9} {:>9} {:>9} {:>8} {:>7} {:<8}\n",
                             "ACCELERATOR (dense peak, TFLOP/s)", "FP32", "TF32", "BF16", "FP8",
                             "INT8", "TPP", "PD", "3A090");
    for (const auto& a : cat.all()) {
      std::cout << fmt::format(
          "{:<40} {:>9} {:>9} {:>9} {:>9} {:>9} {:>8} {:>7} {:<8}\n", a.name.substr(0, 40),
          Tera(a.Peak(compute::Precision::kFp32)), Tera(a.Peak(compute::Precision::kTf32)),
          Tera(a.Peak(compute::Precision::kBf16)), Tera(a.Peak(compute::Precision::kFp8)),
          Tera(a.Peak(compute::Precision::kInt8)), a.tpp ? fmt::format("{:.0f}", *a.tpp) : "-",
          a.performance_density ? fmt::format("{:.2f}", *a.performance_density) : "-",
          compute::ExportClassName(a.numeric_class));
    }
    std::cout << fmt::format("\n{:<8} {:<28} {:<32} {:>5} {:>14}\n", "PROVIDER", "INSTANCE TYPE",
                             "ACCELERATOR", "COUNT", "INTERNODE Gb/s");
    for (const auto& t : map.instances()) {
      std::cout << fmt::format("{:<8} {:<28} {:<32} {:>5} {:>14}\n", t.provider, t.name,
                               t.accelerator->name, t.count,
                               t.internode_gbps ? fmt::format("{:g}", *t.internode_gbps) : "-");
    }
    std::cout << "\nGoogle Cloud TPU slices:\n";
    for (const auto& r : map.tpu_slices()) {
      std::cout << fmt::format("  {}N  {}: N counts {}s ({} per chip)\n", r.prefix,
                               r.accelerator->name, r.unit, r.units_per_chip);
    }
  });
}

}  // namespace kycloud::app
