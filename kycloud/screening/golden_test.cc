// Golden tables of name pairs (testdata/screening/*.tsv: name1, name2, schema, expected, note),
// scored with the bundled lists' token weights at the default threshold. golden.tsv must all
// pass; known_gaps.tsv lists cases the engine still gets wrong (they must still fail, so that a
// fix is noticed and the case moved to golden.tsv).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "kycloud/lists/list_loader.h"
#include "kycloud/screening/screener.h"

namespace kycloud::screening {
namespace {

std::string Root() {
  const char* root = std::getenv("KYCLOUD_SOURCE_DIR");
  return root ? root : ".";
}

struct Case {
  int line;
  std::string name1, name2, schema;
  bool expected;
  std::string note;
};

std::vector<Case> ReadTable(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in) << path;
  std::vector<Case> out;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, '\t')) cols.push_back(col);
    if (n == 1 && cols.size() > 0 && cols[0] == "name1") continue;
    EXPECT_GE(cols.size(), 4u) << path << ":" << n;
    if (cols.size() < 4) continue;
    out.push_back(
        {n, cols[0], cols[1], cols[2], cols[3] == "true", cols.size() > 4 ? cols[4] : ""});
  }
  return out;
}

const ScreeningIndex& BundledIndex() {
  static std::shared_ptr<const ScreeningIndex> index = [] {
    auto snap = lists::LoadListDirectory(Root() + "/data/lists");
    EXPECT_TRUE(snap.has_value());
    return ScreeningIndex::Build(std::make_shared<lists::ListSnapshot>(std::move(*snap)));
  }();
  return *index;
}

bool Matches(const Case& c, double* score) {
  std::optional<lists::Schema> schema;
  lists::Schema s;
  if (!c.schema.empty() && lists::ParseSchema(c.schema, s)) schema = s;
  *score = MatchNames(BundledIndex(), c.name1, c.name2, schema).score;
  return *score >= kDefaultThreshold;
}

TEST(GoldenTest, AllCasesPass) {
  auto cases = ReadTable(Root() + "/testdata/screening/golden.tsv");
  ASSERT_GT(cases.size(), 20u);
  for (const auto& c : cases) {
    double score;
    EXPECT_EQ(Matches(c, &score), c.expected)
        << "golden.tsv:" << c.line << " '" << c.name1 << "' vs '" << c.name2 << "' score " << score
        << " (" << c.note << ")";
  }
}

TEST(GoldenTest, KnownGapsStillFail) {
  auto cases = ReadTable(Root() + "/testdata/screening/known_gaps.tsv");
  for (const auto& c : cases) {
    double score;
    EXPECT_NE(Matches(c, &score), c.expected)
        << "known_gaps.tsv:" << c.line << " now passes (score " << score
        << "): move it to golden.tsv";
  }
}

}  // namespace
}  // namespace kycloud::screening
