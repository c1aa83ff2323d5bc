// Merkle tree hashing and proofs of RFC 6962 / RFC 9162 (Certificate Transparency), over a tree
// whose node hashes live elsewhere (a database). Leaves are numbered from 0; a node NodeId{level,
// index} is the complete subtree over leaves [index * 2^level, (index + 1) * 2^level).
//
//   leaf hash  = SHA-256(0x00 || entry bytes)
//   node hash  = SHA-256(0x01 || left || right)
//   root of n leaves (MTH) splits at the largest power of two k < n: H(MTH(first k), MTH(rest)).
//
// Only complete subtrees are ever stored; every other hash a root or proof needs is folded from
// at most log2(n) of them (SubtreeIds). Proof generation is two-phase so that a store can fetch
// all the hashes a proof needs in one query: *ProofNodes() lists the NodeIds, *Proof() assembles
// the proof from a lookup of those hashes.
//
// Thread-safety: pure functions; CompactTree is a value type (not shared between threads).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string_view>
#include <utility>
#include <vector>

#include "kycloud/base/result.h"
#include "kycloud/base/sha256.h"

namespace kycloud::audit {

using Hash = Sha256Digest;

struct NodeId {
  int level = 0;
  std::int64_t index = 0;
  friend auto operator<=>(const NodeId&, const NodeId&) = default;
};

Hash LeafHash(std::string_view entry);
Hash NodeHash(const Hash& left, const Hash& right);
// The root of the empty tree: SHA-256 of nothing.
Hash EmptyRoot();

// The complete subtrees that make up leaves [begin, end), left to right, largest first, for a
// range as it occurs in RFC 6962's recursion (begin a multiple of the largest power of two not
// above end - begin). Their hashes, folded from the right, give MTH(D[begin:end]).
std::vector<NodeId> SubtreeIds(std::int64_t begin, std::int64_t end);

// Looks up the hash of a stored complete subtree. Returns false when it does not have it.
using HashLookup = std::function<bool(const NodeId&, Hash*)>;

// MTH of leaves [0, size). Errors: NotFound (a hash the lookup lacks), InvalidArgument.
Result<Hash> RootFromLookup(std::int64_t size, const HashLookup& lookup);
std::vector<NodeId> RootNodes(std::int64_t size);

// Inclusion proof (RFC 6962 PATH) of leaf `index` in the tree of `size` leaves.
// Precondition for a proof: index < size. Errors: InvalidArgument, NotFound.
std::vector<NodeId> InclusionProofNodes(std::int64_t index, std::int64_t size);
Result<std::vector<Hash>> InclusionProof(std::int64_t index, std::int64_t size,
                                         const HashLookup& lookup);

// Consistency proof (RFC 6962 PROOF) between the trees of `old_size` and `new_size` leaves.
// Precondition: 0 < old_size <= new_size (an empty proof when equal).
std::vector<NodeId> ConsistencyProofNodes(std::int64_t old_size, std::int64_t new_size);
Result<std::vector<Hash>> ConsistencyProof(std::int64_t old_size, std::int64_t new_size,
                                           const HashLookup& lookup);

// Verification as RFC 9162 2.1.3.2 and 2.1.4.2. Independent of the generation code above.
bool VerifyInclusion(std::int64_t index, std::int64_t size, const Hash& leaf_hash,
                     const std::vector<Hash>& proof, const Hash& root);
bool VerifyConsistency(std::int64_t old_size, std::int64_t new_size, const Hash& old_root,
                       const Hash& new_root, const std::vector<Hash>& proof);

// The right edge of a tree: the hashes of its complete subtrees at the set bits of its size.
// Appending a leaf yields the subtrees it completes, which the caller stores.
class CompactTree {
 public:
  CompactTree() = default;
  // Rebuilds from the frontier of a stored tree (FrontierIds(size), in that order).
  // Precondition: hashes.size() == FrontierIds(size).size().
  CompactTree(std::int64_t size, std::vector<Hash> hashes);
  static std::vector<NodeId> FrontierIds(std::int64_t size);  // highest level first

  std::int64_t size() const { return size_; }
  // Adds a leaf; returns every node it completes, level 0 (the leaf) first.
  std::vector<std::pair<NodeId, Hash>> Append(const Hash& leaf);
  Hash Root() const;

 private:
  std::int64_t size_ = 0;
  std::vector<Hash> frontier_;  // as FrontierIds(size_)
};

}  // namespace kycloud::audit
