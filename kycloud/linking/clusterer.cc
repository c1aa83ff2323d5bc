#include "kycloud/linking/clusterer.h"

#include <algorithm>
#include <map>
#include <numeric>

namespace kycloud::linking {

namespace {

class Groups {
 public:
  explicit Groups(size_t n) : parent_(n), size_(n, 1), apart_(n) {
    std::iota(parent_.begin(), parent_.end(), 0u);
  }
  std::uint32_t Find(std::uint32_t x) {
    while (parent_[x] != x) {
      parent_[x] = parent_[parent_[x]];
      x = parent_[x];
    }
    return x;
  }
  size_t Size(std::uint32_t root) const { return size_[root]; }
  void KeepApart(std::uint32_t a, std::uint32_t b) {
    apart_[a].push_back(b);
    apart_[b].push_back(a);
  }
  // Joins the groups of a and b unless a judgement keeps them apart; true if joined now.
  bool Join(std::uint32_t a, std::uint32_t b) {
    std::uint32_t ra = Find(a), rb = Find(b);
    if (ra == rb) return false;
    for (std::uint32_t x : apart_[ra]) {
      if (Find(x) == rb) return false;
    }
    for (std::uint32_t x : apart_[rb]) {
      if (Find(x) == ra) return false;
    }
    if (size_[ra] < size_[rb]) std::swap(ra, rb);
    parent_[rb] = ra;
    size_[ra] += size_[rb];
    apart_[ra].insert(apart_[ra].end(), apart_[rb].begin(), apart_[rb].end());
    apart_[rb].clear();
    return true;
  }

 private:
  std::vector<std::uint32_t> parent_;
  std::vector<size_t> size_;
  std::vector<std::vector<std::uint32_t>> apart_;  // records each root's group must not join
};

}  // namespace

std::vector<std::uint32_t> Cluster(const std::vector<std::string>& ids,
                                   std::vector<ScoredLink> links,
                                   const std::vector<Judgement>& judgements,
                                   const ClusterOptions& options) {
  Groups g(ids.size());
  for (const Judgement& j : judgements) {
    if (!j.same) g.KeepApart(j.a, j.b);
  }
  for (const Judgement& j : judgements) {
    if (j.same) g.Join(j.a, j.b);
  }
  // Strongest first; ties by the records' ids (not their positions in the input).
  auto key = [&](const ScoredLink& l) {
    const std::string& x = ids[l.a];
    const std::string& y = ids[l.b];
    return x < y ? std::pair<const std::string&, const std::string&>(x, y)
                 : std::pair<const std::string&, const std::string&>(y, x);
  };
  std::erase_if(links, [&](const ScoredLink& l) { return l.weight < options.threshold_weight; });
  std::sort(links.begin(), links.end(), [&](const ScoredLink& p, const ScoredLink& q) {
    if (p.weight != q.weight) return p.weight > q.weight;
    return key(p) < key(q);
  });
  std::vector<ScoredLink> deferred;
  for (const ScoredLink& l : links) {
    const std::uint32_t ra = g.Find(l.a), rb = g.Find(l.b);
    if (ra == rb) continue;
    if (g.Size(ra) >= 2 && g.Size(rb) >= 2 && l.weight < options.strong_weight) {
      deferred.push_back(l);  // a weak bridge between two groups: needs a second link
      continue;
    }
    g.Join(l.a, l.b);
  }
  // Groups joined by two or more weak links join; repeat until nothing changes.
  for (bool changed = true; changed && !deferred.empty();) {
    changed = false;
    std::map<std::pair<std::uint32_t, std::uint32_t>, int> bridges;
    for (const ScoredLink& l : deferred) {
      std::uint32_t ra = g.Find(l.a), rb = g.Find(l.b);
      if (ra == rb) continue;
      if (ra > rb) std::swap(ra, rb);
      ++bridges[{ra, rb}];
    }
    for (const auto& [roots, n] : bridges) {
      if (n >= 2 && g.Join(roots.first, roots.second)) changed = true;
    }
  }
  // Name each group by its smallest id.
  std::vector<std::uint32_t> best(ids.size(), UINT32_MAX);
  for (std::uint32_t i = 0; i < ids.size(); ++i) {
    const std::uint32_t r = g.Find(i);
    if (best[r] == UINT32_MAX || ids[i] < ids[best[r]]) best[r] = i;
  }
  std::vector<std::uint32_t> out(ids.size());
  for (std::uint32_t i = 0; i < ids.size(); ++i) out[i] = best[g.Find(i)];
  return out;
}

}  // namespace kycloud::linking
