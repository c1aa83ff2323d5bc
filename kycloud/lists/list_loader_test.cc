#include "kycloud/lists/list_loader.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

namespace kycloud::lists {
namespace {

std::string Root() {
  const char* root = std::getenv("KYCLOUD_SOURCE_DIR");
  return root ? root : ".";
}

TEST(ListLoaderTest, BundledListsLoadWithoutDuplicates) {
  auto snap = LoadListDirectory(Root() + "/data/lists");
  ASSERT_TRUE(snap.has_value()) << snap.error();
  std::map<std::string, const ListInfo*> lists;
  for (const auto& l : snap->lists()) lists[l.id] = &l;
  ASSERT_TRUE(lists.count("us_ofac_sdn"));
  EXPECT_EQ(lists["us_ofac_sdn"]->entities, 19249u);
  EXPECT_EQ(lists["us_ofac_sdn"]->data_date, "2026-08-20");
  EXPECT_EQ(lists["us_ofac_sdn"]->title, "OFAC Specially Designated Nationals");
  EXPECT_EQ(lists["us_ofac_cons"]->entities, 442u);
  EXPECT_EQ(lists["us_ofac_cons"]->data_date, "2025-12");
  EXPECT_EQ(lists["un_sc"]->entities, 1003u);
  EXPECT_EQ(lists["un_sc"]->data_date, "2026-02-27");
  EXPECT_EQ(lists["us_bis_entity_list"]->entities, 2001u);
  EXPECT_GT(lists["uk_fcdo"]->entities, 4800u);
  EXPECT_GT(lists["us_bis_dpl"]->entities, 600u);
  EXPECT_EQ(lists["us_bis_dpl"]->data_date, "2023-11");
  // The CSL's SDN and non-SDN copies are superseded by the dedicated files.
  EXPECT_FALSE(lists.count("us_ofac_ssi"));
  EXPECT_FALSE(lists.count("us_ofac_nsmbs"));
  EXPECT_EQ(snap->hash().size(), 64u);
  // The 2024 SDN.CSV enriched the 2026 entries with remarks: DOBs exist.
  size_t sdn_with_dob = 0;
  for (const auto& e : snap->entities()) {
    if (e.list == "us_ofac_sdn" && !e.dates_of_birth.empty()) ++sdn_with_dob;
  }
  EXPECT_GT(sdn_with_dob, 4000u);
  ASSERT_NE(snap->Find("us_ofac_sdn", "306"), nullptr);
  EXPECT_EQ(snap->Find("us_ofac_sdn", "306")->primary_name(), "BANCO NACIONAL DE CUBA");
  EXPECT_EQ(snap->Find("us_ofac_sdn", "no-such"), nullptr);
}

TEST(ListLoaderTest, HashIgnoresFileOrderAndCompressionButSeesChanges) {
  namespace fs = std::filesystem;
  auto dir = fs::temp_directory_path() / "kycloud-lists-test";
  fs::remove_all(dir);
  fs::create_directories(dir / "a");
  fs::create_directories(dir / "b");
  std::string dpl =
      "\"Name\"\t\"Street_Address\"\t\"City\"\t\"State\"\t\"Country\"\t\"Postal_Code\"\n"
      "\"JOHN DOE\"\t\"1 MAIN ST\"\t\"TOWN\"\t\"TX\"\t\"US\"\t\"1\"\n";
  std::ofstream(dir / "a" / "dpl.txt") << dpl;
  std::ofstream(dir / "b" / "x-dpl.tsv") << dpl;
  auto a = LoadListDirectory((dir / "a").string());
  auto b = LoadListDirectory((dir / "b").string());
  ASSERT_TRUE(a.has_value()) << a.error();
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(a->hash(), b->hash());
  std::ofstream(dir / "b" / "x-dpl.tsv") << dpl << "\"JANE DOE\"\t\"\"\t\"\"\t\"\"\t\"US\"\t\"\"\n";
  auto c = LoadListDirectory((dir / "b").string());
  ASSERT_TRUE(c.has_value());
  EXPECT_NE(a->hash(), c->hash());
  EXPECT_EQ(c->entities().size(), 2u);

  // A corrupted file stops the load with its name and line.
  std::ofstream(dir / "b" / "x-dpl.tsv") << dpl << "\"BROKEN\"\t\"x\n";
  auto d = LoadListDirectory((dir / "b").string());
  ASSERT_FALSE(d.has_value());
  EXPECT_NE(d.error().message().find("x-dpl.tsv:3: unterminated"), std::string_view::npos)
      << d.error();

  std::ofstream(dir / "a" / "notes.txt") << "hello";
  auto e = LoadListDirectory((dir / "a").string());
  ASSERT_TRUE(e.has_value());
  ASSERT_EQ(e->notes().size(), 1u);
  EXPECT_NE(e->notes()[0].find("not a recognised list format"), std::string::npos);
  EXPECT_EQ(LoadListDirectory((dir / "nope").string()).error().code(), StatusCode::kNotFound);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace kycloud::lists
