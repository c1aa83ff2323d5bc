// The usage parsers on real provider and scheduler outputs (testdata/compute/telemetry/, see
// PROVENANCE.md there) and hand-written fixtures (testdata/compute/usage/): counts, one fully
// checked record per file (numbers read off the files), and errors that name the line and the
// field while the records around them are kept.
#include "kycloud/compute/usage_parsers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <vector>

namespace kycloud::compute {
namespace {

using ::testing::HasSubstr;

std::string Read(std::string_view rel) {
  const char* root = std::getenv("KYCLOUD_SOURCE_DIR");
  std::string path = std::string(root ? root : ".") + "/" + std::string(rel);
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Telemetry(std::string_view name) {
  return Read("testdata/compute/telemetry/" + std::string(name));
}
std::string Fixture(std::string_view name) {
  return Read("testdata/compute/usage/" + std::string(name));
}

Timestamp T(std::string_view rfc3339) { return ParseRfc3339(rfc3339).value(); }
Timestamp Unix(int64_t seconds) { return FromUnixMicros(seconds * 1'000'000); }

std::string Errors(const ParsedUsage& p) {
  std::string s;
  for (const auto& e : p.errors) s += FormatParseError("in", e) + "\n";
  return s;
}

const UsageRecord* FindRecord(const ParsedUsage& p, std::string_view id) {
  for (const auto& r : p.records) {
    if (r.record_id == id) return &r;
  }
  return nullptr;
}

ParsedUsage Jsonl(std::string_view text) {
  ParsedUsage out;
  ParseUsageJsonLines(text, 1, out);
  return out;
}

// --- formats and records ---

TEST(UsageFormatTest, NamesRoundTrip) {
  for (std::string_view name : {"jsonl", "csv", "cur", "sacct", "sacct-json", "dcgm"}) {
    auto f = ParseUsageFormat(name);
    ASSERT_TRUE(f.has_value()) << name;
    EXPECT_EQ(UsageFormatName(*f), name);
  }
  auto bad = ParseUsageFormat("parquet");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.error().message()), HasSubstr("parquet"));
}

TEST(UsageRecordTest, ValidateNamesTheField) {
  UsageRecord r;
  r.record_id = "r";
  r.account_id = "a";
  r.instance_type = "p5.48xlarge";
  r.start = T("2026-01-01T00:00:00Z");
  r.end = T("2026-01-01T01:30:00Z");
  EXPECT_TRUE(ValidateUsageRecord(r).ok());
  EXPECT_DOUBLE_EQ(r.Seconds(), 5400.0);

  auto field_of = [](UsageRecord x) { return std::string(ValidateUsageRecord(x).field()); };
  UsageRecord x = r;
  x.record_id.clear();
  EXPECT_EQ(field_of(x), "/record_id");
  x = r;
  x.account_id.clear();
  EXPECT_EQ(field_of(x), "/account_id");
  x = r;
  x.instance_type.clear();
  EXPECT_EQ(field_of(x), "/instance_type");
  x.accelerator = "h100";
  EXPECT_EQ(field_of(x), "");
  x = r;
  x.accelerator_count = -1;
  EXPECT_EQ(field_of(x), "/accelerator_count");
  x = r;
  x.instance_count = 0;
  EXPECT_EQ(field_of(x), "/instance_count");
  x = r;
  x.end = x.start;
  EXPECT_EQ(field_of(x), "/end");
  EXPECT_EQ(ValidateUsageRecord(x).message(), "end: must be after start");
  x = r;
  x.utilization = 1.01;
  EXPECT_EQ(field_of(x), "/utilization");
  x = r;
  x.tensor_active = -0.1;
  EXPECT_EQ(field_of(x), "/tensor_active");
}

TEST(UsageFormatTest, FormatParseError) {
  EXPECT_EQ(FormatParseError("u.jsonl", {3, "start: required"}), "u.jsonl:3: start: required");
  EXPECT_EQ(FormatParseError("u.csv", {0, "empty input"}), "u.csv: empty input");
}

// --- JSON lines ---

TEST(JsonLinesTest, Fixture) {
  ParsedUsage p = ParseUsage(UsageFormat::kJsonLines, Fixture("usage.jsonl"), "usage.jsonl");
  EXPECT_TRUE(p.errors.empty()) << Errors(p);
  ASSERT_EQ(p.records.size(), 5u);

  const UsageRecord& a = p.records[0];
  EXPECT_EQ(a.record_id, "r-0001");
  EXPECT_EQ(a.account_id, "acct-100");
  EXPECT_EQ(a.payer_id, "payer-1");
  EXPECT_EQ(a.organization_id, "org-7");
  EXPECT_EQ(a.resource_id, "i-0abc123def4567890");
  EXPECT_EQ(a.instance_type, "p5.48xlarge");
  EXPECT_EQ(a.accelerator, "");
  EXPECT_EQ(a.accelerator_count, 0);
  EXPECT_EQ(a.instance_count, 4);
  EXPECT_EQ(a.start, T("2026-01-05T00:00:00Z"));
  EXPECT_EQ(a.end, T("2026-01-05T06:30:00Z"));
  EXPECT_DOUBLE_EQ(a.Seconds(), 6.5 * 3600);
  EXPECT_EQ(a.region, "us-east-1");
  EXPECT_EQ(a.cluster, "pg-train-1");
  EXPECT_EQ(a.utilization, 0.42);
  EXPECT_EQ(a.precision, Precision::kBf16);
  EXPECT_EQ(a.tensor_active, 0.55);
  EXPECT_EQ(a.source, "jsonl");

  const UsageRecord& b = p.records[1];  // Unix seconds, one with a fraction
  EXPECT_EQ(b.accelerator, "h100");
  EXPECT_EQ(b.accelerator_count, 8);
  EXPECT_EQ(b.instance_count, 1);
  EXPECT_EQ(b.start, T("2026-01-05T00:00:00Z"));
  EXPECT_EQ(b.end, T("2026-01-05T01:00:00.5Z"));
  EXPECT_FALSE(b.utilization.has_value());
  EXPECT_FALSE(b.precision.has_value());

  const UsageRecord& c = p.records[2];  // UTC offsets; "region": null is "not given"
  EXPECT_EQ(c.start, T("2026-01-04T23:00:00Z"));
  EXPECT_EQ(c.precision, Precision::kBf16);  // fp16
  EXPECT_EQ(c.region, "");

  EXPECT_EQ(p.records[3].account_id, "acct-\xc3\xa9t\xc3\xa9");  // \u escapes
  EXPECT_EQ(p.records[3].start, T("2026-01-06T00:00:00Z"));
  EXPECT_EQ(p.records[4].record_id, "r-0005");  // CRLF line end
  EXPECT_DOUBLE_EQ(p.records[4].Seconds(), 0.75);
}

TEST(JsonLinesTest, BadLinesNameLineAndFieldAndKeepNeighbours) {
  const std::string good = R"({"record_id":"ok","account_id":"a","instance_type":"p5.48xlarge",)"
                           R"("start":"2026-01-01T00:00:00Z","end":"2026-01-01T01:00:00Z"})";
  auto with = [&](std::string_view extra) {
    std::string line = good;
    line.pop_back();
    return line + "," + std::string(extra) + "}";
  };
  struct Case {
    std::string line;
    std::string message;
  };
  const std::vector<Case> cases = {
      {R"({"record_id":"x","account_id":"a")", "malformed JSON"},  // truncated
      {R"({"record_id":"x","account_id":"a)", "malformed JSON"},   // unclosed string
      {with(R"("accelerator_count":"8")"), "accelerator_count: expected an integer"},
      {with(R"("accelerator_count":8.5)"), "accelerator_count: expected an integer"},
      {with(R"("accelerator_count":-1)"), "accelerator_count: must be >= 0"},
      {with(R"("instance_count":0)"), "instance_count: must be >= 1"},
      {with(R"("instance_count":99999999999)"), "instance_count: out of range"},
      {with(R"("account":"typo")"), "account: unknown field"},
      {with(R"("precision":"fp4")"), "precision: unknown precision 'fp4'"},
      {with(R"("utilization":1.5)"), "utilization: must be in [0, 1]"},
      {with(R"("tensor_active":"high")"), "tensor_active: expected a number"},
      {with(R"("region":42)"), "region: expected a string"},
      {with(R"("record_id":"again")"), "record_id: repeated field"},
      {R"({"record_id":"x","account_id":"a","instance_type":"p5.48xlarge",)"
       R"("start":"2026-01-01T01:00:00Z","end":"2026-01-01T01:00:00Z"})",
       "end: must be after start"},
      {R"({"record_id":"x","account_id":"a","instance_type":"p5.48xlarge",)"
       R"("end":"2026-01-01T01:00:00Z"})",
       "start: required"},
      {R"({"record_id":"x","account_id":"a","instance_type":"p5.48xlarge",)"
       R"("start":"yesterday","end":"2026-01-01T01:00:00Z"})",
       "start: invalid timestamp 'yesterday'"},
      {R"({"record_id":"x","account_id":"a","instance_type":"p5.48xlarge",)"
       R"("start":-5,"end":"2026-01-01T01:00:00Z"})",
       "start: Unix seconds out of range"},
      {R"({"record_id":"x","account_id":null,"instance_type":"p5.48xlarge",)"
       R"("start":"2026-01-01T00:00:00Z","end":"2026-01-01T01:00:00Z"})",
       "account_id: required"},
      {R"({"record_id":"x","account_id":"a","start":"2026-01-01T00:00:00Z",)"
       R"("end":"2026-01-01T01:00:00Z"})",
       "instance_type: an instance type or an accelerator is required"},
      {R"(["record_id","x"])", "not a JSON object"},
      {good + R"( {"x":1})", "malformed JSON: characters after the object"},
      {with("\"cluster\":\"bad \xff utf8\""), "malformed JSON"},
  };
  for (const Case& c : cases) {
    std::string text = good + "\n" + c.line + "\n\n" + good + "\n";
    ParsedUsage p = Jsonl(text);
    EXPECT_EQ(p.records.size(), 2u) << c.line;
    ASSERT_EQ(p.errors.size(), 1u) << c.line;
    EXPECT_EQ(p.errors[0].line, 2) << c.line;
    EXPECT_THAT(p.errors[0].message, HasSubstr(c.message)) << c.line;
  }
}

TEST(JsonLinesTest, EscapedKeysAndLookalikes) {
  // JSON escapes in a key name the same field; near misses are unknown fields.
  ParsedUsage p =
      Jsonl(R"({"record\u005fid":"x","account_id":"a","accelerator":"h100","start":0,"end":1})"
            "\n"
            R"({"record_id":"x","account_id":"a","accelerator_c":8,"start":0,"end":1})"
            "\n"
            R"({"record_id":"x","account_id":"a","accelerator":"h100","start":0,"end":1,"":1})");
  ASSERT_EQ(p.records.size(), 1u) << Errors(p);
  EXPECT_EQ(p.records[0].record_id, "x");
  ASSERT_EQ(p.errors.size(), 2u);
  EXPECT_EQ(p.errors[0].message, "accelerator_c: unknown field");
  EXPECT_EQ(p.errors[1].line, 3);
  EXPECT_EQ(p.errors[1].message, ": unknown field");
}

TEST(JsonLinesTest, ChunksKeepLineNumbers) {
  std::string text = Fixture("usage.jsonl") + "{\"record_id\":1}\n";
  ParsedUsage whole = Jsonl(text);
  ASSERT_EQ(whole.records.size(), 5u);
  ASSERT_EQ(whole.errors.size(), 1u);
  EXPECT_EQ(whole.errors[0].line, 7);

  // Split after line 3 and feed the chunks as a streaming reader would.
  size_t cut = 0;
  for (int i = 0; i < 3; ++i) cut = text.find('\n', cut) + 1;
  ParsedUsage chunks;
  ParseUsageJsonLines(std::string_view(text).substr(0, cut), 1, chunks);
  ParseUsageJsonLines(std::string_view(text).substr(cut), 4, chunks);
  ASSERT_EQ(chunks.records.size(), 5u);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(chunks.records[i].record_id, whole.records[i].record_id);
    EXPECT_EQ(chunks.records[i].end, whole.records[i].end);
  }
  ASSERT_EQ(chunks.errors.size(), 1u);
  EXPECT_EQ(chunks.errors[0].line, 7);
  EXPECT_EQ(chunks.errors[0].message, "record_id: expected a string");
}

