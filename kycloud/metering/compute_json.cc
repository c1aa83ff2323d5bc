#include "kycloud/metering/compute_json.h"

namespace kycloud::metering {

using nlohmann::json;

json TotalsJson(const compute::UsageTotals& t) {
  return {{"records", t.records}, {"chip_hours", t.chip_seconds / 3600},
          {"flop_low", t.low},    {"flop_central", t.central},
          {"flop_high", t.high},  {"flop_upper_bound", t.upper_bound}};
}

json WindowsJson(const std::vector<compute::WindowTotals>& windows) {
  json out = json::array();
  for (const auto& w : windows) {
    json j = TotalsJson(w.totals);
    j["days"] = w.days;
    out.push_back(std::move(j));
  }
  return out;
}

json RunJson(const compute::TrainingRun& r) {
  const auto& c = r.cluster;
  return {{"id", r.id},
          {"accelerator", r.accelerator},
          {"location", r.location},
          {"accounts", std::vector<std::string>(r.accounts.begin(), r.accounts.end())},
          {"records", r.records},
          {"start", FormatRfc3339(r.start)},
          {"end", FormatRfc3339(r.end)},
          {"chip_hours", r.chip_seconds / 3600},
          {"flop_low", r.low},
          {"flop_central", r.central},
          {"flop_high", r.high},
          {"flop_upper_bound", r.upper_bound},
          {"cluster",
           {{"max_concurrent_chips", c.max_concurrent_chips},
            {"ops_per_s_bf16", c.ops_per_s_bf16},
            {"ops_per_s_max_dense", c.ops_per_s_max_dense},
            {"ops_per_s_sparse", c.ops_per_s_sparse},
            {"internode_gbps", c.internode_gbps ? json(*c.internode_gbps) : json(nullptr)},
            {"result", c.result},
            {"reason", c.reason}}}};
}

json SubjectJson(const SubjectCompute& s) {
  json runs = json::array(), series = json::array(), crossings = json::array();
  for (const auto& r : s.runs) runs.push_back(RunJson(r));
  for (const auto& p : s.series) {
    series.push_back({{"day", p.day},
                      {"chip_hours", p.chip_hours},
                      {"flop_central", p.central},
                      {"flop_high", p.high},
                      {"flop_upper_bound", p.upper_bound}});
  }
  for (const auto& c : s.crossings) {
    crossings.push_back({{"tier", c.tier},
                         {"threshold_ops", c.threshold_ops},
                         {"measure_ops", c.measure},
                         {"estimate", c.estimate},
                         {"policy_version", c.policy_version},
                         {"crossed_at", FormatRfc3339(c.crossed_at)},
                         {"alert_id", c.alert_id},
                         {"report_id", c.report_id}});
  }
  return {{"subject", s.subject},
          {"accounts", s.accounts},
          {"totals", TotalsJson(s.totals.all_time)},
          {"windows", WindowsJson(s.totals.windows)},
          {"busiest_windows", WindowsJson(s.busiest)},
          {"measure_ops", s.measure},
          {"runs", std::move(runs)},
          {"series", std::move(series)},
          {"crossings", std::move(crossings)}};
}

}  // namespace kycloud::metering
