// Every parser on the real files bundled in data/lists and testdata/lists: counts from the
// publishers' files (see data/lists/PROVENANCE.md and shared data README), special cases, and
// errors that name the file and line.
#include <gtest/gtest.h>

#include <cstdlib>
#include <set>

#include "kycloud/lists/csl.h"
#include "kycloud/lists/dpl.h"
#include "kycloud/lists/ofac.h"
#include "kycloud/lists/source_file.h"
#include "kycloud/lists/uk_ods.h"
#include "kycloud/lists/un_xml.h"

namespace kycloud::lists {
namespace {

std::string Path(std::string_view rel) {
  const char* root = std::getenv("KYCLOUD_SOURCE_DIR");
  return std::string(root ? root : ".") + "/" + std::string(rel);
}

std::string Read(std::string_view rel) {
  auto data = ReadListFile(Path(rel));
  EXPECT_TRUE(data.has_value()) << data.error();
  return data ? ToCleanUtf8(std::move(*data)) : "";
}

size_t CountKind(const ListEntity& e, NameKind k) {
  size_t n = 0;
  for (const auto& name : e.names) n += name.kind == k;
  return n;
}

TEST(OfacLegacyTest, Sdn2021SetCounts) {
  EntityMap m;
  ASSERT_TRUE(ParseOfacPrimaryCsv(Read("testdata/lists/ofac_sdn_2021-07/sdn.csv.gz"), "sdn.csv",
                                  "us_ofac_sdn", m)
                  .ok());
  EXPECT_EQ(m.size(), 8976u);
  auto alt = ParseOfacAltCsv(Read("testdata/lists/ofac_sdn_2021-07/alt.csv.gz"), "alt.csv", m);
  ASSERT_TRUE(alt.has_value()) << alt.error();
  EXPECT_EQ(*alt, 0);
  auto add = ParseOfacAddCsv(Read("testdata/lists/ofac_sdn_2021-07/add.csv.gz"), "add.csv", m);
  ASSERT_TRUE(add.has_value()) << add.error();
  EXPECT_EQ(*add, 0);
  auto comments = ParseOfacCommentsCsv(Read("testdata/lists/ofac_sdn_2021-07/sdn_comments.csv.gz"),
                                       "sdn_comments.csv", m);
  ASSERT_TRUE(comments.has_value()) << comments.error();

  size_t aliases = 0, addresses = 0, persons = 0, vessels = 0, with_dob = 0;
  for (const auto& [id, e] : m) {
    aliases += CountKind(e, NameKind::kAlias);
    addresses += e.addresses.size();
    persons += e.schema == Schema::kPerson;
    vessels += e.schema == Schema::kVessel;
    with_dob += !e.dates_of_birth.empty();
  }
  // 11,910 ALT rows; a handful repeat a name already on the entity.
  EXPECT_GE(aliases, 11800u);
  EXPECT_LE(aliases, 11910u);
  // 13,837 ADD rows, of which 2,397 have no address text at all ("-0-" everywhere).
  EXPECT_EQ(addresses, 13837u - 2397u);
  EXPECT_GT(persons, 4000u);
  EXPECT_GT(vessels, 300u);
  EXPECT_GT(with_dob, 3500u);

  const ListEntity& bnc = m.at("306");  // BANCO NACIONAL DE CUBA
  EXPECT_EQ(bnc.primary_name(), "BANCO NACIONAL DE CUBA");
  EXPECT_EQ(bnc.programs, std::vector<std::string>{"CUBA"});
  EXPECT_EQ(CountKind(bnc, NameKind::kWeakAlias), 1u);  // a.k.a. 'BNC' in the remarks
  EXPECT_FALSE(bnc.addresses.empty());
  // SDN_COMMENTS continues long remarks: entity 12300 gains "Linked To" entries from it.
  EXPECT_GT(m.at("12300").linked_to.size(), 5u);
}

TEST(OfacLegacyTest, CorruptRowNamesFileAndLine) {
  EntityMap m;
  std::string text =
      "36,\"A\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n"
      "37,\"B\",-0- ,\"CUBA\"\r\n";
  Status st = ParseOfacPrimaryCsv(text, "sdn.csv", "us_ofac_sdn", m);
  EXPECT_EQ(st.code(), StatusCode::kDataLoss);
  EXPECT_EQ(st.message(), "sdn.csv:2: expected 12 fields, got 4");
  EXPECT_TRUE(m.empty());  // nothing half-applied
  st = ParseOfacPrimaryCsv("x1,\"A\",,,,,,,,,,\n", "sdn.csv", "us_ofac_sdn", m);
  EXPECT_NE(st.message().find("sdn.csv:1: entity number 'x1'"), std::string_view::npos) << st;
}

TEST(OfacJsonTest, Sdn2026Counts) {
  EntityMap m;
  ASSERT_TRUE(ParseOfacJson(Read("data/lists/us/ofac/sdn/ofac-sdn_2026-08-20.json.gz"),
                            "ofac-sdn.json", "us_ofac_sdn", m)
                  .ok());
  EXPECT_EQ(m.size(), 19249u);
  size_t aliases = 0, vessels = 0, aircraft = 0;
  for (const auto& [id, e] : m) {
    aliases += CountKind(e, NameKind::kAlias);
    vessels += e.schema == Schema::kVessel;
    aircraft += e.schema == Schema::kAirplane;
  }
  EXPECT_GE(aliases, 20000u);  // 20,194 alternate names, a few equal to the primary
  EXPECT_LE(aliases, 20194u);
  EXPECT_EQ(vessels, 1534u);
  EXPECT_EQ(aircraft, 342u);
  EntityMap bad;
  EXPECT_NE(ParseOfacJson("{\"entries\": [{\"name\": \"x\"}]}", "f.json", "l", bad)
                .message()
                .find("f.json: entry 0: no uid"),
            std::string_view::npos);
  EXPECT_NE(ParseOfacJson("{\"entries\": [", "f.json", "l", bad).message().find("malformed JSON"),
            std::string_view::npos);
}

TEST(OfacConsTest, NonSdnCounts) {
  EntityMap m;
  ASSERT_TRUE(ParseOfacPrimaryCsv(Read("data/lists/us/ofac/cons_2025-12/cons_prim.csv.gz"),
                                  "cons_prim.csv", "us_ofac_cons", m)
                  .ok());
  EXPECT_EQ(m.size(), 442u);
}

TEST(CslTest, SourcesBecomeLists) {
  auto r = ParseCslCsv(Read("data/lists/us/csl/consolidated_2022-05.csv.gz"), "csl.csv");
  ASSERT_TRUE(r.has_value()) << r.error();
  std::map<std::string, size_t> counts;
  size_t total = 0, aliases = 0;
  for (const auto& [id, list] : r->by_list) {
    counts[id] = list.size();
    total += list.size();
    for (const auto& e : list) aliases += CountKind(e, NameKind::kAlias);
  }
  EXPECT_EQ(total, 14160u);
  EXPECT_EQ(counts["us_ofac_sdn"], 10026u);
  EXPECT_EQ(counts["us_bis_entity_list"], 2001u);
  EXPECT_EQ(counts["us_state_itar_debarred"], 727u);
  EXPECT_EQ(counts["us_bis_dpl"], 462u);
  EXPECT_EQ(counts["us_bis_unverified"], 201u);
  EXPECT_EQ(counts["us_bis_meu"], 71u);
  EXPECT_EQ(counts["us_ofac_nsmbs"], 17u);
  EXPECT_EQ(counts.size(), 13u);
  EXPECT_GE(aliases, 19000u);  // ~20k alt names
  // "...; and JSC 140 Repair Plant" loses its "and".
  bool found = false;
  for (const auto& e : r->by_list["us_bis_entity_list"]) {
    if (e.primary_name() == "140 Repair Plant JSC") {
      found = true;
      EXPECT_EQ(e.names.back().text, "JSC 140 Repair Plant");
      ASSERT_EQ(e.addresses.size(), 1u);
      EXPECT_EQ(e.addresses[0].country, "BY");
    }
  }
  EXPECT_TRUE(found);
  auto bad = ParseCslCsv("_id,source,name,type,alt_names\n1,SDN,x,,\n2,SDN\n", "c.csv");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message(), "c.csv:3: expected 5 fields, got 2");
  EXPECT_NE(ParseCslCsv("a,b\n", "c.csv").error().message().find("c.csv:1:"),
            std::string_view::npos);
}

TEST(DplTest, Counts) {
  auto r = ParseDplTsv(Read("data/lists/us/bis/dpl_2023-11.txt.gz"), "dpl.txt");
  ASSERT_TRUE(r.has_value()) << r.error();
  EXPECT_GE(r->size(), 600u);  // 665 rows; exact duplicate rows are merged
  EXPECT_LE(r->size(), 665u);
  std::set<std::string> ids;
  for (const auto& e : *r) ids.insert(e.id);
  EXPECT_EQ(ids.size(), r->size());
  EXPECT_EQ(r->front().primary_name(), "I. ASH");
  EXPECT_EQ(r->front().listed_on, "2003-06-19");
  auto bad =
      ParseDplTsv("\"Name\"\t\"Street_Address\"\t\"City\"\t\"Country\"\n\"A\"\t\"B\"\n", "d.txt");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message(), "d.txt:2: expected 4 fields, got 2");
}

