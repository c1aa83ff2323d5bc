#include "kycloud/compute/training_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>

namespace kycloud::compute {

double TrainingRun::Estimate(EstimateKind k) const {
  return Pick(k, low, central, high, upper_bound);
}

ClusterTest TestCluster(std::span<const MeteredUsage* const> intervals,
                        const ComputePolicy& policy) {
  ClusterTest t;
  // Sweep: +chips at each start, -chips at each end (ends before starts at the same instant).
  struct Event {
    Timestamp at;
    int order;  // 0 = end, 1 = start
    const MeteredUsage* u;
  };
  std::vector<Event> events;
  events.reserve(intervals.size() * 2);
  for (const MeteredUsage* u : intervals) {
    events.push_back({u->start, 1, u});
    events.push_back({u->end, 0, u});
    if (u->internode_gbps) {
      t.internode_gbps =
          t.internode_gbps ? std::min(*t.internode_gbps, *u->internode_gbps) : *u->internode_gbps;
    }
  }
  std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    return std::tie(a.at, a.order) < std::tie(b.at, b.order);
  });
  double chips = 0, bf16 = 0, dense = 0, sparse = 0;
  for (const Event& e : events) {
    const double sign = e.order == 1 ? 1 : -1;
    chips += sign * e.u->chips;
    bf16 += sign * e.u->chips * e.u->peak_bf16;
    dense += sign * e.u->chips * e.u->peak_max_dense;
    sparse += sign * e.u->chips * e.u->peak_sparse;
    if (dense > t.ops_per_s_max_dense) {
      t.max_concurrent_chips = chips;
      t.ops_per_s_bf16 = bf16;
      t.ops_per_s_max_dense = dense;
      t.ops_per_s_sparse = sparse;
    }
  }
  const double ops = policy.cluster_precision == ClusterPrecision::kBf16 ? t.ops_per_s_bf16
                     : policy.cluster_precision == ClusterPrecision::kSparse
                         ? t.ops_per_s_sparse
                         : t.ops_per_s_max_dense;
  const std::string which(ClusterPrecisionName(policy.cluster_precision));
  if (ops < policy.cluster_min_ops_per_s) {
    t.result = "not_met";
    t.reason = fmt::format("{:.3g} op/s ({}) at the busiest moment, below {:.3g}", ops, which,
                           policy.cluster_min_ops_per_s);
  } else if (!t.internode_gbps) {
    t.result = "unknown";
    t.reason = fmt::format("{:.3g} op/s ({}) meets {:.3g}; inter-node bandwidth unknown", ops,
                           which, policy.cluster_min_ops_per_s);
  } else if (*t.internode_gbps <= policy.cluster_min_internode_gbps) {
    t.result = "not_met";
    t.reason = fmt::format("{:.3g} op/s ({}) but networking {:g} Gbit/s is not above {:g}", ops,
                           which, *t.internode_gbps, policy.cluster_min_internode_gbps);
  } else {
    t.result = "met";
    t.reason =
        fmt::format("{:.3g} op/s ({}) on {:g} Gbit/s networking", ops, which, *t.internode_gbps);
  }
  return t;
}

std::vector<TrainingRun> SegmentRuns(
    std::span<const MeteredUsage> usage, double gap_hours, const ComputePolicy& policy,
    const std::function<std::string(const MeteredUsage&)>& owner_of) {
  using Key = std::tuple<std::string, std::string, std::string>;  // owner, location, accelerator
  std::map<Key, std::vector<const MeteredUsage*>> groups;
  for (const MeteredUsage& u : usage) {
    std::string owner = owner_of ? owner_of(u) : std::string();
    if (owner.empty()) owner = u.account_id;
    groups[Key{std::move(owner), u.Location(), u.accelerator}].push_back(&u);
  }
  const auto gap = std::chrono::duration_cast<Timestamp::duration>(
      std::chrono::duration<double, std::ratio<3600>>(gap_hours));
  std::vector<TrainingRun> runs;
  for (auto& group : groups) {
    const auto& key = group.first;  // named, not bound: clang 14 cannot capture bindings
    auto& items = group.second;
    std::sort(items.begin(), items.end(), [](const MeteredUsage* a, const MeteredUsage* b) {
      return std::tie(a->start, a->end, a->record_id) < std::tie(b->start, b->end, b->record_id);
    });
    size_t begin = 0;
    Timestamp reach = items[0]->end;
    auto close = [&](size_t from, size_t to) {
      TrainingRun r;
      r.owner = std::get<0>(key);
      r.location = std::get<1>(key);
      r.accelerator = std::get<2>(key);
      r.start = items[from]->start;
      r.end = items[from]->end;
      for (size_t i = from; i < to; ++i) {
        const MeteredUsage& u = *items[i];
        r.accounts.insert(u.account_id);
        r.end = std::max(r.end, u.end);
        r.chip_seconds += u.ChipSeconds();
        r.low += u.low;
        r.central += u.central;
        r.high += u.high;
        r.upper_bound += u.upper_bound;
      }
      r.records = to - from;
      r.cluster = TestCluster(std::span(items).subspan(from, to - from), policy);
      r.id = fmt::format("{}|{}|{}|{}", r.owner, r.location, r.accelerator, FormatRfc3339(r.start));
      runs.push_back(std::move(r));
    };
    for (size_t i = 1; i < items.size(); ++i) {
      if (items[i]->start > reach + gap) {
        close(begin, i);
        begin = i;
      }
      reach = std::max(reach, items[i]->end);
    }
    close(begin, items.size());
  }
  std::sort(runs.begin(), runs.end(), [](const TrainingRun& a, const TrainingRun& b) {
    return std::tie(a.start, a.owner, a.id) < std::tie(b.start, b.owner, b.id);
  });
  return runs;
}

}  // namespace kycloud::compute
