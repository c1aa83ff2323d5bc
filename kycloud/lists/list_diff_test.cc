#include "kycloud/lists/list_diff.h"

#include <gtest/gtest.h>

namespace kycloud::lists {
namespace {

ListEntity Entity(std::string list, std::string id, std::string name) {
  ListEntity e;
  e.list = std::move(list);
  e.id = std::move(id);
  e.schema = Schema::kPerson;
  e.names.push_back({std::move(name), NameKind::kPrimary});
  return e;
}

TEST(ListDiffTest, ReportsAddedRemovedAndModifiedPerList) {
  ListSnapshot before({{.id = "a"}, {.id = "b"}},
                      {Entity("a", "1", "ONE"), Entity("a", "2", "TWO"), Entity("a", "3", "THREE"),
                       Entity("b", "9", "NINE")});
  ListEntity changed = Entity("a", "2", "TWO");
  changed.dates_of_birth.push_back("1970");  // any field counts, not only names
  ListSnapshot after(
      {{.id = "a"}, {.id = "c"}},
      {Entity("a", "1", "ONE"), changed, Entity("a", "4", "FOUR"), Entity("c", "5", "FIVE")});
  SnapshotDiff d = DiffSnapshots(before, after);
  EXPECT_EQ(d.before_hash, before.hash());
  EXPECT_EQ(d.after_hash, after.hash());
  ASSERT_EQ(d.lists.size(), 3u);
  const ListChange& a = d.lists[0];
  EXPECT_EQ(a.list, "a");
  EXPECT_EQ(a.before, 3u);
  EXPECT_EQ(a.after, 3u);
  EXPECT_EQ(a.added, (std::vector<std::string>{"4"}));
  EXPECT_EQ(a.removed, (std::vector<std::string>{"3"}));
  EXPECT_EQ(a.modified, (std::vector<std::string>{"2"}));
  EXPECT_EQ(d.lists[1].list, "b");
  EXPECT_EQ(d.lists[1].removed, (std::vector<std::string>{"9"}));
  EXPECT_EQ(d.lists[1].after, 0u);
  EXPECT_EQ(d.lists[2].list, "c");
  EXPECT_EQ(d.lists[2].added, (std::vector<std::string>{"5"}));
  EXPECT_EQ(d.added(), 2u);
  EXPECT_EQ(d.removed(), 2u);
  EXPECT_EQ(d.modified(), 1u);
}

TEST(ListDiffTest, IdenticalSnapshotsHaveNoChanges) {
  ListSnapshot s({{.id = "a"}}, {Entity("a", "1", "ONE")});
  SnapshotDiff d = DiffSnapshots(s, s);
  ASSERT_EQ(d.lists.size(), 1u);
  EXPECT_FALSE(d.lists[0].changed());
  EXPECT_EQ(d.before_hash, d.after_hash);
}

}  // namespace
}  // namespace kycloud::lists
