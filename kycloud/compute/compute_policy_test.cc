#include "kycloud/compute/compute_policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace kycloud::compute {
namespace {

using ::testing::HasSubstr;

TEST(ComputePolicyTest, BundledThresholds) {
  const ComputePolicy& p = ComputePolicy::Bundled();
  EXPECT_EQ(p.threshold_ops, 1e26);
  EXPECT_EQ(p.bio_threshold_ops, 1e23);
  EXPECT_EQ(p.tiers, (std::vector<double>{0.01, 0.1, 0.5, 1.0}));
  EXPECT_EQ(p.estimate, EstimateKind::kHigh);
  EXPECT_EQ(p.windows_days, (std::vector<int>{30, 90, 365}));
  EXPECT_EQ(p.report_due_days, 15);
  EXPECT_EQ(p.cluster_min_ops_per_s, 1e20);
  EXPECT_EQ(p.cluster_min_internode_gbps, 100);
  EXPECT_EQ(p.state, "proposed");
  EXPECT_FALSE(p.version.empty());
  EXPECT_EQ(ComputePolicy::TierName(0.01, false), "1%");
  EXPECT_EQ(ComputePolicy::TierName(1.0, true), "bio-100%");
}

constexpr std::string_view kGood = R"(version = "t1"
effective = "2024-01-29"
state = "in_force"
source = "test"
[reporting]
threshold_ops = 1e26
bio_threshold_ops = 1e23
tiers = [0.5, 1.0]
estimate = "central"
windows_days = [7, 30]
run_gap_hours = 2
report_due_days = 15
[cluster]
min_ops_per_s = 1e20
min_internode_gbps = 300
precision = "bf16"
)";

std::string Replace(std::string_view text, std::string_view from, std::string_view to) {
  std::string s(text);
  auto pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  s.replace(pos, from.size(), to);
  return s;
}

TEST(ComputePolicyTest, ParsesAFileAndNamesEveryMistake) {
  auto p = ComputePolicy::Parse(kGood, "t.toml");
  ASSERT_TRUE(p.has_value()) << p.error();
  EXPECT_EQ(p->estimate, EstimateKind::kCentral);
  EXPECT_EQ(p->cluster_precision, ClusterPrecision::kBf16);
  EXPECT_EQ(p->cluster_min_internode_gbps, 300);

  struct Case {
    std::string_view from, to, expect;
  };
  for (const Case& c : std::initializer_list<Case>{
           {"tiers = [0.5, 1.0]", "tiers = [1.0, 0.5]", "t.toml:8: reporting.tiers must be asc"},
           {"tiers = [0.5, 1.0]", "tiers = [0.5, 2.0]", "reporting.tiers must be fractions"},
           {"tiers = [0.5, 1.0]", "tiers = []", "reporting.tiers must be a non-empty"},
           {"estimate = \"central\"", "estimate = \"p99\"", "t.toml:9: reporting.estimate"},
           {"precision = \"bf16\"", "precision = \"fp4\"", "cluster.precision must be"},
           {"state = \"in_force\"", "state = \"maybe\"", "t.toml:3: state must be"},
           {"threshold_ops = 1e26", "threshold_ops = \"big\"", "t.toml:6: reporting.threshold"},
           {"threshold_ops = 1e26", "threshold_ops = -1.0", "reporting.threshold_ops must be > 0"},
           {"windows_days = [7, 30]", "windows_days = [0.5, 30]", "whole days"},
           // Found by compute_policy_fuzz: a day count past an int was converted regardless.
           {"windows_days = [7, 30]", "windows_days = [7, 1e20]", "whole days in [1, 36600]"},
           {"report_due_days = 15", "report_due_days = 1e20", "report_due_days must be whole"},
           {"report_due_days = 15", "report_due_days = 2.5", "report_due_days must be whole"},
           {"report_due_days = 15", "report_due_days = 0", "report_due_days must be whole"},
           {"run_gap_hours = 2", "run_gap_hours = 1e20", "run_gap_hours must be at most"},
           {"min_ops_per_s = 1e20\n", "", "missing cluster.min_ops_per_s"},
           {"[cluster]", "[cluster", "t.toml:13:"},
       }) {
    auto bad = ComputePolicy::Parse(Replace(kGood, c.from, c.to), "t.toml");
    ASSERT_FALSE(bad.has_value()) << c.to;
    EXPECT_THAT(std::string(bad.error().message()), HasSubstr(c.expect)) << c.to;
  }
}

}  // namespace
}  // namespace kycloud::compute
