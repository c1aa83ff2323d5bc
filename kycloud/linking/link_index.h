// LinkIndex: incremental account linking. It keeps every record normalised, the records holding
// each blocking key, the number of records holding each identifier value (generic values) and a
// Fellegi-Sunter model trained by a batch run; Upsert scores a new or changed record against the
// records it shares a key with (blocks over `max_block` are skipped, as in batch) and re-clusters
// the records its links reach with the batch clusterer (same guard, same judgements, groups named
// by their smallest id). A record added to an index therefore joins the group that a batch run
// with the same model would give it; the model itself changes only with a batch re-link (Build).
//
// A value that becomes generic while the index grows stops counting for new comparisons; links
// made through it before stay until the next Build, and a value stays generic until then even if
// its count falls back (docs/linking.md).
//
// Thread-safety: none; the caller serialises access.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "kycloud/base/result.h"
#include "kycloud/linking/linker.h"

namespace kycloud::linking {

struct IndexedLink {
  std::string a, b;  // record ids, a < b
  double weight = 0;
  double probability = 0;
  std::string evidence;  // JSON (ExplainLink)
};

// An officer's judgement on two records, by id.
struct NamedJudgement {
  std::string a, b;
  bool same = false;
};

class LinkIndex {
 public:
  // A batch run over `records` (Link) trains the model and gives the first groups.
  // Errors: as Link.
  static Result<LinkIndex> Build(const std::vector<LinkRecord>& records,
                                 const std::vector<NamedJudgement>& judgements,
                                 const LinkOptions& options);

  struct Change {
    std::string group;                   // the record's group id (its own id when alone)
    std::vector<std::string> regrouped;  // records whose group id changed, the record included
  };

  // Adds a record, or replaces the record with its id (its old keys and links go). Errors:
  // InvalidArgument for an empty id.
  Result<Change> Upsert(const LinkRecord& record);
  // Takes a record out (a customer erased after retention): its keys, links and judgements go,
  // and the records of its former group are re-clustered (the group may split or be renamed).
  // `group` of the change is empty; `regrouped` names the records whose group changed. Errors:
  // NotFound naming an unknown id.
  Result<Change> Remove(const std::string& id);
  // Records an officer's judgement and re-clusters both records' groups. Errors: NotFound
  // naming an unknown id; InvalidArgument when a == b.
  Result<Change> Judge(const NamedJudgement& judgement);

  bool Contains(const std::string& id) const { return index_of_.count(id) > 0; }
  // The group id of a record ("" for an unknown id).
  std::string GroupOf(const std::string& id) const;
  // The members of the group of `id`, sorted (empty for an unknown id).
  std::vector<std::string> MembersOf(const std::string& id) const;
  // Every group of `min_size` or more records, each sorted, in the order of their first ids. One
  // pass over the records.
  std::vector<std::vector<std::string>> Groups(size_t min_size = 2) const;
  // The links of a record at or above the threshold, strongest first.
  std::vector<IndexedLink> LinksOf(const std::string& id) const;
  // The judgements that involve a record.
  std::vector<NamedJudgement> JudgementsOf(const std::string& id) const;
  size_t size() const { return index_of_.size(); }
  const FellegiSunterModel& model() const { return model_; }

 private:
  struct Edge {
    std::uint32_t other;
    double weight;
    Levels levels;
  };

  LinkIndex() = default;
  void AddKeysAndCounts(std::uint32_t i, int delta);
  void Link(std::uint32_t i);
  void Unlink(std::uint32_t i);
  std::vector<std::uint32_t> GroupMembers(std::uint32_t i) const;
  // Re-clusters the records reachable from `seeds` through links and judgements ("same").
  Change Recluster(const std::vector<std::uint32_t>& seeds, std::uint32_t focus);

  LinkOptions options_;
  double threshold_weight_ = 0, strong_weight_ = 0;
  FellegiSunterModel model_;
  Comparator comparator_;
  std::vector<NormalizedRecord> records_;  // a removed record's slot stays, with an empty id
  std::unordered_map<std::string, std::uint32_t> index_of_;
  std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> blocks_;
  std::unordered_map<std::uint64_t, std::uint32_t> value_counts_;
  std::vector<std::vector<Edge>> edges_;
  std::vector<std::uint32_t> group_;                    // the index of the group's smallest id
  std::unordered_map<std::uint64_t, bool> judgements_;  // (min << 32 | max) -> same
  std::vector<std::vector<std::uint32_t>> judged_;      // per record: the records judged with it
};

}  // namespace kycloud::linking
