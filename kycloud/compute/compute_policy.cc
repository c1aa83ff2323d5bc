#include "kycloud/compute/compute_policy.h"

#include <fmt/format.h>

#include <toml++/toml.h>
#include <cmath>

#include "kycloud/base/check.h"
#include "kycloud/compute/compute_data.h"

namespace kycloud::compute {

namespace {

// A century of days: the longest window or deadline a policy may name (larger values would not
// fit the int they are kept in).
constexpr double kMaxDays = 36600;

// Reads typed keys from the document, naming origin:line and the key in every error.
class Reader {
 public:
  Reader(const toml::table& root, std::string_view origin) : root_(root), origin_(origin) {}

  Result<std::string> String(std::string_view table, std::string_view key) {
    KY_ASSIGN_OR_RETURN(const toml::node* n, Node(table, key));
    if (auto v = n->value<std::string>()) return *v;
    return Err(TypeError(*n, table, key, "a string"));
  }
  Result<double> Number(std::string_view table, std::string_view key) {
    KY_ASSIGN_OR_RETURN(const toml::node* n, Node(table, key));
    if (auto v = n->value<double>(); v && std::isfinite(*v)) return *v;
    return Err(TypeError(*n, table, key, "a number"));
  }
  Result<std::vector<double>> Numbers(std::string_view table, std::string_view key) {
    KY_ASSIGN_OR_RETURN(const toml::node* n, Node(table, key));
    const toml::array* a = n->as_array();
    if (!a || a->empty()) return Err(TypeError(*n, table, key, "a non-empty array of numbers"));
    std::vector<double> out;
    for (const toml::node& e : *a) {
      auto v = e.value<double>();
      if (!v) return Err(TypeError(e, table, key, "a number"));
      out.push_back(*v);
    }
    for (size_t i = 1; i < out.size(); ++i) {
      if (!(out[i] > out[i - 1])) return Err(Error(*n, table, key, "must be ascending"));
    }
    return out;
  }
  Status Error(const toml::node& n, std::string_view table, std::string_view key,
               std::string_view what) const {
    return InvalidArgumentError(
               fmt::format("{}:{}: {} {}", origin_, n.source().begin.line, Name(table, key), what))
        .WithField(Name(table, key));
  }

 private:
  static std::string Name(std::string_view table, std::string_view key) {
    return table.empty() ? std::string(key) : fmt::format("{}.{}", table, key);
  }
  Result<const toml::node*> Node(std::string_view table, std::string_view key) {
    const toml::node* n = table.empty() ? root_.get(key) : nullptr;
    if (!table.empty()) {
      if (const toml::table* t = root_[table].as_table()) n = t->get(key);
    }
    if (!n) {
      return Err(InvalidArgumentError(fmt::format("{}: missing {}", origin_, Name(table, key)))
                     .WithField(Name(table, key)));
    }
    return n;
  }
  Status TypeError(const toml::node& n, std::string_view table, std::string_view key,
                   std::string_view want) const {
    return Error(n, table, key, fmt::format("must be {}", want));
  }

