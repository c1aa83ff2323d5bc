#include "kycloud/text/transliteration_model.h"

#include <gtest/gtest.h>

namespace kycloud::text {
namespace {

// A tiny "script" whose romanisation writes k for c and drops vowels.
std::vector<TransliterationModel::Pair> ToyPairs() {
  std::vector<TransliterationModel::Pair> out;
  for (const char* w : {"carlo", "marco", "clara", "carmen", "oscar", "camila", "ricardo", "nicola",
                        "franco", "cosmo", "marcel", "claudia", "costa", "lucas"}) {
    std::string target = w, source;
    for (char c : target) {
      if (c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u') continue;
      source += c == 'c' ? 'k' : c;
    }
    out.push_back({source, target});
  }
  return out;
}

TEST(TransliterationModelTest, LearnsCorrespondencesFromPairs) {
  auto m = TransliterationModel::Train(ToyPairs(), {});
  EXPECT_GT(m.size(), 0u);
  // A pair the model never saw, built by the same rule, beats a random Latin name.
  double good = m.LogOdds("mrk", "marc");
  double bad = m.LogOdds("mrk", "lotus");
  EXPECT_GT(good, 0);
  EXPECT_GT(good, bad + 1.0);
}

TEST(TransliterationModelTest, IgnoresNonLettersAndRejectsEmpty) {
  auto m = TransliterationModel::Train(ToyPairs(), {});
  EXPECT_DOUBLE_EQ(m.LogOdds("m-r k", "MARC!"), m.LogOdds("mrk", "marc"));
  EXPECT_EQ(m.Similarity("", "marc"), 0.0);
  EXPECT_EQ(m.Similarity("mrk", "123"), 0.0);
}

TEST(TransliterationModelTest, SerialisationRoundTrips) {
  TransliterationModels set;
  auto m = TransliterationModel::Train(ToyPairs(), {});
  m.SetCalibration(0.5, 3.0, 1.25);
  double before = m.Similarity("krl", "carlo");
  set.Set("cyrillic", std::move(m));
  auto parsed = TransliterationModels::Parse(set.Serialize());
  ASSERT_TRUE(parsed.has_value()) << parsed.error();
  const TransliterationModel* back = parsed->For(Script::kCyrillic);
  ASSERT_NE(back, nullptr);
  EXPECT_NEAR(back->Similarity("krl", "carlo"), before, 1e-3);
  EXPECT_DOUBLE_EQ(back->length_term(), 1.25);
  // No generic model in this set: other scripts have none; Latin never has one.
  EXPECT_EQ(parsed->For(Script::kArabic), nullptr);
  EXPECT_EQ(parsed->For(Script::kLatin), nullptr);
}

TEST(TransliterationModelTest, MalformedTsvNamesTheLine) {
  auto bad = TransliterationModels::Parse("cyrillic\tcal\t0\t1\t0\ncyrillic\tseg\tabc\tx\t-1\n");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message().find("line 2"), std::string::npos) << bad.error();
  EXPECT_FALSE(TransliterationModels::Parse("arabic\tseg\ta\tb\tnot-a-number\n").has_value());
  EXPECT_FALSE(TransliterationModels::Parse("arabic\tuni\ts\ta\t0.5\n").has_value());  // > 0
  EXPECT_FALSE(TransliterationModels::Parse("nocolumns\n").has_value());
}

TEST(TransliterationModelTest, BundledModelsSeparateTrueFromHardNegatives) {
  const auto& models = TransliterationModels::Default();
  ASSERT_FALSE(models.empty());
  struct Case {
    Script script;
    const char* native;
    const char* latin;
    const char* other;  // same first letter, not the same name
  };
  for (const Case& c : {Case{Script::kArabic, "فيينا", "villena", "valencia"},
                        Case{Script::kHebrew, "משה", "moshe", "marcus"},
                        Case{Script::kCyrillic, "Загорац", "zagorac", "zimmermann"},
                        Case{Script::kKana, "パヴリュチェンコワ", "pavlyuchenkova", "patterson"},
                        Case{Script::kHan, "古斯塔夫森", "gustafson", "goldberg"},
                        Case{Script::kHangul, "파블류첸코바", "pavlyuchenkova", "peterson"}}) {
    const TransliterationModel* m = models.For(c.script);
    ASSERT_NE(m, nullptr) << c.native;
    std::string source = ToLatin(c.native);
    EXPECT_GE(m->Similarity(source, c.latin), 0.80) << c.native << " / " << c.latin;
    EXPECT_LT(m->Similarity(source, c.other), 0.80) << c.native << " / " << c.other;
  }
  // Scripts without data of their own use the generic model.
  EXPECT_NE(models.For(Script::kGreek), nullptr);
}

}  // namespace
}  // namespace kycloud::text