TEST(UnXmlTest, CountsAndSpecialCases) {
  auto r = ParseUnXml(Read("data/lists/un/UN_consolidated_2026-02-27.xml.gz"), "un.xml");
  ASSERT_TRUE(r.has_value()) << r.error();
  size_t persons = 0, original = 0, weak = 0, with_dob = 0;
  for (const auto& e : r->entities) {
    persons += e.schema == Schema::kPerson;
    original += CountKind(e, NameKind::kOriginalScript);
    weak += CountKind(e, NameKind::kWeakAlias);
    with_dob += !e.dates_of_birth.empty();
  }
  EXPECT_EQ(r->entities.size(), 1003u);
  EXPECT_EQ(persons, 730u);
  // 378 NAME_ORIGINAL_SCRIPT values; one ("JAMAAH ANSHARUT DAULAH") repeats the primary name.
  EXPECT_EQ(original, 377u);
  EXPECT_GT(weak, 100u);
  EXPECT_GT(with_dob, 650u);
  EXPECT_EQ(r->date_generated, "2026-02-27");
  const ListEntity& first = r->entities.front();
  EXPECT_EQ(first.id, "CDi.001");
  EXPECT_EQ(first.primary_name(), "ERIC BADEGE");
  EXPECT_EQ(first.dates_of_birth, std::vector<std::string>{"1971"});
  EXPECT_EQ(first.programs, std::vector<std::string>{"DRC"});
  // A multi-line comment is kept whole.
  bool multi_line = false;
  for (const auto& e : r->entities) multi_line |= e.remarks.find('\n') != std::string::npos;
  EXPECT_TRUE(multi_line);

  auto bad =
      ParseUnXml("<CONSOLIDATED_LIST>\n<INDIVIDUALS>\n<INDIVIDUAL>\n</INDIVIDUALS>", "u.xml");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message().find("u.xml:4: malformed XML"), std::string_view::npos)
      << bad.error();
}

