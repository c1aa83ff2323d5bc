#include "kycloud/lists/list_diff.h"

#include <map>

namespace kycloud::lists {

size_t SnapshotDiff::added() const {
  size_t n = 0;
  for (const auto& l : lists) n += l.added.size();
  return n;
}
size_t SnapshotDiff::removed() const {
  size_t n = 0;
  for (const auto& l : lists) n += l.removed.size();
  return n;
}
size_t SnapshotDiff::modified() const {
  size_t n = 0;
  for (const auto& l : lists) n += l.modified.size();
  return n;
}

SnapshotDiff DiffSnapshots(const ListSnapshot& before, const ListSnapshot& after) {
  SnapshotDiff d{before.hash(), after.hash(), {}};
  std::map<std::string, ListChange> by_list;
  for (const auto& l : before.lists()) by_list[l.id].before = l.entities;
  for (const auto& l : after.lists()) by_list[l.id].after = l.entities;
  // Both snapshots hold their entities sorted by (list, id): one merge walk.
  const auto& a = before.entities();
  const auto& b = after.entities();
  size_t i = 0, j = 0;
  auto key_less = [](const ListEntity& x, const ListEntity& y) {
    return x.list != y.list ? x.list < y.list : x.id < y.id;
  };
  while (i < a.size() || j < b.size()) {
    if (j == b.size() || (i < a.size() && key_less(a[i], b[j]))) {
      by_list[a[i].list].removed.push_back(a[i].id);
      ++i;
    } else if (i == a.size() || key_less(b[j], a[i])) {
      by_list[b[j].list].added.push_back(b[j].id);
      ++j;
    } else {
      if (ListSnapshot::EntityFingerprint(a[i]) != ListSnapshot::EntityFingerprint(b[j])) {
        by_list[a[i].list].modified.push_back(a[i].id);
      }
      ++i;
      ++j;
    }
  }
  for (auto& [id, change] : by_list) {
    change.list = id;
    d.lists.push_back(std::move(change));
  }
  return d;
}

}  // namespace kycloud::lists
