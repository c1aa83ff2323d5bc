#include "kycloud/screening/ofac_scorer.h"

#include <gtest/gtest.h>

namespace kycloud::screening {
namespace {

TEST(OfacScorerTest, JaroWinklerVariant) {
  // Worked values of docs/adr/0004-ofac-parity.md: prefix bonus up to five characters,
  // transpositions not rounded down, no 0.7 boost threshold.
  EXPECT_NEAR(OfacJaroWinkler("MARTHA", "MARHTA"), 0.961111, 1e-5);
  EXPECT_NEAR(OfacJaroWinkler("VLADIMIRPUTIN", "VLADIMIRBILIY"), 0.897436, 1e-5);
  EXPECT_NEAR(OfacJaroWinkler("GEORGEBUSH", "GEYEAROUN"), 0.760000, 1e-5);
  EXPECT_NEAR(OfacJaroWinkler("GEORGEBUSH", "GLORYHARVEST"), 0.655000, 1e-5);
  EXPECT_NEAR(OfacJaroWinkler("AL-QAEDA", "ALQAIDA"), 0.895238, 1e-5);
  EXPECT_NEAR(OfacJaroWinkler("OBRIEN", "OBORON"), 0.822222, 1e-5);
  EXPECT_EQ(OfacJaroWinkler("", "A"), 0.0);
  EXPECT_EQ(OfacJaroWinkler("ABC", "XYZ"), 0.0);
}

TEST(OfacScorerTest, PrepareFoldsLikeSls) {
  OfacName n = PrepareOfacName("KIM, So'ng-hun");
  EXPECT_EQ(n.key, "KIMSONG-HUN");
  EXPECT_EQ(n.parts, (std::vector<std::string>{"KIM", "SONG", "HUN"}));
  EXPECT_EQ(PrepareOfacName("J.P. Morgan").parts, (std::vector<std::string>{"JP", "MORGAN"}));
  EXPECT_EQ(PrepareOfacName("Müller").key, "MULLER");
  // Short query parts are ignored unless every part is short.
  EXPECT_EQ(PrepareOfacName("KIM JONG UN").kept, (std::vector<std::string>{"KIM", "JONG"}));
  EXPECT_EQ(PrepareOfacName("Z").kept, (std::vector<std::string>{"Z"}));
  EXPECT_TRUE(PrepareOfacName("Владимир Путин").parts.empty());
}

TEST(OfacScorerTest, QualifyingPartsShareFirstLetterAndHalfTheLetters) {
  EXPECT_TRUE(OfacQualifies("GEORGE", "GEYE"));  // exactly 50%: inclusive
  EXPECT_FALSE(OfacQualifies("OSAMA", "USAMA"));
  EXPECT_FALSE(OfacQualifies("BUSH", "BOUTROS"));
}

TEST(OfacScorerTest, ScoresOfCapturedRows) {
  EXPECT_EQ(OfacScore("VLADIMIR PUTIN", "PUTIN, Vladimir"), 100);
  EXPECT_EQ(OfacScore("VLADIMIR PUTIN", "VLADIMIR BILIY"), 90);
  EXPECT_EQ(OfacScore("GEORGE BUSH", "OBEID, Boutros Georges"), 57);
  EXPECT_EQ(OfacScore("GEORGE BUSH", "HASWANI, George"), 50);
  EXPECT_EQ(OfacScore("OSAMA BIN LADEN", "USAMA BIN LADEN NETWORK"), 84);
  EXPECT_EQ(OfacScore("KIM JONG UN", "KIM, Jong Man"), 100);
  EXPECT_EQ(OfacScore("Z", "ALBARRAQ Z"), 100);
  // Not retrieved at all: no qualifying part.
  EXPECT_EQ(OfacScore("ALQAEDA", "AL QAEDA"), -1);
  EXPECT_EQ(OfacScore("Владимир Путин", "PUTIN, Vladimir"), -1);
}

}  // namespace
}  // namespace kycloud::screening