TEST(JsonLinesTest, IntegralDoublesAndLastLineWithoutNewline) {
  ParsedUsage p =
      Jsonl(R"({"record_id":"x","account_id":"a","accelerator":"h100","accelerator_count":8.0,)"
            R"("start":0,"end":1})");
  ASSERT_EQ(p.records.size(), 1u) << Errors(p);
  EXPECT_EQ(p.records[0].accelerator_count, 8);
  EXPECT_EQ(p.records[0].start, Unix(0));
  EXPECT_TRUE(Jsonl("").records.empty());
  EXPECT_TRUE(Jsonl("\n  \r\n").errors.empty());
}

// --- CSV ---

TEST(CsvTest, Fixture) {
  ParsedUsage p = ParseUsage(UsageFormat::kCsv, Fixture("usage.csv"), "usage.csv");
  EXPECT_TRUE(p.errors.empty()) << Errors(p);
  ASSERT_EQ(p.records.size(), 3u);
  const UsageRecord& a = p.records[0];
  EXPECT_EQ(a.record_id, "c-1");
  EXPECT_EQ(a.account_id, "acct-100");
  EXPECT_EQ(a.instance_type, "p4d.24xlarge");
  EXPECT_EQ(a.accelerator_count, 0);
  EXPECT_EQ(a.instance_count, 2);
  EXPECT_EQ(a.start, T("2026-02-01T00:00:00Z"));
  EXPECT_EQ(a.end, T("2026-02-01T12:00:00Z"));
  EXPECT_EQ(a.region, "us-west-2");
  EXPECT_EQ(a.precision, Precision::kBf16);
  EXPECT_EQ(a.utilization, 0.35);
  EXPECT_EQ(a.source, "csv");
  const UsageRecord& b = p.records[1];  // hours instead of end
  EXPECT_EQ(b.accelerator, "a100-80gb");
  EXPECT_EQ(b.accelerator_count, 4);
  EXPECT_EQ(b.instance_count, 1);
  EXPECT_EQ(b.end, T("2026-02-02T02:30:00Z"));
  const UsageRecord& c = p.records[2];  // trimmed cells, Unix seconds, multi-line quoted note
  EXPECT_EQ(c.account_id, "acct-300");
  EXPECT_EQ(c.start, Unix(1770000000));
  EXPECT_DOUBLE_EQ(c.Seconds(), 3600);
  EXPECT_EQ(c.precision, Precision::kFp8);
}

