// DiffSnapshots: what changed between two list snapshots, per list — entities added, removed and
// modified (same list and id, different content: any name, address, date, id or program), by
// ListSnapshot::EntityFingerprint. `kycloud lists update` prints it; re-screening uses it to
// find the customers whose results could change.
//
// Thread-safety: pure function.
#pragma once

#include <string>
#include <vector>

#include "kycloud/lists/list_snapshot.h"

namespace kycloud::lists {

struct ListChange {
  std::string list;
  size_t before = 0;                                  // entities before
  size_t after = 0;                                   // entities after
  std::vector<std::string> added, removed, modified;  // entity ids, sorted
  bool changed() const { return !added.empty() || !removed.empty() || !modified.empty(); }
};

struct SnapshotDiff {
  std::string before_hash, after_hash;
  std::vector<ListChange> lists;  // every list of either snapshot, by id
  size_t added() const;
  size_t removed() const;
  size_t modified() const;
};

SnapshotDiff DiffSnapshots(const ListSnapshot& before, const ListSnapshot& after);

}  // namespace kycloud::lists
