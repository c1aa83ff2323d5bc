#include "kycloud/audit/merkle.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace kycloud::audit {
namespace {

// The straightforward recursive definition of RFC 6962 2.1, as the reference.
Hash ReferenceRoot(const std::vector<Hash>& leaves, size_t begin, size_t end) {
  if (end - begin == 1) return leaves[begin];
  size_t k = 1;
  while (k * 2 < end - begin) k *= 2;
  return NodeHash(ReferenceRoot(leaves, begin, begin + k), ReferenceRoot(leaves, begin + k, end));
}

// Every complete subtree of a tree, as a store would hold them.
std::map<NodeId, Hash> AllNodes(const std::vector<Hash>& leaves) {
  std::map<NodeId, Hash> nodes;
  CompactTree t;
  for (const Hash& l : leaves) {
    for (const auto& [id, h] : t.Append(l)) nodes[id] = h;
  }
  return nodes;
}

HashLookup LookupIn(const std::map<NodeId, Hash>& nodes) {
  return [&nodes](const NodeId& id, Hash* out) {
    auto it = nodes.find(id);
    if (it == nodes.end()) return false;
    *out = it->second;
    return true;
  };
}

std::vector<Hash> Leaves(int n) {
  std::vector<Hash> leaves;
  for (int i = 0; i < n; ++i) leaves.push_back(LeafHash("entry " + std::to_string(i)));
  return leaves;
}

// Certificate Transparency's published test vectors (the eight leaves of RFC 6962's tests).
TEST(MerkleTest, CertificateTransparencyVectors) {
  const std::vector<std::string> inputs = {
      "",
      std::string("\x00", 1),
      "\x10",
      "\x20\x21",
      "\x30\x31",
      "\x40\x41\x42\x43",
      "\x50\x51\x52\x53\x54\x55\x56\x57",
      "\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f"};
  const char* roots[] = {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                         "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
                         "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
                         "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                         "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
                         "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
                         "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
                         "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};
  EXPECT_EQ(HexEncode(EmptyRoot()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CompactTree t;
  for (size_t i = 0; i < inputs.size(); ++i) {
    t.Append(LeafHash(inputs[i]));
    EXPECT_EQ(HexEncode(t.Root()), roots[i]) << "size " << i + 1;
  }
}

TEST(MerkleTest, RootsMatchTheReferenceForEverySize) {
  auto leaves = Leaves(70);
  auto nodes = AllNodes(leaves);
  CompactTree t;
  for (size_t n = 1; n <= leaves.size(); ++n) {
    t.Append(leaves[n - 1]);
    Hash expected = ReferenceRoot(leaves, 0, n);
    EXPECT_EQ(t.Root(), expected) << n;
    auto from_store = RootFromLookup(static_cast<std::int64_t>(n), LookupIn(nodes));
    ASSERT_TRUE(from_store.has_value()) << from_store.error();
    EXPECT_EQ(*from_store, expected) << n;
  }
}

TEST(MerkleTest, CompactTreeRestartsFromItsFrontier) {
  auto leaves = Leaves(45);
  auto nodes = AllNodes(leaves);
  for (std::int64_t size : {0, 1, 2, 7, 8, 13, 32, 44}) {
    std::vector<Hash> frontier;
    for (const NodeId& id : CompactTree::FrontierIds(size)) frontier.push_back(nodes.at(id));
    CompactTree t(size, frontier);
    for (std::int64_t i = size; i < 45; ++i) t.Append(leaves[i]);
    EXPECT_EQ(t.Root(), ReferenceRoot(leaves, 0, 45)) << size;
  }
}

TEST(MerkleTest, InclusionProofsVerifyAndTamperingFails) {
  auto leaves = Leaves(40);
  auto nodes = AllNodes(leaves);
  for (std::int64_t n = 1; n <= 40; ++n) {
    Hash root = ReferenceRoot(leaves, 0, n);
    for (std::int64_t m = 0; m < n; ++m) {
      auto proof = InclusionProof(m, n, LookupIn(nodes));
      ASSERT_TRUE(proof.has_value()) << proof.error();
      EXPECT_TRUE(VerifyInclusion(m, n, leaves[m], *proof, root)) << m << "/" << n;
      // Wrong leaf, wrong index, altered proof, wrong size: all refused.
      EXPECT_FALSE(VerifyInclusion(m, n, leaves[(m + 1) % 40], *proof, root));
      if (n > 1) {
        EXPECT_FALSE(VerifyInclusion((m + 1) % n, n, leaves[m], *proof, root));
      }
      if (!proof->empty()) {
        auto bad = *proof;
        bad.back()[0] ^= 1;
        EXPECT_FALSE(VerifyInclusion(m, n, leaves[m], bad, root));
        bad = *proof;
        bad.pop_back();
        EXPECT_FALSE(VerifyInclusion(m, n, leaves[m], bad, root));
      }
      // (A proof may also fit another tree size with the same path shape; the size is bound by
      // the signed checkpoint, not the proof.)
    }
  }
  EXPECT_FALSE(InclusionProof(5, 5, LookupIn(nodes)).has_value());
}

TEST(MerkleTest, ConsistencyProofsVerifyAndTamperingFails) {
  auto leaves = Leaves(40);
  auto nodes = AllNodes(leaves);
  for (std::int64_t n = 1; n <= 40; ++n) {
    Hash new_root = ReferenceRoot(leaves, 0, n);
    for (std::int64_t m = 1; m <= n; ++m) {
      Hash old_root = ReferenceRoot(leaves, 0, m);
      auto proof = ConsistencyProof(m, n, LookupIn(nodes));
      ASSERT_TRUE(proof.has_value()) << proof.error();
      EXPECT_TRUE(VerifyConsistency(m, n, old_root, new_root, *proof)) << m << "->" << n;
      if (m < n) {
        Hash other = old_root;
        other[3] ^= 0x40;
        EXPECT_FALSE(VerifyConsistency(m, n, other, new_root, *proof));
        EXPECT_FALSE(VerifyConsistency(m, n, old_root, other, *proof));
        auto bad = *proof;
        bad[0][0] ^= 1;
        EXPECT_FALSE(VerifyConsistency(m, n, old_root, new_root, bad));
      }
    }
  }
  // A tree that rewrote its history: same size, different leaf 3.
  auto forked = leaves;
  forked[3] = LeafHash("rewritten");
  auto forked_nodes = AllNodes(forked);
  auto proof = ConsistencyProof(10, 30, LookupIn(forked_nodes));
  EXPECT_FALSE(VerifyConsistency(10, 30, ReferenceRoot(leaves, 0, 10), ReferenceRoot(forked, 0, 30),
                                 *proof));
}

TEST(MerkleTest, ProofsNeedFewStoredHashes) {
  // A proof at ten million entries reads O(log n) stored subtrees, not O(n).
  EXPECT_LE(InclusionProofNodes(4'321'987, 10'000'000).size(), 60u);
  EXPECT_LE(ConsistencyProofNodes(3'333'333, 10'000'000).size(), 60u);
  EXPECT_EQ(RootNodes(10'000'000).size(), 8u);  // popcount(10,000,000)
}

}  // namespace
}  // namespace kycloud::audit