TEST(CsvTest, MissingColumnsMakeTheInputUnusable) {
  ParsedUsage p = ParseUsage(UsageFormat::kCsv,
                             "record_id,account_id,start,end\nr,a,2026-01-01,2026-01-02\n", "x");
  EXPECT_TRUE(p.records.empty());
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_EQ(p.errors[0].line, 1);
  EXPECT_THAT(p.errors[0].message, HasSubstr("no 'instance_type' or 'accelerator' column"));
  EXPECT_EQ(ParseUsage(UsageFormat::kCsv, "", "x").errors.size(), 1u);
}

TEST(CsvTest, BadRowsNameLineAndField) {
  std::string text =
      "record_id,account_id,accelerator,accelerator_count,start,end,precision\n"
      "ok1,a,h100,8,2026-01-01T00:00:00Z,2026-01-01T01:00:00Z,\n"
      "bad1,a,h100,eight,2026-01-01T00:00:00Z,2026-01-01T01:00:00Z,\n"
      "bad2,a,h100,-8,2026-01-01T00:00:00Z,2026-01-01T01:00:00Z,\n"
      "bad3,a,h100,8,2026-01-01T00:00:00Z\n"
      "bad4,a,h100,8,2026-01-01T02:00:00Z,2026-01-01T01:00:00Z,\n"
      "bad5,a,h100,8,2026-01-01T00:00:00Z,2026-01-01T01:00:00Z,fp3\n"
      "bad6,a,h100,8,2026-01-01T00:00:00Z,,\n"
      "ok2,a,h100,8,2026-01-01T00:00:00Z,2026-01-01T01:00:00Z,tf32\n"
      "bad7,a,h100,8,\"2026-01-01T00:00:00Z,2026-01-01T01:00:00Z,\n"
      "never,a,h100,8,2026-01-01T00:00:00Z,2026-01-01T01:00:00Z,\n";
  ParsedUsage p = ParseUsage(UsageFormat::kCsv, text, "x");
  ASSERT_EQ(p.records.size(), 2u) << Errors(p);
  EXPECT_EQ(p.records[0].record_id, "ok1");
  EXPECT_EQ(p.records[1].record_id, "ok2");
  ASSERT_EQ(p.errors.size(), 7u) << Errors(p);
  std::vector<std::pair<int, std::string>> want = {
      {3, "accelerator_count: not an integer"},  {4, "accelerator_count: must be >= 0"},
      {5, "expected 7 fields, got 5"},           {6, "end: must be after start"},
      {7, "precision: unknown precision 'fp3'"}, {8, "end: required"},
      {10, "start: unterminated quoted field"},  // runs to the end: nothing after is read
  };
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(p.errors[i].line, want[i].first) << p.errors[i].message;
    EXPECT_THAT(p.errors[i].message, HasSubstr(want[i].second));
  }
}

