#include "kycloud/lists/ofac_remarks.h"

#include <gtest/gtest.h>

namespace kycloud::lists {
namespace {

TEST(OfacRemarksTest, Dates) {
  EXPECT_EQ(ParseOfacDates("10 Dec 1948"), std::vector<std::string>{"1948-12-10"});
  EXPECT_EQ(ParseOfacDates("Dec 1948"), std::vector<std::string>{"1948-12"});
  EXPECT_EQ(ParseOfacDates("circa 1955"), std::vector<std::string>{"1955"});
  EXPECT_EQ(ParseOfacDates("1955 to 1957"), (std::vector<std::string>{"1955", "1956", "1957"}));
  EXPECT_TRUE(ParseOfacDates("unknown").empty());
}

TEST(OfacRemarksTest, FullRemark) {
  ListEntity e;
  ApplyOfacRemarks(
      "DOB 19 Jun 1951; alt. DOB 1950; POB Giza, Egypt; nationality Egypt; Passport 1084010 "
      "(Egypt); alt. Passport 19820215; National ID No. 123-45 (Iran) issued 01 Jan 2010; a.k.a. "
      "'BNC'; Email Address info@example.com; Digital Currency Address - XBT "
      "1AjZPMsnmpdK2Rv9KQNfMurTXinscVro9V; Linked To: RED MUNDIAL, S.A.; Operational Leader.",
      e);
  EXPECT_EQ(e.dates_of_birth, (std::vector<std::string>{"1951-06-19", "1950"}));
  EXPECT_EQ(e.places_of_birth, std::vector<std::string>{"Giza, Egypt"});
  EXPECT_EQ(e.nationalities, std::vector<std::string>{"Egypt"});
  ASSERT_EQ(e.ids.size(), 3u);
  EXPECT_EQ(e.ids[0], (Identifier{"Passport", "1084010", "Egypt"}));
  EXPECT_EQ(e.ids[1], (Identifier{"Passport", "19820215", ""}));
  EXPECT_EQ(e.ids[2], (Identifier{"National ID No.", "123-45", "Iran"}));
  ASSERT_EQ(e.names.size(), 1u);
  EXPECT_EQ(e.names[0], (EntityName{"BNC", NameKind::kWeakAlias}));
  EXPECT_EQ(e.emails, std::vector<std::string>{"info@example.com"});
  EXPECT_EQ(e.crypto_addresses, std::vector<std::string>{"XBT 1AjZPMsnmpdK2Rv9KQNfMurTXinscVro9V"});
  EXPECT_EQ(e.linked_to, std::vector<std::string>{"RED MUNDIAL, S.A."});
  EXPECT_NE(e.remarks.find("Operational Leader"), std::string::npos);
}

TEST(OfacRemarksTest, SplitKeepsQuotedAndParenthesisedSemicolons) {
  auto parts = SplitRemarks("a.k.a. 'X; Y'; Passport 1 (A; B); O'BRIEN'S; end");
  ASSERT_EQ(parts.size(), 4u);
  EXPECT_EQ(parts[0], "a.k.a. 'X; Y'");
  EXPECT_EQ(parts[1], " Passport 1 (A; B)");
}

TEST(OfacRemarksTest, NullAndGarbageAreHarmless) {
  ListEntity e;
  ApplyOfacRemarks("-0-", e);
  ApplyOfacRemarks(";;;  ; DOB ; POB", e);
  EXPECT_TRUE(e.dates_of_birth.empty());
  EXPECT_TRUE(e.names.empty());
}

}  // namespace
}  // namespace kycloud::lists
