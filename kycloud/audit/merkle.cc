#include "kycloud/audit/merkle.h"

#include <fmt/format.h>

#include <bit>
#include <cstring>

#include "kycloud/base/check.h"

namespace kycloud::audit {

namespace {

struct Range {
  std::int64_t begin, end;
};

// Largest power of two strictly below n (n > 1).
std::int64_t SplitPoint(std::int64_t n) {
  return std::int64_t{1} << (63 - std::countl_zero(static_cast<std::uint64_t>(n - 1)));
}

void PathRanges(std::int64_t m, std::int64_t begin, std::int64_t end, std::vector<Range>& out) {
  std::int64_t n = end - begin;
  if (n <= 1) return;
  std::int64_t k = SplitPoint(n);
  if (m - begin < k) {
    PathRanges(m, begin, begin + k, out);
    out.push_back({begin + k, end});
  } else {
    PathRanges(m, begin + k, end, out);
    out.push_back({begin, begin + k});
  }
}

void SubproofRanges(std::int64_t m, std::int64_t begin, std::int64_t end, bool complete,
                    std::vector<Range>& out) {
  std::int64_t n = end - begin;
  if (m == n) {
    if (!complete) out.push_back({begin, end});
    return;
  }
  std::int64_t k = SplitPoint(n);
  if (m <= k) {
    SubproofRanges(m, begin, begin + k, complete, out);
    out.push_back({begin + k, end});
  } else {
    SubproofRanges(m - k, begin + k, end, false, out);
    out.push_back({begin, begin + k});
  }
}

std::vector<NodeId> NodesOf(const std::vector<Range>& ranges) {
  std::vector<NodeId> ids;
  for (const Range& r : ranges) {
    for (const NodeId& id : SubtreeIds(r.begin, r.end)) ids.push_back(id);
  }
  return ids;
}

Result<Hash> FoldRange(const Range& r, const HashLookup& lookup) {
  auto ids = SubtreeIds(r.begin, r.end);
  if (ids.empty()) return Err(InvalidArgumentError("empty range"));
  Hash acc{};
  for (size_t i = ids.size(); i-- > 0;) {
    Hash h;
    if (!lookup(ids[i], &h)) {
      return Err(NotFoundError(
          fmt::format("no stored hash for subtree level {} index {}", ids[i].level, ids[i].index)));
    }
    acc = i + 1 == ids.size() ? h : NodeHash(h, acc);
  }
  return acc;
}

Result<std::vector<Hash>> Assemble(const std::vector<Range>& ranges, const HashLookup& lookup) {
  std::vector<Hash> proof;
  proof.reserve(ranges.size());
  for (const Range& r : ranges) {
    KY_ASSIGN_OR_RETURN(Hash h, FoldRange(r, lookup));
    proof.push_back(h);
  }
  return proof;
}

}  // namespace

Hash LeafHash(std::string_view entry) {
  Sha256Hasher h;
  h.Update(std::string_view("\x00", 1));
  h.Update(entry);
  return h.Finish();
}

Hash NodeHash(const Hash& left, const Hash& right) {
  char buf[65];
  buf[0] = 0x01;
  std::memcpy(buf + 1, left.data(), 32);
  std::memcpy(buf + 33, right.data(), 32);
  return Sha256(std::string_view(buf, sizeof buf));
}

Hash EmptyRoot() { return Sha256(""); }

std::vector<NodeId> SubtreeIds(std::int64_t begin, std::int64_t end) {
  std::vector<NodeId> ids;
  while (end > begin) {
    std::int64_t n = end - begin;
    int level = 63 - std::countl_zero(static_cast<std::uint64_t>(n));  // largest 2^level <= n
    KY_DCHECK(begin % (std::int64_t{1} << level) == 0);
    ids.push_back({level, begin >> level});
    begin += std::int64_t{1} << level;
  }
  return ids;
}

std::vector<NodeId> RootNodes(std::int64_t size) { return SubtreeIds(0, size); }

Result<Hash> RootFromLookup(std::int64_t size, const HashLookup& lookup) {
  if (size < 0) return Err(InvalidArgumentError("negative tree size"));
  if (size == 0) return EmptyRoot();
  return FoldRange({0, size}, lookup);
}

std::vector<NodeId> InclusionProofNodes(std::int64_t index, std::int64_t size) {
  std::vector<Range> ranges;
  if (index >= 0 && index < size) PathRanges(index, 0, size, ranges);
  return NodesOf(ranges);
}

Result<std::vector<Hash>> InclusionProof(std::int64_t index, std::int64_t size,
                                         const HashLookup& lookup) {
  if (index < 0 || index >= size) {
    return Err(
        InvalidArgumentError(fmt::format("leaf {} is not in a tree of {} entries", index, size)));
  }
  std::vector<Range> ranges;
  PathRanges(index, 0, size, ranges);
  return Assemble(ranges, lookup);
}

std::vector<NodeId> ConsistencyProofNodes(std::int64_t old_size, std::int64_t new_size) {
  std::vector<Range> ranges;
  if (old_size > 0 && old_size < new_size) SubproofRanges(old_size, 0, new_size, true, ranges);
  return NodesOf(ranges);
}

Result<std::vector<Hash>> ConsistencyProof(std::int64_t old_size, std::int64_t new_size,
                                           const HashLookup& lookup) {
  if (old_size <= 0 || old_size > new_size) {
    return Err(InvalidArgumentError(fmt::format(
        "no consistency proof from {} to {} entries (need 0 < from <= to)", old_size, new_size)));
  }
  std::vector<Range> ranges;
  if (old_size < new_size) SubproofRanges(old_size, 0, new_size, true, ranges);
  return Assemble(ranges, lookup);
}

bool VerifyInclusion(std::int64_t index, std::int64_t size, const Hash& leaf_hash,
                     const std::vector<Hash>& proof, const Hash& root) {
  if (index < 0 || index >= size) return false;
  std::uint64_t fn = static_cast<std::uint64_t>(index);
  std::uint64_t sn = static_cast<std::uint64_t>(size - 1);
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      r = NodeHash(p, r);
      if (!(fn & 1)) {
        while (!(fn & 1) && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = NodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

bool VerifyConsistency(std::int64_t old_size, std::int64_t new_size, const Hash& old_root,
                       const Hash& new_root, const std::vector<Hash>& proof) {
  if (old_size <= 0 || old_size > new_size) return false;
  if (old_size == new_size) return proof.empty() && old_root == new_root;
  if (proof.empty()) return false;
  std::vector<Hash> path;
  std::uint64_t first = static_cast<std::uint64_t>(old_size);
  if (std::has_single_bit(first)) path.push_back(old_root);
  path.insert(path.end(), proof.begin(), proof.end());
  std::uint64_t fn = first - 1;
  std::uint64_t sn = static_cast<std::uint64_t>(new_size - 1);
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0], sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      fr = NodeHash(c, fr);
      sr = NodeHash(c, sr);
      if (!(fn & 1)) {
        while (!(fn & 1) && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = NodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return fr == old_root && sr == new_root && sn == 0;
}

CompactTree::CompactTree(std::int64_t size, std::vector<Hash> hashes)
    : size_(size), frontier_(std::move(hashes)) {
  KY_CHECK(frontier_.size() == FrontierIds(size).size()) << "frontier does not match size";
}

std::vector<NodeId> CompactTree::FrontierIds(std::int64_t size) { return SubtreeIds(0, size); }

std::vector<std::pair<NodeId, Hash>> CompactTree::Append(const Hash& leaf) {
  std::vector<std::pair<NodeId, Hash>> out;
  std::int64_t new_size = size_ + 1;
  out.push_back({NodeId{0, size_}, leaf});
  Hash h = leaf;
  int level = 0;
  while ((size_ >> level) & 1) {
    h = NodeHash(frontier_.back(), h);
    frontier_.pop_back();
    ++level;
    out.push_back({NodeId{level, (new_size >> level) - 1}, h});
  }
  frontier_.push_back(h);
  size_ = new_size;
  return out;
}

Hash CompactTree::Root() const {
  if (frontier_.empty()) return EmptyRoot();
  Hash r = frontier_.back();
  for (size_t i = frontier_.size() - 1; i-- > 0;) r = NodeHash(frontier_[i], r);
  return r;
}

}  // namespace kycloud::audit