// --- AWS CUR ---

TEST(AwsCurTest, LegacyFixture) {
  ParsedUsage p = ParseUsage(UsageFormat::kAwsCur, Fixture("cur_legacy.csv"), "cur_legacy.csv");
  EXPECT_TRUE(p.errors.empty()) << Errors(p);
  // 12 rows: 5 instance usage; EBS, data transfer, tax, RI fee, credit, EMR and a Savings Plan
  // negation are skipped.
  ASSERT_EQ(p.records.size(), 5u);
  const UsageRecord& a = p.records[0];
  EXPECT_EQ(a.record_id,
            "pq2yjxqnnk7ewe6a3zeglxgfv6yrcsnmh2hj4kb6wyhcrbb3sjfa@2018-12-01T00:00:00Z");
  EXPECT_EQ(a.account_id, "444455556666");
  EXPECT_EQ(a.payer_id, "111122223333");
  EXPECT_EQ(a.resource_id, "i-0a1b2c3d4e5f60001");
  EXPECT_EQ(a.instance_type, "p5.48xlarge");
  EXPECT_EQ(a.instance_count, 1);
  EXPECT_EQ(a.start, T("2018-12-01T00:00:00Z"));
  EXPECT_EQ(a.end, T("2018-12-01T01:00:00Z"));
  EXPECT_EQ(a.region, "us-east-1");
  EXPECT_EQ(a.source, "cur");

  const UsageRecord& spot = p.records[1];  // USW2-SpotUsage, no product/instanceType
  EXPECT_EQ(spot.instance_type, "p3.16xlarge");
  EXPECT_EQ(spot.region, "us-west-2");
  EXPECT_EQ(spot.end, T("2018-12-01T00:30:00Z"));  // 0.5 instance-hours from the start

  const UsageRecord& multi = p.records[2];  // 3 instance-hours in a 1-hour line item
  EXPECT_EQ(multi.account_id, "777788889999");
  EXPECT_EQ(multi.instance_type, "p4d.24xlarge");
  EXPECT_EQ(multi.instance_count, 3);
  EXPECT_EQ(multi.end, T("2018-12-01T01:00:00Z"));

  EXPECT_EQ(p.records[3].instance_type, "g5.xlarge");  // DiscountedUsage (reserved)
  const UsageRecord& dedicated = p.records[4];
  EXPECT_EQ(dedicated.instance_type, "p4de.24xlarge");
  EXPECT_EQ(dedicated.region, "eu-central-1");
  EXPECT_DOUBLE_EQ(dedicated.Seconds(), 900);
}

TEST(AwsCurTest, AthenaFixture) {
  ParsedUsage p = ParseUsage(UsageFormat::kAwsCur, Fixture("cur_athena.csv"), "cur_athena.csv");
  ASSERT_EQ(p.records.size(), 3u) << Errors(p);
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_EQ(p.errors[0].line, 5);
  EXPECT_EQ(p.errors[0].message, "line_item_usage_amount: not a number: 'not-a-number'");

  const UsageRecord& a = p.records[0];  // Athena timestamps without a zone: UTC
  EXPECT_EQ(a.record_id,
            "a1lyxqnnk7ewe6a3zeglxgfv6yrcsnmh2hj4kb6wyhcrbb3sjfa@2022-11-01T00:00:00Z");
  EXPECT_EQ(a.account_id, "123456789012");
  EXPECT_EQ(a.payer_id, "210987654321");
  EXPECT_EQ(a.instance_type, "p4d.24xlarge");
  EXPECT_EQ(a.region, "ap-northeast-1");
  EXPECT_EQ(a.start, T("2022-11-01T00:00:00Z"));
  EXPECT_EQ(a.end, T("2022-11-01T01:00:00Z"));

  const UsageRecord& daily = p.records[1];  // 48 instance-hours in a day: 2 instances
  EXPECT_EQ(daily.instance_type, "g5.48xlarge");
  EXPECT_EQ(daily.instance_count, 2);
  EXPECT_EQ(daily.region, "us-east-1");
  EXPECT_DOUBLE_EQ(daily.Seconds(), 86400);

  EXPECT_EQ(p.records[2].instance_type, "p5.48xlarge");  // HostUsage
  EXPECT_DOUBLE_EQ(p.records[2].Seconds(), 2700);
}

