#include "kycloud/screening/name_scorer.h"

#include <gtest/gtest.h>

namespace kycloud::screening {
namespace {

double Score(std::string_view a, std::string_view b, bool person = false) {
  auto uniform = [](const text::NameToken& t) {
    return t.kind == text::TokenKind::kLegalForm ? 0.3 : 3.0;
  };
  return ScoreNames(text::PrepareName(a, person), text::PrepareName(b, person), uniform).score;
}

TEST(NameScorerTest, OrderFreeAndExact) {
  EXPECT_DOUBLE_EQ(Score("Vladimir Putin", "PUTIN, Vladimir"), 1.0);
  EXPECT_DOUBLE_EQ(Score("Banco Nacional de Cuba", "BANCO NACIONAL DE CUBA"), 1.0);
}

TEST(NameScorerTest, TyposAndVariantsScoreHighUnrelatedLow) {
  EXPECT_GT(Score("Vladimir Putin", "Vladimir Poutin"), 0.9);
  EXPECT_LT(Score("Vladimir Putin", "Vladimir Biliy"), 0.6);
  EXPECT_LT(Score("John Smith", "Maria Garcia"), 0.1);
}

TEST(NameScorerTest, JoinedAndSplitTokens) {
  EXPECT_GT(Score("JSCARGUMENT", "JSC ARGUMENT"), 0.9);
  EXPECT_GT(Score("xi jin ping", "XI Jinping"), 0.9);
}

TEST(NameScorerTest, LegalFormsOnlyNeverMatch) {
  EXPECT_LE(Score("Alpha Trading LLC", "Omega Holdings LLC"), 0.5);
  EXPECT_GT(Score("Rosneft OAO", "Rosneft"), 0.8);  // the legal form weighs little
}

TEST(NameScorerTest, NumbersMustAgree) {
  EXPECT_LT(Score("140 Repair Plant", "150 Repair Plant"), 0.8);
  EXPECT_DOUBLE_EQ(Score("140 Repair Plant", "Repair Plant 140"), 1.0);
}

TEST(NameScorerTest, InitialsAndExplanation) {
  auto uniform = [](const text::NameToken&) { return 1.0; };
  auto s = ScoreNames(text::PrepareName("J. Smith", true), text::PrepareName("John Smith", true),
                      uniform);
  EXPECT_GT(s.score, 0.8);
  ASSERT_EQ(s.aligned.size(), 2u);
  EXPECT_TRUE(s.unmatched_query.empty());
  EXPECT_EQ(TokenSimilarity({"j", text::TokenKind::kWord}, {"john", text::TokenKind::kWord}), 0.75);
}

}  // namespace
}  // namespace kycloud::screening

namespace kycloud::screening {
namespace {

TEST(NameScorerTest, AbbreviationsOutsidePersonNames) {
  EXPECT_TRUE(IsAbbreviationOf("grp", "group"));
  EXPECT_TRUE(IsAbbreviationOf("srvces", "services"));
  EXPECT_TRUE(IsAbbreviationOf("intl", "international"));
  EXPECT_TRUE(IsAbbreviationOf("tech", "technology"));
  EXPECT_TRUE(IsAbbreviationOf("comm", "communications"));
  EXPECT_FALSE(IsAbbreviationOf("ali", "alina"));     // a prefix of 3 letters is not enough
  EXPECT_FALSE(IsAbbreviationOf("grp", "garden"));    // letters not in order
  EXPECT_FALSE(IsAbbreviationOf("group", "groups"));  // not short enough to abbreviate
  EXPECT_GT(Score("COMM GRP", "COMMUNICATIONS GROUP"), 0.8);
  EXPECT_GT(Score("TECH SRVCES INTL", "TECHNOLOGY SERVICES INTERNATIONAL"), 0.8);
  // Never between person names.
  EXPECT_LT(Score("Mgmt Smith", "Management Smith", /*person=*/true),
            Score("Mgmt Smith", "Management Smith"));
}

}  // namespace
}  // namespace kycloud::screening
