#include "kycloud/compute/compute_rollup.h"

#include <algorithm>
#include <map>

namespace kycloud::compute {

namespace {

using Seconds = std::chrono::duration<double>;

// The share of [start, end) inside [from, to).
double Share(const MeteredUsage& u, Timestamp from, Timestamp to) {
  const double total = Seconds(u.end - u.start).count();
  if (total <= 0) return u.start >= from && u.start < to ? 1.0 : 0.0;
  const Timestamp a = std::max(u.start, from), b = std::min(u.end, to);
  return b > a ? Seconds(b - a).count() / total : 0.0;
}

}  // namespace

double UsageTotals::Get(EstimateKind k) const { return Pick(k, low, central, high, upper_bound); }

void UsageTotals::Add(const MeteredUsage& u, double share) {
  if (share <= 0) return;
  ++records;
  chip_seconds += u.ChipSeconds() * share;
  low += u.low * share;
  central += u.central * share;
  high += u.high * share;
  upper_bound += u.upper_bound * share;
}

Rollup RollUp(std::span<const MeteredUsage> usage, Timestamp now, std::span<const int> windows) {
  Rollup r;
  for (int days : windows) r.windows.push_back({days, {}});
  for (const MeteredUsage& u : usage) {
    r.all_time.Add(u, 1.0);
    for (WindowTotals& w : r.windows) {
      w.totals.Add(u, Share(u, now - std::chrono::days(w.days), now));
    }
  }
  return r;
}

namespace {

double EstimateOf(const MeteredUsage& u, EstimateKind k) {
  return Pick(k, u.low, u.central, u.high, u.upper_bound);
}

// F(x): the operations done before time x, each record spread evenly over its interval.
// Seconds are relative to `origin_` to keep doubles precise.
class Cumulative {
 public:
  Cumulative(std::span<const MeteredUsage> usage, EstimateKind kind) {
    origin_ = usage.front().start;
    for (const MeteredUsage& u : usage) {
      const double s = Sec(u.start), e = Sec(u.end), total = EstimateOf(u, kind);
      if (e <= s) {  // an instant: a step at s
        steps_.push_back({s, total});
        continue;
      }
      const double rate = total / (e - s);
      starts_.push_back({s, rate});
      ends_.push_back({e, rate});
    }
    Prepare(starts_);
    Prepare(ends_);
    Prepare(steps_);
  }
  double Sec(Timestamp t) const { return std::chrono::duration<double>(t - origin_).count(); }
  // Σ rate (x - s) over starts before x  -  Σ rate (x - e) over ends before x  +  steps before x.
  double At(double x) const {
    auto [rs, rss] = Before(starts_, x);
    auto [re, ree] = Before(ends_, x);
    auto [steps, unused] = Before(steps_, x);
    return (x * rs - rss) - (x * re - ree) + steps;
  }

 private:
  struct Point {
    double t, v;                   // time, and rate (or step size)
    double sum_v = 0, sum_vt = 0;  // prefix sums up to and including this point
  };
  static void Prepare(std::vector<Point>& p) {
    std::sort(p.begin(), p.end(), [](const Point& a, const Point& b) { return a.t < b.t; });
    double v = 0, vt = 0;
    for (Point& q : p) {
      v += q.v;
      vt += q.v * q.t;
      q.sum_v = v;
      q.sum_vt = vt;
    }
  }
  // (Σ v, Σ v t) over points with t < x (for steps: t <= x - a step at x is inside [x - W, x]).
  static std::pair<double, double> Before(const std::vector<Point>& p, double x) {
    auto it = std::lower_bound(p.begin(), p.end(), x,
                               [](const Point& q, double value) { return q.t < value; });
    if (it == p.begin()) return {0, 0};
    --it;
    return {it->sum_v, it->sum_vt};
  }
  Timestamp origin_;
  std::vector<Point> starts_, ends_, steps_;
};

}  // namespace

double MaxWindowTotal(std::span<const MeteredUsage> usage, int days, EstimateKind kind) {
  if (usage.empty()) return 0;
  Cumulative f(usage, kind);
  const double w = days * 86400.0;
  double best = 0;
  // Candidate window ends: every record edge, and every edge + W (the window's start on an edge).
  for (const MeteredUsage& u : usage) {
    for (double edge : {f.Sec(u.start), f.Sec(u.end)}) {
      for (double end : {edge, edge + w}) {
        best = std::max(best, f.At(end + 1e-6) - f.At(end - w + 1e-6));
      }
    }
  }
  return best;
}

std::vector<DailyPoint> DailySeries(std::span<const MeteredUsage> usage, int max_days) {
  if (usage.empty()) return {};
  using Day = std::chrono::sys_days;
  Day first = std::chrono::floor<std::chrono::days>(usage[0].start);
  // The day of a record's last instant (an interval ending at midnight ends the day before).
  auto last_day = [](const MeteredUsage& u) {
    return std::chrono::floor<std::chrono::days>(
        std::max(u.start, u.end - std::chrono::microseconds(1)));
  };
  Day last = last_day(usage[0]);
  for (const MeteredUsage& u : usage) {
    first = std::min(first, std::chrono::floor<std::chrono::days>(u.start));
    last = std::max(last, last_day(u));
  }
  if ((last - first).count() >= max_days) first = last - std::chrono::days(max_days - 1);
  std::vector<DailyPoint> points;
  for (Day d = first; d <= last; d += std::chrono::days(1)) {
    DailyPoint p;
    p.day = FormatRfc3339(Timestamp(d)).substr(0, 10);
    points.push_back(std::move(p));
  }
  for (const MeteredUsage& u : usage) {
    Day d = std::max(first, std::chrono::floor<std::chrono::days>(u.start));
    for (; d <= last && Timestamp(d) < u.end; d += std::chrono::days(1)) {
      const double share = Share(u, Timestamp(d), Timestamp(d + std::chrono::days(1)));
      if (share <= 0) continue;
      DailyPoint& p = points[static_cast<size_t>((d - first).count())];
      p.chip_hours += u.ChipSeconds() * share / 3600;
      p.central += u.central * share;
      p.high += u.high * share;
      p.upper_bound += u.upper_bound * share;
    }
  }
  return points;
}

std::vector<Tier> Tiers(const ComputePolicy& policy, bool bio) {
  std::vector<Tier> tiers;
  for (bool b : {false, true}) {
    if (b && !bio) break;
    const double threshold = b ? policy.bio_threshold_ops : policy.threshold_ops;
    for (double f : policy.tiers) {
      tiers.push_back({ComputePolicy::TierName(f, b), f, f * threshold, b});
    }
  }
  std::stable_sort(tiers.begin(), tiers.end(),
                   [](const Tier& a, const Tier& b) { return a.threshold_ops < b.threshold_ops; });
  return tiers;
}

std::vector<Tier> ReachedTiers(double measure, const ComputePolicy& policy, bool bio) {
  std::vector<Tier> out;
  for (Tier& t : Tiers(policy, bio)) {
    // Exactly at a tier reaches it, whatever the rounding of fraction x threshold.
    if (measure >= t.threshold_ops * (1 - 1e-12)) out.push_back(std::move(t));
  }
  return out;
}

}  // namespace kycloud::compute