TEST(AwsCurTest, ReadsTheRealAthenaColumnList) {
  // Every column of the published CUR table, in its order, with values in the columns read.
  // This report was set up without resource ids (no line_item_resource_id column).
  std::string sql = Telemetry("aws-cur_athena_create-table.sql");
  std::vector<std::string> columns;
  std::istringstream lines(sql);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] != '\t') continue;
    columns.push_back(line.substr(1, line.find(' ') - 1));
  }
  ASSERT_GT(columns.size(), 150u);
  const std::map<std::string, std::string> values = {
      {"identity_line_item_id", "abc"},
      {"bill_payer_account_id", "210987654321"},
      {"line_item_usage_account_id", "123456789012"},
      {"line_item_line_item_type", "Usage"},
      {"line_item_usage_start_date", "2022-11-01 00:00:00.000"},
      {"line_item_usage_end_date", "2022-11-01 01:00:00.000"},
      {"line_item_product_code", "AmazonEC2"},
      {"line_item_usage_type", "USE1-BoxUsage:p5.48xlarge"},
      {"line_item_usage_amount", "1.0"},
      {"product_instance_type", "p5.48xlarge"},
      {"product_region_code", "us-east-1"},
  };
  std::string header, row;
  for (size_t i = 0; i < columns.size(); ++i) {
    header += (i ? "," : "") + columns[i];
    auto it = values.find(columns[i]);
    row += (i ? "," : "") + (it == values.end() ? std::string() : it->second);
  }
  for (const auto& [name, value] : values) {
    EXPECT_NE(std::find(columns.begin(), columns.end(), name), columns.end()) << name;
  }
  ParsedUsage p = ParseUsage(UsageFormat::kAwsCur, header + "\n" + row + "\n", "cur");
  ASSERT_EQ(p.records.size(), 1u) << Errors(p);
  EXPECT_EQ(p.records[0].record_id, "abc@2022-11-01T00:00:00Z");
  EXPECT_EQ(p.records[0].instance_type, "p5.48xlarge");
  EXPECT_EQ(p.records[0].region, "us-east-1");
  EXPECT_EQ(p.records[0].resource_id, "");
}

TEST(AwsCurTest, NotACurHeader) {
  ParsedUsage p = ParseUsage(UsageFormat::kAwsCur, Fixture("usage.csv"), "usage.csv");
  EXPECT_TRUE(p.records.empty());
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_EQ(p.errors[0].line, 1);
  EXPECT_THAT(p.errors[0].message, HasSubstr("not an AWS CUR header"));
}

// --- Slurm sacct -P ---

TEST(SacctTest, Fixture) {
  ParsedUsage p = ParseUsage(UsageFormat::kSacct, Fixture("sacct_p.txt"), "sacct_p.txt");
  // Steps, the running and pending jobs, the CPU-only job and the zero-length job give nothing;
  // the untyped GPU job (line 8) needs a default accelerator.
  ASSERT_EQ(p.records.size(), 2u) << Errors(p);
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_EQ(p.errors[0].line, 8);
  EXPECT_THAT(p.errors[0].message, HasSubstr("AllocTRES: 4 GPUs without a type"));

  const UsageRecord& a = p.records[0];
  EXPECT_EQ(a.record_id, "gpu1:4242");
  EXPECT_EQ(a.account_id, "llm-team");
  EXPECT_EQ(a.resource_id, "4242");
  EXPECT_EQ(a.cluster, "gpu1");
  EXPECT_EQ(a.accelerator, "h100");
  EXPECT_EQ(a.instance_type, "");
  EXPECT_EQ(a.instance_count, 2);  // 16 GPUs on 2 nodes
  EXPECT_EQ(a.accelerator_count, 8);
  EXPECT_EQ(a.start, T("2024-05-25T08:00:00Z"));  // sacct local time, read as UTC
  EXPECT_EQ(a.end, T("2024-05-25T10:00:00Z"));
  EXPECT_EQ(a.source, "sacct");

  const UsageRecord& array_task = p.records[1];
  EXPECT_EQ(array_task.record_id, "gpu1:4250");  // JobIDRaw
  EXPECT_EQ(array_task.resource_id, "4246_3");
  EXPECT_EQ(array_task.accelerator, "a100");
  EXPECT_EQ(array_task.accelerator_count, 2);
  EXPECT_EQ(array_task.instance_count, 1);

  ParseOptions options;
  options.default_accelerator = "a100-80gb";
  ParsedUsage q = ParseUsage(UsageFormat::kSacct, Fixture("sacct_p.txt"), "x", options);
  EXPECT_TRUE(q.errors.empty()) << Errors(q);
  ASSERT_EQ(q.records.size(), 3u);
  const UsageRecord* untyped = FindRecord(q, "gpu1:4245");
  ASSERT_NE(untyped, nullptr);
  EXPECT_EQ(untyped->account_id, "carol");  // no Account: the user
  EXPECT_EQ(untyped->accelerator, "a100-80gb");
  EXPECT_EQ(untyped->accelerator_count, 4);  // gres/gpumem is not a GPU count
}

