#include "kycloud/compute/training_run.h"

#include <gtest/gtest.h>

#include <array>
#include <random>

#include "kycloud/compute/compute_rollup.h"

namespace kycloud::compute {
namespace {

Timestamp At(double hours) {
  return FromUnixMicros(1'767'225'600'000'000LL + static_cast<std::int64_t>(hours * 3.6e9));
}

// A metered interval of `chips` H100s on p5 instances (3200 Gbit/s) from `from` to `to` hours.
MeteredUsage Usage(std::string id, std::string account, double from, double to, double chips = 8,
                   std::string cluster = "pg-1") {
  UsageRecord r;
  r.record_id = std::move(id);
  r.account_id = std::move(account);
  r.instance_type = "p5.48xlarge";
  r.instance_count = static_cast<int>(chips / 8);
  r.start = At(from);
  r.end = At(to);
  r.region = "us-east-1";
  r.cluster = std::move(cluster);
  auto m = Meter(r, Estimator::Bundled());
  EXPECT_TRUE(m.has_value()) << m.error();
  return *m;
}

const ComputePolicy& P() { return ComputePolicy::Bundled(); }

TEST(TrainingRunTest, GapsSplitRunsAndOverlapsMerge) {
  std::vector<MeteredUsage> u = {
      Usage("a", "acct", 0, 10),           Usage("b", "acct", 2, 10),  // two nodes at once
      Usage("c", "acct", 14, 20),                                      // 4 h gap: same run
      Usage("d", "acct", 40, 41),                                      // 20 h gap: a new run
      Usage("e", "acct", 0, 5, 8, "pg-2"),                             // another placement group
  };
  auto runs = SegmentRuns(u, 6, P());
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs[0].records + runs[1].records + runs[2].records, 5u);
  const TrainingRun* main = nullptr;
  for (const auto& r : runs) {
    if (r.records == 3) main = &r;
  }
  ASSERT_NE(main, nullptr);
  EXPECT_EQ(main->start, At(0));
  EXPECT_EQ(main->end, At(20));
  EXPECT_DOUBLE_EQ(main->chip_seconds, (10 + 8 + 6) * 8 * 3600.0);
  EXPECT_DOUBLE_EQ(main->central, u[0].central + u[1].central + u[2].central);
  EXPECT_EQ(main->cluster.max_concurrent_chips, 16);  // a and b overlap
  EXPECT_EQ(main->cluster.internode_gbps, 3200);
  EXPECT_EQ(main->cluster.result, "not_met");  // 16 H100s are far below 1e20 op/s
}

TEST(TrainingRunTest, ClusterTestNeedsComputeAndNetworking) {
  // 51,000 H100s at 1978.9 dense TOPS = 1.009e20 op/s.
  std::vector<MeteredUsage> big = {Usage("x", "acct", 0, 1, 51000)};
  auto runs = SegmentRuns(big, 6, P());
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].cluster.result, "met") << runs[0].cluster.reason;
  EXPECT_NEAR(runs[0].cluster.ops_per_s_max_dense, 51000 * 1.979e15, 1e15);
  EXPECT_NEAR(runs[0].cluster.ops_per_s_sparse, 2 * 51000 * 1.979e15, 1e15);
  EXPECT_NEAR(runs[0].cluster.ops_per_s_bf16, 51000 * 989.4e12, 1e15);

  ComputePolicy bf16 = P();
  bf16.cluster_precision = ClusterPrecision::kBf16;  // 5.05e19 op/s at BF16: not met
  EXPECT_EQ(SegmentRuns(big, 6, bf16)[0].cluster.result, "not_met");
  ComputePolicy fast_net = P();
  fast_net.cluster_min_internode_gbps = 3200;  // "more than" 3200: not met
  EXPECT_EQ(SegmentRuns(big, 6, fast_net)[0].cluster.result, "not_met");
  // Bare accelerators: bandwidth unknown.
  UsageRecord r;
  r.record_id = "y";
  r.account_id = "acct";
  r.accelerator = "h100";
  r.accelerator_count = 60000;
  r.start = At(0);
  r.end = At(1);
  std::vector<MeteredUsage> bare = {*Meter(r, Estimator::Bundled())};
  EXPECT_EQ(SegmentRuns(bare, 6, P())[0].cluster.result, "unknown");
}

// A run split over linked accounts totals what the unsplit run does, once the caller names the
// group as the owner; alone, each account sees only its part.
TEST(TrainingRunTest, SplitAcrossLinkedAccountsTotalsTheUnsplitRun) {
  std::vector<MeteredUsage> whole, split;
  for (int h = 0; h < 48; h += 2) {
    whole.push_back(Usage("w" + std::to_string(h), "solo", h, h + 2, 64));
    split.push_back(Usage("s" + std::to_string(h), h % 4 ? "shell-a" : "shell-b", h, h + 2, 64));
  }
  auto one = SegmentRuns(whole, 6, P());
  auto per_account = SegmentRuns(split, 6, P());
  auto grouped = SegmentRuns(split, 6, P(), [](const MeteredUsage&) { return "group-1"; });
  ASSERT_EQ(one.size(), 1u);
  ASSERT_EQ(per_account.size(), 2u);
  ASSERT_EQ(grouped.size(), 1u);
  EXPECT_DOUBLE_EQ(grouped[0].central, one[0].central);
  EXPECT_DOUBLE_EQ(grouped[0].high, one[0].high);
  EXPECT_DOUBLE_EQ(grouped[0].upper_bound, one[0].upper_bound);
  EXPECT_EQ(grouped[0].accounts, (std::set<std::string>{"shell-a", "shell-b"}));
  EXPECT_LT(per_account[0].high, one[0].high);
  EXPECT_NEAR(per_account[0].high + per_account[1].high, one[0].high, one[0].high * 1e-12);
}

