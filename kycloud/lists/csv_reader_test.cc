#include "kycloud/lists/csv_reader.h"

#include <gtest/gtest.h>

#include "kycloud/lists/source_file.h"

namespace kycloud::lists {
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

TEST(SourceFileTest, CleansEncodingBomAndEndMarker) {
  EXPECT_EQ(ToCleanUtf8("\xef\xbb\xbf"
                        "abc"),
            "abc");
  EXPECT_EQ(ToCleanUtf8("a\r\n\x1a"), "a\r\n");
  EXPECT_EQ(ToCleanUtf8("CAF\xc9"), "CAF\xc3\x89");                  // Windows-1252 É
  EXPECT_EQ(ToCleanUtf8("\x93q\x94"), "\xe2\x80\x9cq\xe2\x80\x9d");  // curly quotes
  EXPECT_EQ(ToCleanUtf8("Привет"), "Привет");                        // valid UTF-8 untouched
  EXPECT_EQ(Trim("  \xc2\xa0x y\t"), "x y");
}

TEST(SourceFileTest, GunzipErrors) {
  auto r = Gunzip(std::string("\x1f\x8b\x08\x00garbage", 12), "x.gz");
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message().find("x.gz"), std::string_view::npos);
}

}  // namespace
}  // namespace kycloud::lists