TEST(SacctTest, ErrorsAndHeaders) {
  std::string text =
      "JobID|Account|Start|End|AllocTRES\n"
      "1|a|2024-05-25T08:00:00|2024-05-25T09:00:00|gres/gpu:h100=8,node=1\n"
      "2|a|25/05/2024|2024-05-25T09:00:00|gres/gpu:h100=8\n"
      "3|a|2024-05-25T08:00:00|2024-05-25T09:00:00|gres/gpu:h100=many\n"
      "4|a|2024-05-25T08:00:00|2024-05-25T09:00:00\n"
      "5|a|2024-05-25T10:00:00|2024-05-25T09:00:00|gres/gpu:h100=8\n"
      "6|a|2024-05-25T08:00:00|2024-05-25T09:00:00|gres/gpu:h100=1,gres/gpu:a100=2\n";
  ParsedUsage p = ParseUsage(UsageFormat::kSacct, text, "x");
  ASSERT_EQ(p.errors.size(), 4u) << Errors(p);
  EXPECT_EQ(p.errors[0].line, 3);
  EXPECT_THAT(p.errors[0].message, HasSubstr("Start: invalid timestamp"));
  EXPECT_EQ(p.errors[1].line, 4);
  EXPECT_THAT(p.errors[1].message, HasSubstr("AllocTRES: 'gres/gpu:h100=many' is not a count"));
  EXPECT_EQ(p.errors[2].line, 5);
  EXPECT_EQ(p.errors[2].message, "expected 5 fields, got 4");
  EXPECT_EQ(p.errors[3].line, 6);
  EXPECT_THAT(p.errors[3].message, HasSubstr("End: before"));
  // No Cluster column: the record id is the job id; two GPU types give two records.
  ASSERT_EQ(p.records.size(), 3u);
  EXPECT_EQ(p.records[0].record_id, "1");
  EXPECT_EQ(p.records[1].record_id, "6:h100");
  EXPECT_EQ(p.records[2].record_id, "6:a100");
  EXPECT_EQ(p.records[2].accelerator_count, 2);

  ParsedUsage bad = ParseUsage(UsageFormat::kSacct, "JobID|Start|End\n1|x|y\n", "x");
  EXPECT_TRUE(bad.records.empty());
  ASSERT_EQ(bad.errors.size(), 1u);
  EXPECT_EQ(bad.errors[0].line, 1);
  EXPECT_THAT(bad.errors[0].message, HasSubstr("no 'AllocTRES' column"));
}

// --- Slurm sacct --json ---

TEST(SacctJsonTest, Slurm21UntypedGpuNeedsDefault) {
  std::string text = Telemetry("sarc_sacct-json_slurm_21_8_8.json");
  ParsedUsage p = ParseUsage(UsageFormat::kSacctJson, text, "x");
  EXPECT_TRUE(p.records.empty());
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_EQ(p.errors[0].line, 18);  // the job object's line
  EXPECT_THAT(p.errors[0].message, HasSubstr("tres.allocated: 1 GPUs without a type"));

  ParseOptions options;
  options.default_accelerator = "p100";
  p = ParseUsage(UsageFormat::kSacctJson, text, "x", options);
  EXPECT_TRUE(p.errors.empty()) << Errors(p);
  ASSERT_EQ(p.records.size(), 1u);
  const UsageRecord& r = p.records[0];  // a REQUEUED job that ran: it counts
  EXPECT_EQ(r.record_id, "cedar:55978384");
  EXPECT_EQ(r.account_id, "rrg-bengioy-ad_gpu");
  EXPECT_EQ(r.resource_id, "55978384");
  EXPECT_EQ(r.cluster, "cedar");
  EXPECT_EQ(r.accelerator, "p100");
  EXPECT_EQ(r.accelerator_count, 1);
  EXPECT_EQ(r.instance_count, 1);
  EXPECT_EQ(r.start, Unix(1673275023));
  EXPECT_EQ(r.end, Unix(1673369386));
  EXPECT_EQ(r.source, "sacct-json");
}

TEST(SacctJsonTest, Slurm22ArrayTaskOnFourNodes) {
  ParseOptions options;
  options.default_accelerator = "a100";
  ParsedUsage p = ParseUsage(UsageFormat::kSacctJson,
                             Telemetry("sarc_sacct-json_slurm_22_5_9.json"), "x", options);
  EXPECT_TRUE(p.errors.empty()) << Errors(p);
  ASSERT_EQ(p.records.size(), 1u);
  const UsageRecord& r = p.records[0];  // FAILED after 34.5 hours: it counts
  EXPECT_EQ(r.record_id, "narval:20247445");
  EXPECT_EQ(r.resource_id, "20247445_100");
  EXPECT_EQ(r.account_id, "rrg-bengioy-ad_gpu");
  EXPECT_EQ(r.instance_count, 4);  // 16 GPUs, 4 nodes
  EXPECT_EQ(r.accelerator_count, 4);
  EXPECT_EQ(r.start, Unix(1693740641));
  EXPECT_EQ(r.end, Unix(1693865044));
}

TEST(SacctJsonTest, Slurm23RunningJobsAreSkipped) {
  for (std::string_view name :
       {"sarc_sacct-json_slurm_23_2_6.json", "sarc_sacct-json_slurm_23_11_5.json"}) {
    ParsedUsage p = ParseUsage(UsageFormat::kSacctJson, Telemetry(name), "x");
    EXPECT_TRUE(p.records.empty()) << name;  // RUNNING, time.end = 0
    EXPECT_TRUE(p.errors.empty()) << name << Errors(p);
  }
}