TEST(UkOdsTest, CountsAndGroups) {
  auto raw = ReadListFile(Path("data/lists/uk/UK_Sanctions_List_2025-08-11.ods"));
  ASSERT_TRUE(raw.has_value());
  auto parsed = ParseUkOds(*raw, "uk.ods");
  ASSERT_TRUE(parsed.has_value()) << parsed.error();
  const auto* r = &parsed->entities;
  EXPECT_GT(parsed->rows_without_name, 0);  // e.g. sheet row 649 (BEL0174) has no name
  EXPECT_LT(parsed->rows_without_name, 20);
  size_t names = 0, persons = 0, vessels = 0;
  for (const auto& e : *r) {
    names += e.names.size();
    persons += e.schema == Schema::kPerson;
    vessels += e.schema == Schema::kVessel;
  }
  EXPECT_GE(names, 5250u);  // 5,302 rows, one name each (a few repeat a name of the group)
  EXPECT_LE(names, 5302u);
  EXPECT_GT(r->size(), 4800u);
  EXPECT_LT(r->size(), 5302u);
  EXPECT_GT(persons, 3000u);
  EXPECT_GT(vessels, 400u);
  EXPECT_EQ(r->front().primary_name(), "HAJI KHAIRULLAH HAJI SATTAR MONEY EXCHANGE");
  auto bad = ParseUkOds("not a zip", "x.ods");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message().find("x.ods"), std::string_view::npos);
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
