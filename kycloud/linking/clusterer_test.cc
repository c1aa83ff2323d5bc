#include "kycloud/linking/clusterer.h"

#include <gtest/gtest.h>

namespace kycloud::linking {
namespace {

std::vector<std::string> Ids(size_t n) {
  std::vector<std::string> ids;
  for (size_t i = 0; i < n; ++i) ids.push_back("r" + std::to_string(i));
  return ids;
}

TEST(ClustererTest, OneWeakBridgeDoesNotJoinTwoGroups) {
  // Two triangles {0,1,2} and {3,4,5}, one weak link 2-3 between them.
  std::vector<ScoredLink> links = {{0, 1, 20}, {1, 2, 20}, {0, 2, 20}, {3, 4, 20},
                                   {4, 5, 20}, {3, 5, 20}, {2, 3, 6}};
  auto g = Cluster(Ids(6), links, {}, {.threshold_weight = 4, .strong_weight = 15});
  EXPECT_EQ(g[0], g[2]);
  EXPECT_EQ(g[3], g[5]);
  EXPECT_NE(g[2], g[3]);
  // Two weak links join them; so does one strong link.
  links.push_back({1, 4, 6});
  g = Cluster(Ids(6), links, {}, {.threshold_weight = 4, .strong_weight = 15});
  EXPECT_EQ(g[0], g[5]);
  links.pop_back();
  links.back().weight = 16;
  g = Cluster(Ids(6), links, {}, {.threshold_weight = 4, .strong_weight = 15});
  EXPECT_EQ(g[0], g[5]);
  // Below the threshold a link is ignored.
  g = Cluster(Ids(2), {{0, 1, 3.9}}, {}, {.threshold_weight = 4});
  EXPECT_NE(g[0], g[1]);
}

TEST(ClustererTest, JudgementsOverrideScores) {
  std::vector<ScoredLink> links = {{0, 1, 30}, {1, 2, 30}};
  auto g = Cluster(Ids(4), links, {{0, 2, false}, {2, 3, true}}, {.threshold_weight = 4});
  EXPECT_EQ(g[0], g[1]);
  EXPECT_NE(g[1], g[2]);  // 1-2 would join 0 and 2, judged not the same
  EXPECT_EQ(g[2], g[3]);  // judged the same without any link
}

TEST(ClustererTest, GroupsAreNamedByTheirSmallestIdWhateverTheOrder) {
  std::vector<std::string> ids = {"c", "a", "b"};
  auto g = Cluster(ids, {{0, 1, 9}, {1, 2, 9}}, {}, {.threshold_weight = 4});
  EXPECT_EQ(ids[g[0]], "a");
  EXPECT_EQ(ids[g[2]], "a");
}

}  // namespace
}  // namespace kycloud::linking