TEST(SacctJsonTest, MilaTypedGpusAndSteps) {
  ParsedUsage p =
      ParseUsage(UsageFormat::kSacctJson, Telemetry("sarc_sacct-json_mila_1716595200.json"), "x");
  EXPECT_TRUE(p.errors.empty()) << Errors(p);
  // 7 jobs, 4 with GPUs (12, 18, 19, 27); steps do not add records.
  ASSERT_EQ(p.records.size(), 4u);
  EXPECT_EQ(p.records[0].record_id, "mila:12");
  EXPECT_EQ(p.records[0].accelerator, "rtx8000");
  const UsageRecord* r = FindRecord(p, "mila:19");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->account_id, "rrg-bonhomme-ad_cpu");
  EXPECT_EQ(r->resource_id, "19");
  EXPECT_EQ(r->cluster, "mila");
  EXPECT_EQ(r->accelerator, "a100");
  EXPECT_EQ(r->accelerator_count, 2);
  EXPECT_EQ(r->instance_count, 1);
  EXPECT_EQ(r->start, Unix(1711356402));
  EXPECT_EQ(r->end, Unix(1711361523));
  EXPECT_DOUBLE_EQ(r->Seconds(), 5121);
  EXPECT_NE(FindRecord(p, "mila:18"), nullptr);
  EXPECT_NE(FindRecord(p, "mila:27"), nullptr);
}

TEST(SacctJsonTest, UnusableDocuments) {
  std::string real = Telemetry("sarc_sacct-json_mila_1716595200.json");
  for (std::string text :
       {std::string("this is not json"), std::string("[1, 2]"), std::string(R"({"meta": {}})"),
        std::string(""), real.substr(0, real.size() / 2), real + " {}"}) {
    ParsedUsage p = ParseUsage(UsageFormat::kSacctJson, text, "x");
    EXPECT_TRUE(p.records.empty()) << text.substr(0, 40);
    ASSERT_EQ(p.errors.size(), 1u) << text.substr(0, 40) << Errors(p);
    EXPECT_LE(p.errors[0].line, 1);
  }
}

TEST(SacctJsonTest, BadJobKeepsOthersAndSchemaVariants) {
  std::string text = R"json({"jobs": [
  {"job_id": 1, "cluster": "c", "account": "a",
   "time": {"start": {"set": true, "infinite": false, "number": 1700000000},
            "end": {"set": true, "infinite": false, "number": 1700003600}},
   "state": "COMPLETED",
   "tres": {"allocated": [{"type": "gres", "name": "gpu", "count": 8},
                          {"type": "node", "name": null, "count": 2}]},
   "gres_detail": ["gpu:h100:4(IDX:0-3)", "gpu:h100:4(IDX:0-3)"]},
  {"job_id": 2, "cluster": "c", "account": "a",
   "time": {"start": 1700000000, "end": 1700003600},
   "tres": {"allocated": [{"type": "gres", "name": "gpu:a100", "count": "four"}]}},
  {"job_id": 3, "cluster": "c", "association": {"account": "from-assoc", "user": "u"},
   "time": {"start": 1700000000, "end": {"set": false, "infinite": false, "number": 0}},
   "tres": {"allocated": [{"type": "gres", "name": "gpu:a100", "count": 1}]}},
  {"job_id": 4, "cluster": "c", "association": {"account": "from-assoc", "user": "u"},
   "state": {"current": ["PENDING"]}, "time": {"start": 1700000000, "end": 1700003600},
   "tres": {"allocated": [{"type": "gres", "name": "gpu:a100", "count": 1}]}},
  {"job_id": 5, "cluster": "c", "association": {"account": "from-assoc", "user": "u"},
   "time": {"start": 1700000000, "end": 1700007200}, "array": {"job_id": 4, "task_id": 7},
   "tres": {"allocated": [{"type": "gres", "name": "gpu:a100", "count": 1}]}}
]})json";
  ParsedUsage p = ParseUsage(UsageFormat::kSacctJson, text, "x");
  ASSERT_EQ(p.errors.size(), 1u) << Errors(p);
  EXPECT_EQ(p.errors[0].line, 9);
  EXPECT_THAT(p.errors[0].message, HasSubstr("tres.allocated.count"));
  ASSERT_EQ(p.records.size(), 2u);
  const UsageRecord& a = p.records[0];  // untyped TRES, typed by gres_detail
  EXPECT_EQ(a.record_id, "c:1");
  EXPECT_EQ(a.accelerator, "h100");
  EXPECT_EQ(a.instance_count, 2);
  EXPECT_EQ(a.accelerator_count, 4);
  EXPECT_DOUBLE_EQ(a.Seconds(), 3600);
  const UsageRecord& b = p.records[1];  // jobs 3 (no end) and 4 (pending) are skipped
  EXPECT_EQ(b.record_id, "c:5");
  EXPECT_EQ(b.account_id, "from-assoc");
  EXPECT_EQ(b.resource_id, "4_7");
}

// --- DCGM exporter text ---

TEST(DcgmTest, RealCaptureFromAnH100Node) {
  ParsedUsage p = ParseUsage(UsageFormat::kDcgm, Telemetry("dcgm_h100_eks.prom"), "x");
  EXPECT_TRUE(p.errors.empty()) << Errors(p);
  EXPECT_TRUE(p.records.empty());
  ASSERT_EQ(p.samples.size(), 8u);  // one per GPU: GPU_UTIL only (no profiling metrics)
  const TelemetrySample& s = p.samples[0];
  EXPECT_EQ(s.gpu, "GPU-c4529c8d-69c4-b61d-e0bc-7b2460096005");
  EXPECT_EQ(s.resource_id, "vllm-agg-0-vllmdecodeworker-s65j5");  // the pod
  EXPECT_EQ(s.model, "NVIDIA H100 80GB HBM3");
  EXPECT_EQ(s.gpu_util, 0.0);
  EXPECT_FALSE(s.tensor_active.has_value());
  EXPECT_FALSE(s.at.has_value());
  EXPECT_EQ(p.samples[1].gpu, "GPU-bc5610b9-79c8-fedd-8899-07539c7f868a");
  EXPECT_EQ(p.samples[1].resource_id, "gpu-node-1");  // no pod: the host

  // The whole evidence document (markdown, Prometheus JSON) reads the same.
  ParsedUsage md = ParseUsage(
      UsageFormat::kDcgm, Telemetry("nvidia-aicr_accelerator-metrics-evidence_H100-EKS.md"), "x");
  EXPECT_TRUE(md.errors.empty()) << Errors(md);
  EXPECT_EQ(md.samples.size(), 8u);
}

