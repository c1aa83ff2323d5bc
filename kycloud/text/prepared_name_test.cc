#include "kycloud/text/prepared_name.h"

#include <gtest/gtest.h>

namespace kycloud::text {
namespace {

std::vector<std::string> Kinds(const PreparedName& p) {
  std::vector<std::string> out;
  for (const auto& t : p.tokens) out.push_back(t.text + "/" + std::string(TokenKindName(t.kind)));
  return out;
}

TEST(PreparedNameTest, LegalFormsRecognisedNotDropped) {
  EXPECT_EQ(Kinds(PrepareName("ACME Trading Co., Ltd.", false)),
            (std::vector<std::string>{"acme/word", "trading/word", "coltd/legal_form"}));
  auto p = PrepareName("Общество с ограниченной ответственностью \"Ромашка\"", false);
  ASSERT_EQ(p.tokens.size(), 2u);
  EXPECT_EQ(p.tokens[0].kind, TokenKind::kLegalForm);
  EXPECT_EQ(p.tokens[1].text, "romashka");
  EXPECT_EQ(Kinds(PrepareName("CECOEX, S.A.", false)),
            (std::vector<std::string>{"cecoex/word", "sa/legal_form"}));
  // A name that is only a legal form keeps it as a word.
  EXPECT_EQ(PrepareName("Limited", false).tokens[0].kind, TokenKind::kWord);
}

TEST(PreparedNameTest, PrefixesAndNumbers) {
  EXPECT_EQ(Kinds(PrepareName("Dr. Ayman al-Zawahiri", true)),
            (std::vector<std::string>{"dr/prefix", "ayman/word", "al/word", "zawahiri/word"}));
  EXPECT_EQ(Kinds(PrepareName("140 Repair Plant", false))[0], "140/number");
  // Prefixes only for persons and only at the start.
  EXPECT_EQ(PrepareName("Dr Pepper", false).tokens[0].kind, TokenKind::kWord);
}

TEST(PreparedNameTest, Joined) {
  EXPECT_EQ(PrepareName("Владимир ПУТИН", true).Joined(), "vladimir putin");
}

}  // namespace
}  // namespace kycloud::text
