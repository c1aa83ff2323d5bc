#include "kycloud/linking/link_index.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "kycloud/linking/blocking.h"

namespace kycloud::linking {

namespace {

std::uint64_t PairKey(std::uint32_t a, std::uint32_t b) {
  if (a > b) std::swap(a, b);
  return static_cast<std::uint64_t>(a) << 32 | b;
}

std::uint64_t KeyHash(const std::string& key) { return std::hash<std::string>{}(key); }

}  // namespace

Result<LinkIndex> LinkIndex::Build(const std::vector<LinkRecord>& records,
                                   const std::vector<NamedJudgement>& judgements,
                                   const LinkOptions& options) {
  std::unordered_map<std::string, std::uint32_t> position;
  for (std::uint32_t i = 0; i < records.size(); ++i) position.emplace(records[i].id, i);
  std::vector<Judgement> indexed;
  for (const NamedJudgement& j : judgements) {
    auto a = position.find(j.a), b = position.find(j.b);
    if (a == position.end() || b == position.end() || j.a == j.b) continue;  // a record gone
    indexed.push_back({a->second, b->second, j.same});
  }
  LinkOptions batch = options;
  batch.keep_pairs = true;
  KY_ASSIGN_OR_RETURN(LinkResult result, linking::Link(records, indexed, batch));

  LinkIndex index;
  index.options_ = options;
  index.threshold_weight_ = FellegiSunterModel::WeightFor(options.threshold);
  index.strong_weight_ = FellegiSunterModel::WeightFor(options.strong);
  index.model_ = std::move(result.model);
  index.records_ = std::move(result.records);
  const auto n = static_cast<std::uint32_t>(index.records_.size());
  index.edges_.resize(n);
  index.judged_.resize(n);
  index.group_ = std::move(result.group);
  // Room to grow by a quarter before a rehash (a rehash of millions of keys stalls one Upsert).
  index.index_of_.reserve(n + n / 4);
  index.records_.reserve(n + n / 4);
  index.edges_.reserve(n + n / 4);
  index.judged_.reserve(n + n / 4);
  index.group_.reserve(n + n / 4);
  index.blocks_.reserve((n + n / 4) * 12);
  index.value_counts_.reserve((n + n / 4) * 6);
  for (std::uint32_t i = 0; i < n; ++i) {
    index.index_of_.emplace(index.records_[i].id, i);
    index.AddKeysAndCounts(i, +1);
  }
  for (NormalizedRecord& r : index.records_) index.comparator_.Prepare(r);
  for (const LinkedPair& p : result.pairs) {
    index.edges_[p.a].push_back({p.b, p.weight, p.levels});
    index.edges_[p.b].push_back({p.a, p.weight, p.levels});
  }
  for (const Judgement& j : indexed) {
    index.judgements_[PairKey(j.a, j.b)] = j.same;
    index.judged_[j.a].push_back(j.b);
    index.judged_[j.b].push_back(j.a);
  }
  return index;
}

void LinkIndex::AddKeysAndCounts(std::uint32_t i, int delta) {
  const NormalizedRecord& r = records_[i];
  for (const std::string& key : BlockingKeys(r)) {
    auto& block = blocks_[KeyHash(key)];
    if (delta > 0) {
      if (block.empty() || block.back() != i) block.push_back(i);
    } else {
      block.erase(std::remove(block.begin(), block.end(), i), block.end());
    }
  }
  for (std::uint64_t key : ValueKeys(r)) {
    std::uint32_t& count = value_counts_[key];
    count = delta > 0 ? count + 1 : (count > 0 ? count - 1 : 0);
    if (count > options_.generic_min) comparator_.AddGeneric(key);
  }
}

void LinkIndex::Unlink(std::uint32_t i) {
  for (const Edge& e : edges_[i]) {
    auto& back = edges_[e.other];
    back.erase(
        std::remove_if(back.begin(), back.end(), [i](const Edge& x) { return x.other == i; }),
        back.end());
  }
  edges_[i].clear();
}

void LinkIndex::Link(std::uint32_t i) {
  const NormalizedRecord& r = records_[i];
  std::vector<std::uint32_t> candidates;
  for (const std::string& key : BlockingKeys(r)) {
    auto it = blocks_.find(KeyHash(key));
    if (it == blocks_.end() ||
        it->second.size() > BlockLimit(std::string_view(key).substr(0, key.find('\x1f')),
                                       options_.max_block, options_.generic_min)) {
      continue;
    }
    for (std::uint32_t j : it->second) {
      if (j != i) candidates.push_back(j);
    }
  }
  // Judged pairs are scored too (for their explanation), blocked or not, as in batch.
  candidates.insert(candidates.end(), judged_[i].begin(), judged_[i].end());
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  for (std::uint32_t j : candidates) {
    // Scored with the smaller id first, as the batch linker scores its pairs.
    const bool i_first = r.id < records_[j].id;
    const NormalizedRecord& a = i_first ? r : records_[j];
    const NormalizedRecord& b = i_first ? records_[j] : r;
    const Levels levels = comparator_.Compare(a, b);
    const double w = ScorePair(model_, levels, a, b, options_.identifier_floor);
    if (w < threshold_weight_) continue;
    edges_[i].push_back({j, w, levels});
    edges_[j].push_back({i, w, levels});
  }
}

LinkIndex::Change LinkIndex::Recluster(const std::vector<std::uint32_t>& seeds,
                                       std::uint32_t focus) {
  // The component: every record reachable through links and "same" judgements.
  std::vector<std::uint32_t> component;
  std::unordered_map<std::uint32_t, std::uint32_t> local;
  std::vector<std::uint32_t> stack(seeds.begin(), seeds.end());
  while (!stack.empty()) {
    const std::uint32_t x = stack.back();
    stack.pop_back();
    if (!local.emplace(x, static_cast<std::uint32_t>(component.size())).second) continue;
    component.push_back(x);
    for (const Edge& e : edges_[x]) stack.push_back(e.other);
    for (std::uint32_t y : judged_[x]) {
      if (judgements_[PairKey(x, y)]) stack.push_back(y);
    }
  }
  std::vector<std::string> ids;
  ids.reserve(component.size());
  for (std::uint32_t x : component) ids.push_back(records_[x].id);
  std::vector<ScoredLink> links;
  std::vector<Judgement> judgements;
  for (std::uint32_t x : component) {
    for (const Edge& e : edges_[x]) {
      if (x < e.other) links.push_back({local[x], local.at(e.other), e.weight});
    }
    for (std::uint32_t y : judged_[x]) {
      auto it = local.find(y);
      if (x < y && it != local.end()) {
        judgements.push_back({local[x], it->second, judgements_[PairKey(x, y)]});
      }
    }
  }
  const std::vector<std::uint32_t> grouped =
      Cluster(ids, std::move(links), judgements,
              {.threshold_weight = threshold_weight_, .strong_weight = strong_weight_});
  Change change;
  for (size_t k = 0; k < component.size(); ++k) {
    const std::uint32_t g = component[grouped[k]];
    if (group_[component[k]] != g || component[k] == focus) {
      group_[component[k]] = g;
      change.regrouped.push_back(records_[component[k]].id);
    }
  }
  std::sort(change.regrouped.begin(), change.regrouped.end());
  change.group = records_[group_[focus]].id;
  return change;
}

Result<LinkIndex::Change> LinkIndex::Upsert(const LinkRecord& record) {
  if (record.id.empty()) return Err(InvalidArgumentError("id: a record needs an id"));
  NormalizedRecord normalized = Normalize(record);
  std::uint32_t i;
  std::vector<std::uint32_t> seeds;
  if (auto it = index_of_.find(record.id); it != index_of_.end()) {
    i = it->second;
    // Its former group may split: every former member is a seed.
    seeds = GroupMembers(i);
    for (const Edge& e : edges_[i]) seeds.push_back(e.other);
    AddKeysAndCounts(i, -1);
    Unlink(i);
    records_[i] = std::move(normalized);
  } else {
    i = static_cast<std::uint32_t>(records_.size());
    records_.push_back(std::move(normalized));
    index_of_.emplace(record.id, i);
    edges_.emplace_back();
    judged_.emplace_back();
    group_.push_back(i);
  }
  AddKeysAndCounts(i, +1);
  comparator_.Prepare(records_[i]);
  Link(i);
  seeds.push_back(i);
  return Recluster(seeds, i);
}

Result<LinkIndex::Change> LinkIndex::Remove(const std::string& id) {
  auto it = index_of_.find(id);
  if (it == index_of_.end()) return Err(NotFoundError(fmt::format("no record '{}'", id)));
  const std::uint32_t i = it->second;
  std::vector<std::uint32_t> seeds = GroupMembers(i);
  for (const Edge& e : edges_[i]) seeds.push_back(e.other);
  std::erase(seeds, i);
  AddKeysAndCounts(i, -1);
  Unlink(i);
  for (std::uint32_t y : judged_[i]) {
    std::erase(judged_[y], i);
    judgements_.erase(PairKey(i, y));
  }
  judged_[i].clear();
  index_of_.erase(it);
  records_[i] = NormalizedRecord{};  // the slot stays (positions are indices), empty
  group_[i] = i;
  Change change;
  if (!seeds.empty()) {
    std::sort(seeds.begin(), seeds.end());
    seeds.erase(std::unique(seeds.begin(), seeds.end()), seeds.end());
    // Recluster names its focus among the re-grouped: the focus here is the removed slot, which
    // no seed reaches.
    change = Recluster(seeds, i);
  }
  change.group.clear();
  return change;
}

Result<LinkIndex::Change> LinkIndex::Judge(const NamedJudgement& j) {
  auto a = index_of_.find(j.a), b = index_of_.find(j.b);
  if (a == index_of_.end()) return Err(NotFoundError(fmt::format("no record '{}'", j.a)));
  if (b == index_of_.end()) return Err(NotFoundError(fmt::format("no record '{}'", j.b)));
  if (a->second == b->second) return Err(InvalidArgumentError("a judgement needs two records"));
  const std::uint64_t key = PairKey(a->second, b->second);
  if (judgements_.emplace(key, j.same).second) {
    judged_[a->second].push_back(b->second);
    judged_[b->second].push_back(a->second);
  } else {
    judgements_[key] = j.same;
  }
  // Both former groups: a "not same" may split one.
  std::vector<std::uint32_t> seeds = GroupMembers(a->second);
  for (std::uint32_t x : GroupMembers(b->second)) seeds.push_back(x);
  return Recluster(seeds, a->second);
}

std::string LinkIndex::GroupOf(const std::string& id) const {
  auto it = index_of_.find(id);
  return it == index_of_.end() ? "" : records_[group_[it->second]].id;
}

std::vector<std::uint32_t> LinkIndex::GroupMembers(std::uint32_t i) const {
  // A group's records are reachable from any of them through links and "same" judgements.
  const std::uint32_t g = group_[i];
  std::vector<std::uint32_t> out;
  std::vector<std::uint32_t> stack = {i};
  std::unordered_map<std::uint32_t, bool> seen;
  while (!stack.empty()) {
    const std::uint32_t x = stack.back();
    stack.pop_back();
    if (!seen.emplace(x, true).second || group_[x] != g) continue;
    out.push_back(x);
    for (const Edge& e : edges_[x]) stack.push_back(e.other);
    for (std::uint32_t y : judged_[x]) stack.push_back(y);
  }
  return out;
}

std::vector<std::vector<std::string>> LinkIndex::Groups(size_t min_size) const {
  std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> by_group;
  for (std::uint32_t i = 0; i < group_.size(); ++i) {
    if (records_[i].id.empty()) continue;  // removed
    // A record alone in its group is its own group and has no links or "same" judgements.
    if (min_size < 2 || group_[i] != i || !edges_[i].empty() || !judged_[i].empty()) {
      by_group[group_[i]].push_back(i);
    }
  }
  std::vector<std::vector<std::string>> out;
  for (const auto& [g, members] : by_group) {
    if (members.size() < std::max<size_t>(min_size, 1)) continue;
    std::vector<std::string> ids;
    ids.reserve(members.size());
    for (std::uint32_t x : members) ids.push_back(records_[x].id);
    std::sort(ids.begin(), ids.end());
    out.push_back(std::move(ids));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> LinkIndex::MembersOf(const std::string& id) const {
  auto it = index_of_.find(id);
  if (it == index_of_.end()) return {};
  std::vector<std::string> out;
  for (std::uint32_t x : GroupMembers(it->second)) out.push_back(records_[x].id);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<IndexedLink> LinkIndex::LinksOf(const std::string& id) const {
  auto it = index_of_.find(id);
  if (it == index_of_.end()) return {};
  std::vector<IndexedLink> out;
  const std::uint32_t i = it->second;
  for (const Edge& e : edges_[i]) {
    const bool i_first = records_[i].id < records_[e.other].id;
    const NormalizedRecord& a = i_first ? records_[i] : records_[e.other];
    const NormalizedRecord& b = i_first ? records_[e.other] : records_[i];
    out.push_back({a.id, b.id, e.weight, FellegiSunterModel::Probability(e.weight),
                   ExplainLink(model_, a, b, e.levels, e.weight)});
  }
  std::sort(out.begin(), out.end(), [](const IndexedLink& x, const IndexedLink& y) {
    return x.weight != y.weight ? x.weight > y.weight : std::tie(x.a, x.b) < std::tie(y.a, y.b);
  });
  return out;
}

std::vector<NamedJudgement> LinkIndex::JudgementsOf(const std::string& id) const {
  auto it = index_of_.find(id);
  if (it == index_of_.end()) return {};
  std::vector<NamedJudgement> out;
  for (std::uint32_t y : judged_[it->second]) {
    const std::string& other = records_[y].id;
    out.push_back(
        {std::min(id, other), std::max(id, other), judgements_.at(PairKey(it->second, y))});
  }
  return out;
}

}  // namespace kycloud::linking
