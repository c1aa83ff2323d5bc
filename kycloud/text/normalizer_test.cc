#include "kycloud/text/normalizer.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace kycloud::text {
namespace {

TEST(NormalizeTest, AsciiFastPath) {
  EXPECT_EQ(Normalize("Al-Qa'ida  Organisation, S.A."), "al qaida organisation s a");
  EXPECT_EQ(Normalize("  O'BRIEN, John  "), "obrien john");
  EXPECT_EQ(Normalize("JSC \"ARGUMENT\" 123"), "jsc argument 123");
  EXPECT_EQ(Normalize("---"), "");
  EXPECT_EQ(Normalize(""), "");
}

TEST(NormalizeTest, UnicodeFoldsAndStripsMarks) {
  EXPECT_EQ(Normalize("Müller-Lüdenscheidt"), "muller ludenscheidt");
  EXPECT_EQ(Normalize("STRAßE"), "strasse");
  EXPECT_EQ(Normalize("ＡＢＣ　Ｄｅｆ"), "abc def");  // full-width
  EXPECT_EQ(Normalize("ПУТИН Владимир"), "путин владимир");
  EXPECT_EQ(Normalize("Ἀθῆναι"), "αθηναι");
  EXPECT_EQ(Normalize("Mohammed’s"), "mohammeds");
  // The same text in ASCII and with a precomposed letter normalises the same.
  EXPECT_EQ(Normalize("Jose"), Normalize("José"));
}

TEST(ToLatinTest, Scripts) {
  EXPECT_EQ(ToLatin("Владимир Путин"), "vladimir putin");
  EXPECT_EQ(ToLatin("习近平"), "xi jin ping");
  EXPECT_EQ(ToLatin("Ἀθῆναι"), "athenai");
  EXPECT_EQ(ToLatin("김정은"), "gim jeong eun");
  EXPECT_EQ(ToLatin("plain Latin"), "plain latin");
  EXPECT_FALSE(ToLatin("صدام حسين").empty());
  EXPECT_TRUE(IsAscii(ToLatin("שלום עולם")));
  EXPECT_TRUE(IsAscii(ToLatin("トヨタ")));
}

TEST(ScriptTest, Detects) {
  EXPECT_EQ(DetectScript("Vladimir"), Script::kLatin);
  EXPECT_EQ(DetectScript("Владимир V"), Script::kCyrillic);
  EXPECT_EQ(DetectScript("习近平"), Script::kHan);
  EXPECT_EQ(DetectScript("صدام"), Script::kArabic);
  EXPECT_EQ(DetectScript("123 --"), Script::kUnknown);
  EXPECT_EQ(ScriptName(Script::kHangul), "hangul");
}

TEST(ToLatinTest, ThreadSafe) {
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        if (ToLatin("Владимир Путин") != "vladimir putin") ++wrong;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace kycloud::text
