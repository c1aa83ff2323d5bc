#include "kycloud/base/csv_reader.h"

#include <gtest/gtest.h>

namespace kycloud {
namespace {

std::vector<std::vector<std::string>> ReadAll(std::string_view text, char delim = ',') {
  CsvReader r(text, "t.csv", delim);
  std::vector<std::vector<std::string>> out;
  std::vector<std::string> f;
  while (*r.Next(f)) out.push_back(f);
  return out;
}

TEST(CsvReaderTest, QuotesNewlinesAndCrlf) {
  auto rows = ReadAll("1,\"a, b\",\"say \"\"hi\"\"\"\r\n2,\"multi\nline\",x\r\n\r\n3,,\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"1", "a, b", "say \"hi\""}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"2", "multi\nline", "x"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"3", "", ""}));
}

TEST(CsvReaderTest, OfacStyleTrailingSpaceAfterQuote) {
  auto rows = ReadAll("36,\"AEROCARIBBEAN\",-0- ,\"CUBA\" \n");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][1], "AEROCARIBBEAN");
  EXPECT_EQ(rows[0][2], "-0- ");
  EXPECT_EQ(rows[0][3], "CUBA ");
}

TEST(CsvReaderTest, LineNumbersAndUnterminatedQuote) {
  CsvReader r("a,b\n\"x\ny\",z\nc,\"open\nnever closed", "bad.csv");
  std::vector<std::string> f;
  ASSERT_TRUE(*r.Next(f));
  EXPECT_EQ(r.line(), 1);
  ASSERT_TRUE(*r.Next(f));
  EXPECT_EQ(r.line(), 2);
  auto err = r.Next(f);
  ASSERT_FALSE(err.has_value());
  EXPECT_EQ(err.error().message(), "bad.csv:4: unterminated quoted field");
}

TEST(CsvReaderTest, Tabs) {
  auto rows = ReadAll("\"Name\"\t\"City\"\n\"A B\"\t\"X\"\n", '\t');
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"A B", "X"}));
}

TEST(CsvReaderTest, TrimSpaceTakesNbspToo) {
  EXPECT_EQ(TrimSpace("  \xc2\xa0x y\t"), "x y");
  EXPECT_EQ(TrimSpace(""), "");
}

}  // namespace
}  // namespace kycloud
