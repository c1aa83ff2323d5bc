#include "kycloud/audit/audit_verifier.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "kycloud/audit/checkpoint.h"

namespace kycloud::audit {

namespace {

constexpr std::int64_t kChunk = 20000;
constexpr size_t kMaxProblems = 100;

std::string HashBytes(const Hash& h) {
  return std::string(reinterpret_cast<const char*>(h.data()), h.size());
}

class Reporter {
 public:
  explicit Reporter(VerifyReport& r) : r_(r) {}
  void Bad(std::optional<std::int64_t> leaf, std::string what) {
    r_.ok = false;
    if (leaf && (!r_.first_bad_leaf || *leaf < *r_.first_bad_leaf)) r_.first_bad_leaf = leaf;
    if (r_.problems.size() < kMaxProblems) r_.problems.push_back(std::move(what));
  }

 private:
  VerifyReport& r_;
};

struct CheckpointToCheck {
  std::string origin_label;  // "stored checkpoint at size N" / "external checkpoint"
  std::int64_t size;
  Hash root;
  std::optional<Hash> recomputed;
};

}  // namespace

Result<VerifyReport> VerifyAuditLog(storage::AuditStore& store, const VerifyOptions& options) {
  VerifyReport report;
  Reporter bad(report);
  KY_ASSIGN_OR_RETURN(std::int64_t head_size, store.Size());

  // Checkpoints first: their sizes tell where to take roots while streaming.
  std::vector<CheckpointToCheck> checkpoints;
  const VerifierKey* key = options.key ? &*options.key : nullptr;
  report.signatures_checked = key != nullptr;
  KY_ASSIGN_OR_RETURN(auto stored, store.Checkpoints());
  auto add_checkpoint = [&](const std::string& label, const std::string& note,
                            const std::string* stored_root, std::int64_t stored_size) {
    auto parsed = ParseCheckpoint(note, key);
    if (!parsed.has_value()) {
      bad.Bad(std::nullopt, fmt::format("{}: {}", label, parsed.error().message()));
      return;
    }
    const Checkpoint& c = parsed->checkpoint;
    if (stored_root && (c.size != stored_size || HashBytes(c.root) != *stored_root)) {
      bad.Bad(std::nullopt, fmt::format("{}: the size or root stored beside it differs from the "
                                        "signed text",
                                        label));
    }
    checkpoints.push_back({label, c.size, c.root, std::nullopt});
  };
  for (const auto& c : stored) {
    add_checkpoint(fmt::format("stored checkpoint of size {}", c.size), c.note, &c.root, c.size);
  }
  if (options.external_checkpoint) {
    add_checkpoint("external checkpoint", *options.external_checkpoint, nullptr, 0);
  }

  CompactTree tree;
  std::int64_t expected = 0;
  std::map<std::int64_t, Hash> roots_wanted;
  for (const auto& c : checkpoints) roots_wanted[c.size] = Hash{};
  auto take_root = [&] {
    if (auto it = roots_wanted.find(tree.size()); it != roots_wanted.end()) {
      it->second = tree.Root();
    }
  };
  take_root();  // size 0
  bool broken_sequence = false;
  std::set<std::int64_t> bad_positions;  // leaves and subtree starts found bad
  for (std::int64_t begin = 0; !broken_sequence; begin += kChunk) {
    KY_ASSIGN_OR_RETURN(auto entries, store.Entries(begin, begin + kChunk));
    if (entries.empty()) break;
    std::vector<std::pair<NodeId, Hash>> computed;
    for (const auto& e : entries) {
      if (e.index != expected) {
        bad.Bad(expected, fmt::format("entry {} is missing (the next stored entry is {})", expected,
                                      e.index));
        broken_sequence = true;
        break;
      }
      auto j = nlohmann::json::parse(e.entry, nullptr, false);
      if (!j.is_object() || !j.contains("index") || !j["index"].is_number_integer() ||
          j["index"].get<std::int64_t>() != e.index) {
        bad.Bad(e.index, fmt::format("entry {}: its \"index\" field does not match its position "
                                     "(reordered or altered)",
                                     e.index));
        bad_positions.insert(e.index);
      }
      Hash leaf = LeafHash(e.entry);
      if (HashBytes(leaf) != e.leaf_hash) {
        bad.Bad(e.index,
                fmt::format("entry {}: its bytes do not hash to the stored leaf hash", e.index));
        bad_positions.insert(e.index);
        // Go on from the stored leaf hash, so that the subtrees above report only their own
        // changes, not this one again.
        if (e.leaf_hash.size() == leaf.size()) std::memcpy(leaf.data(), e.leaf_hash.data(), 32);
      }
      for (const auto& [id, h] : tree.Append(leaf)) {
        if (id.level > 0) computed.push_back({id, h});
      }
      take_root();
      ++expected;
    }
    // Compare the subtree hashes this chunk completed with the stored ones.
    std::vector<std::pair<int, std::int64_t>> ids;
    for (const auto& [id, h] : computed) ids.push_back({id.level, id.index});
    KY_ASSIGN_OR_RETURN(auto nodes, store.Nodes(ids));
    std::map<std::pair<int, std::int64_t>, std::string> by_id;
    for (const auto& n : nodes) by_id[{n.level, n.index}] = n.hash;
    for (const auto& [id, h] : computed) {
      std::int64_t first_leaf = id.index << id.level;
      std::int64_t end_leaf = first_leaf + (std::int64_t{1} << id.level);
      // A subtree over a leaf already found bad differs as a consequence; not reported again.
      if (auto b = bad_positions.lower_bound(first_leaf);
          b != bad_positions.end() && *b < end_leaf) {
        continue;
      }
      auto it = by_id.find({id.level, id.index});
      if (it == by_id.end()) {
        bad.Bad(first_leaf, fmt::format("stored hash of subtree level {} index {} (entries {}..{}) "
                                        "is missing",
                                        id.level, id.index, first_leaf,
                                        first_leaf + (std::int64_t{1} << id.level) - 1));
      } else if (it->second != HashBytes(h)) {
        bad.Bad(first_leaf, fmt::format("stored hash of subtree level {} index {} (entries {}..{}) "
                                        "differs from the recomputed one",
                                        id.level, id.index, first_leaf,
                                        first_leaf + (std::int64_t{1} << id.level) - 1));
        bad_positions.insert(first_leaf);
      }
    }
    if (options.progress) options.progress(expected, head_size);
    if (static_cast<std::int64_t>(entries.size()) < kChunk) break;
  }
  report.entries = expected;
  report.root = tree.Root();
  if (!broken_sequence && expected != head_size) {
    bad.Bad(
        expected < head_size ? std::optional<std::int64_t>(expected) : std::nullopt,
        fmt::format("the stored tree size is {} but {} entries were found", head_size, expected));
  }

  std::sort(checkpoints.begin(), checkpoints.end(),
            [](const auto& a, const auto& b) { return a.size < b.size; });
  std::int64_t last_good = 0;
  for (const auto& c : checkpoints) {
    ++report.checkpoints_checked;
    if (c.size > expected) {
      bad.Bad(expected, fmt::format("{}: signed for {} entries but the log holds {} (entries "
                                    "deleted from the end?)",
                                    c.origin_label, c.size, expected));
      continue;
    }
    if (roots_wanted[c.size] != c.root) {
      // Names a leaf only when nothing more precise was found in the range.
      auto b = bad_positions.lower_bound(last_good);
      bool explained = b != bad_positions.end() && *b < c.size;
      bad.Bad(explained ? std::nullopt : std::optional<std::int64_t>(last_good),
              fmt::format("{}: the root recomputed from entries 0..{} differs from the signed "
                          "root; the change lies in entries {}..{}",
                          c.origin_label, c.size - 1, last_good, c.size - 1));
    } else {
      last_good = std::max(last_good, c.size);
    }
  }
  return report;
}

}  // namespace kycloud::audit