  const toml::table& root_;
  std::string origin_;
};

}  // namespace

std::string_view EstimateKindName(EstimateKind k) {
  switch (k) {
    case EstimateKind::kLow:
      return "low";
    case EstimateKind::kCentral:
      return "central";
    case EstimateKind::kHigh:
      return "high";
    case EstimateKind::kUpperBound:
      return "upper_bound";
  }
  return "?";
}

std::string_view ClusterPrecisionName(ClusterPrecision p) {
  switch (p) {
    case ClusterPrecision::kBf16:
      return "bf16";
    case ClusterPrecision::kMaxDense:
      return "max_dense";
    case ClusterPrecision::kSparse:
      return "sparse";
  }
  return "?";
}

std::string ComputePolicy::TierName(double fraction, bool bio) {
  return fmt::format("{}{:g}%", bio ? "bio-" : "", fraction * 100);
}

Result<ComputePolicy> ComputePolicy::Parse(std::string_view toml_text, std::string_view origin) {
  toml::table root;
  try {
    root = toml::parse(toml_text, origin);
  } catch (const toml::parse_error& e) {
    return Err(InvalidArgumentError(
        fmt::format("{}:{}: {}", origin, e.source().begin.line, e.description())));
  }
  Reader r(root, origin);
  ComputePolicy p;
  KY_ASSIGN_OR_RETURN(p.version, r.String("", "version"));
  KY_ASSIGN_OR_RETURN(p.effective, r.String("", "effective"));
  KY_ASSIGN_OR_RETURN(p.state, r.String("", "state"));
  KY_ASSIGN_OR_RETURN(p.source, r.String("", "source"));
  if (p.state != "in_force" && p.state != "proposed" && p.state != "suspended" &&
      p.state != "dormant") {
    return Err(r.Error(*root.get("state"), "", "state",
                       "must be in_force, proposed, suspended or dormant"));
  }
  KY_ASSIGN_OR_RETURN(p.threshold_ops, r.Number("reporting", "threshold_ops"));
  KY_ASSIGN_OR_RETURN(p.bio_threshold_ops, r.Number("reporting", "bio_threshold_ops"));
  KY_ASSIGN_OR_RETURN(p.tiers, r.Numbers("reporting", "tiers"));
  const toml::node& tiers = *root["reporting"]["tiers"].node();
  if (p.tiers.front() <= 0 || p.tiers.back() > 1) {
    return Err(r.Error(tiers, "reporting", "tiers", "must be fractions in (0, 1]"));
  }
  KY_ASSIGN_OR_RETURN(std::string estimate, r.String("reporting", "estimate"));
  bool found = false;
  for (EstimateKind k : {EstimateKind::kLow, EstimateKind::kCentral, EstimateKind::kHigh,
                         EstimateKind::kUpperBound}) {
    if (estimate == EstimateKindName(k)) p.estimate = k, found = true;
  }
  if (!found) {
    return Err(r.Error(*root["reporting"]["estimate"].node(), "reporting", "estimate",
                       "must be low, central, high or upper_bound"));
  }
  KY_ASSIGN_OR_RETURN(auto windows, r.Numbers("reporting", "windows_days"));
  for (double w : windows) {
    if (!(w >= 1 && w <= kMaxDays) || w != std::floor(w)) {
      return Err(r.Error(*root["reporting"]["windows_days"].node(), "reporting", "windows_days",
                         "must be whole days in [1, 36600]"));
    }
    p.windows_days.push_back(static_cast<int>(w));
  }
  KY_ASSIGN_OR_RETURN(p.run_gap_hours, r.Number("reporting", "run_gap_hours"));
  KY_ASSIGN_OR_RETURN(double due, r.Number("reporting", "report_due_days"));
  if (!(due >= 1 && due <= kMaxDays) || due != std::floor(due)) {
    return Err(r.Error(*root["reporting"]["report_due_days"].node(), "reporting", "report_due_days",
                       "must be whole days in [1, 36600]"));
  }
  p.report_due_days = static_cast<int>(due);
  KY_ASSIGN_OR_RETURN(p.cluster_min_ops_per_s, r.Number("cluster", "min_ops_per_s"));
  KY_ASSIGN_OR_RETURN(p.cluster_min_internode_gbps, r.Number("cluster", "min_internode_gbps"));
  KY_ASSIGN_OR_RETURN(std::string precision, r.String("cluster", "precision"));
  found = false;
  for (ClusterPrecision c :
       {ClusterPrecision::kBf16, ClusterPrecision::kMaxDense, ClusterPrecision::kSparse}) {
    if (precision == ClusterPrecisionName(c)) p.cluster_precision = c, found = true;
  }
  if (!found) {
    return Err(r.Error(*root["cluster"]["precision"].node(), "cluster", "precision",
                       "must be bf16, max_dense or sparse"));
  }
  for (auto [v, name] : {std::pair{p.threshold_ops, "reporting.threshold_ops"},
                         std::pair{p.bio_threshold_ops, "reporting.bio_threshold_ops"},
                         std::pair{p.run_gap_hours, "reporting.run_gap_hours"},
                         std::pair{p.cluster_min_ops_per_s, "cluster.min_ops_per_s"}}) {
    if (!(v > 0)) {
      return Err(
          InvalidArgumentError(fmt::format("{}: {} must be > 0", origin, name)).WithField(name));
    }
  }
  if (p.run_gap_hours > kMaxDays * 24) {  // converted to a duration by training runs
    return Err(r.Error(*root["reporting"]["run_gap_hours"].node(), "reporting", "run_gap_hours",
                       "must be at most 878400 (a century)"));
  }
  return p;
}

const ComputePolicy& ComputePolicy::Bundled() {
  static const ComputePolicy* policy = [] {
    auto p = Parse(ComputeThresholdsToml(), "policy/compute-thresholds.toml");
    KY_CHECK(p.has_value()) << "the bundled compute thresholds do not parse: " << p.error();
    return new ComputePolicy(std::move(*p));
  }();
  return *policy;
}

}  // namespace kycloud::compute