TEST(DcgmTest, MetricNamesAreTheExportersOwn) {
  std::string counters = Telemetry("dcgm-exporter_default-counters.csv");
  std::string dcp = Telemetry("dcgm-exporter_dcp-metrics-included.csv");
  EXPECT_THAT(counters, HasSubstr("DCGM_FI_DEV_GPU_UTIL,      gauge, GPU utilization (in %)."));
  EXPECT_THAT(dcp, HasSubstr("DCGM_FI_PROF_PIPE_TENSOR_ACTIVE, gauge, Ratio of cycles"));
}

TEST(DcgmTest, MergesMetricsPerGpuAndTimestamp) {
  std::string text =
      "# HELP DCGM_FI_PROF_PIPE_TENSOR_ACTIVE Ratio of cycles the tensor (HMMA) pipe is active.\n"
      "# TYPE DCGM_FI_PROF_PIPE_TENSOR_ACTIVE gauge\n"
      "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE{gpu=\"0\",UUID=\"GPU-a\",modelName=\"NVIDIA H100 80GB "
      "HBM3\",Hostname=\"n1\",pod=\"train-0\"} 0.423 1716624000000\n"
      "DCGM_FI_DEV_GPU_UTIL{gpu=\"0\",UUID=\"GPU-a\",Hostname=\"n1\",pod=\"train-0\"} 97 "
      "1716624000000\n"
      "DCGM_FI_DEV_GPU_UTIL{gpu=\"0\",UUID=\"GPU-a\",Hostname=\"n1\",pod=\"train-0\"} 95 "
      "1716624015000\n"
      "DCGM_FI_DEV_GPU_UTIL{gpu=\"1\",Hostname=\"n1\",hpc_job=\"slurm "
      "\\\"42\\\"\\\\x\\n\",pod=\"\"} "
      "50\n"
      "DCGM_FI_DEV_GPU_TEMP{gpu=\"1\",UUID=\"GPU-b\"} 41\n"
      "DCGM_FI_DEV_GPU_UTIL{gpu=\"2\",UUID=\"GPU-c\"} NaN\n"
      "DCGM_FI_DEV_GPU_UTIL{gpu=\"3\",UUID=\"GPU-d\"} lots\n"
      "DCGM_FI_DEV_GPU_UTIL{gpu=\"3\",UUID=\"GPU-d} 5\n"
      "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE{gpu=\"3\",UUID=\"GPU-d\"} 1.5\n"
      "DCGM_FI_DEV_GPU_UTIL{Hostname=\"n1\"} 5\n"
      "DCGM_FI_DEV_GPU_UTIL{gpu=\"4\", UUID=\"GPU-e\",} 12.5\n";
  ParsedUsage p = ParseUsage(UsageFormat::kDcgm, text, "x");
  ASSERT_EQ(p.samples.size(), 4u) << Errors(p);
  const TelemetrySample& a = p.samples[0];
  EXPECT_EQ(a.gpu, "GPU-a");
  EXPECT_EQ(a.resource_id, "train-0");
  EXPECT_EQ(a.model, "NVIDIA H100 80GB HBM3");
  EXPECT_EQ(a.at, Unix(1716624000));
  EXPECT_EQ(a.tensor_active, 0.423);
  EXPECT_EQ(a.gpu_util, 0.97);
  EXPECT_EQ(p.samples[1].at, Unix(1716624015));
  EXPECT_FALSE(p.samples[1].tensor_active.has_value());
  const TelemetrySample& b = p.samples[2];  // no UUID: the index; empty pod: the job
  EXPECT_EQ(b.gpu, "1");
  EXPECT_EQ(b.resource_id, "slurm \"42\"\\x\n");
  EXPECT_EQ(b.gpu_util, 0.5);
  EXPECT_EQ(p.samples[3].gpu_util, 0.125);  // trailing comma in the label set

  ASSERT_EQ(p.errors.size(), 4u) << Errors(p);
  EXPECT_EQ(p.errors[0].line, 9);
  EXPECT_EQ(p.errors[0].message, "DCGM_FI_DEV_GPU_UTIL: bad value 'lots'");
  EXPECT_EQ(p.errors[1].line, 10);
  EXPECT_THAT(p.errors[1].message, HasSubstr("label UUID: unterminated value"));
  EXPECT_EQ(p.errors[2].line, 11);
  EXPECT_THAT(p.errors[2].message, HasSubstr("DCGM_FI_PROF_PIPE_TENSOR_ACTIVE: value 1.5 out"));
  EXPECT_EQ(p.errors[3].line, 12);
  EXPECT_THAT(p.errors[3].message, HasSubstr("no UUID or gpu label"));
}

}  // namespace
}  // namespace kycloud::compute