TEST(RollupTest, WindowsCountProRataAndNeverShrinkWhenUsageIsAdded) {
  std::vector<MeteredUsage> u = {Usage("a", "acct", 0, 24 * 10)};  // 10 days
  const Timestamp now = At(24 * 35);                               // 25 days after the end
  int windows[] = {30, 90};
  Rollup r = RollUp(u, now, windows);
  // The 30-day window starts at day 5: half of the usage is inside.
  EXPECT_NEAR(r.windows[0].totals.central, u[0].central / 2, u[0].central * 1e-9);
  EXPECT_NEAR(r.windows[1].totals.central, u[0].central, u[0].central * 1e-9);
  EXPECT_DOUBLE_EQ(r.all_time.high, u[0].high);

  std::mt19937 rng(7);
  std::uniform_real_distribution<double> hour(0, 24 * 60), len(0.1, 300);
  Rollup prev = r;
  for (int i = 0; i < 200; ++i) {
    double from = hour(rng);
    u.push_back(Usage("r" + std::to_string(i), "acct", from, from + len(rng), 8));
    Rollup next = RollUp(u, now, windows);
    for (size_t w = 0; w < 2; ++w) {
      EXPECT_GE(next.windows[w].totals.low, prev.windows[w].totals.low);
      EXPECT_GE(next.windows[w].totals.central, prev.windows[w].totals.central);
      EXPECT_GE(next.windows[w].totals.high, prev.windows[w].totals.high);
      EXPECT_LE(next.windows[w].totals.high, next.windows[w].totals.upper_bound);
    }
    EXPECT_GE(next.all_time.central, prev.all_time.central);
    prev = next;
  }
}

TEST(RollupTest, MaxWindowTotalFindsTheBusiestWindowAnywhereInTime) {
  std::vector<MeteredUsage> one = {Usage("a", "acct", 0, 24 * 10)};  // 10 days
  EXPECT_NEAR(MaxWindowTotal(one, 30, EstimateKind::kHigh), one[0].high, one[0].high * 1e-9);
  EXPECT_NEAR(MaxWindowTotal(one, 1, EstimateKind::kCentral), one[0].central / 10,
              one[0].central * 1e-9);
  // Against a brute-force scan of window ends every 15 minutes over random usage.
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> hour(0, 24 * 20), len(0.5, 72);
  std::vector<MeteredUsage> u;
  for (int i = 0; i < 60; ++i) {
    double from = hour(rng);
    u.push_back(Usage("r" + std::to_string(i), "acct", from, from + len(rng), 8));
  }
  const double fast = MaxWindowTotal(u, 3, EstimateKind::kHigh);
  double brute = 0;
  for (double end = 0; end < 24 * 25; end += 0.25) {
    const Timestamp e = At(end);
    Rollup r = RollUp(u, e, std::array<int, 1>{3});
    brute = std::max(brute, r.windows[0].totals.high);
  }
  EXPECT_GE(fast, brute * (1 - 1e-9));
  EXPECT_LE(fast, brute * 1.02);  // the scan's 15-minute grid may miss the exact peak
  // Adding usage never lowers it.
  u.push_back(Usage("late", "acct", 24 * 100, 24 * 101, 8));
  EXPECT_GE(MaxWindowTotal(u, 3, EstimateKind::kHigh), fast);
}

TEST(RollupTest, DailySeriesSplitsIntervalsAcrossDays) {
  std::vector<MeteredUsage> u = {Usage("a", "acct", 12, 36)};  // noon day 1 to noon day 2
  auto s = DailySeries(u);
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].day, "2026-01-01");
  EXPECT_NEAR(s[0].central, u[0].central / 2, u[0].central * 1e-9);
  EXPECT_NEAR(s[0].chip_hours, 8 * 12, 1e-9);
  EXPECT_NEAR(s[1].central, u[0].central / 2, u[0].central * 1e-9);
}

TEST(RollupTest, TiersAscendAndIncludeBioOnlyWhenFlagged) {
  auto plain = Tiers(P(), false);
  ASSERT_EQ(plain.size(), 4u);
  EXPECT_EQ(plain[0].name, "1%");
  EXPECT_DOUBLE_EQ(plain[0].threshold_ops, 1e24);
  EXPECT_EQ(ReachedTiers(1e24, P(), false).size(), 1u);  // exactly at a tier reaches it
  auto bio = Tiers(P(), true);
  ASSERT_EQ(bio.size(), 8u);
  EXPECT_EQ(bio[0].name, "bio-1%");
  EXPECT_DOUBLE_EQ(bio[0].threshold_ops, 1e21);
  EXPECT_EQ(ReachedTiers(5e25, P(), false).size(), 3u);
  EXPECT_EQ(ReachedTiers(1e26, P(), false).back().name, "100%");
  EXPECT_TRUE(ReachedTiers(9.9e23, P(), false).empty());
}

}  // namespace
}  // namespace kycloud::compute
