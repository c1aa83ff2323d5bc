// Incremental linking: records added one at a time end where a batch run puts them; changes,
// judgements and generic values.
#include "kycloud/linking/link_index.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "kycloud/linking/evaluation.h"
#include "kycloud/linking/febrl_fixture.h"

namespace kycloud::linking {
namespace {

std::vector<LinkRecord> Febrl1() { return testing::Febrl("dataset1.csv"); }

LinkRecord Company(const std::string& id, const std::string& name, const std::string& phone,
                   const std::string& card) {
  LinkRecord r;
  r.id = id;
  r.Add(Field::kOrgName, name);
  r.Add(Field::kCountry, "SG");
  r.Add(Field::kPhone, phone);
  r.Add(Field::kPaymentFingerprint, card);
  return r;
}

// The partition as "record -> group", groups named by their smallest member.
std::map<std::string, std::string> Partition(const LinkIndex& index,
                                             const std::vector<LinkRecord>& records) {
  std::map<std::string, std::string> out;
  for (const auto& r : records) out[r.id] = index.GroupOf(r.id);
  return out;
}

TEST(LinkIndexTest, RecordsAddedOneByOneEndWhereTheBatchPutsThem) {
  const std::vector<LinkRecord> all = Febrl1();
  ASSERT_EQ(all.size(), 1000u);
  auto batch = LinkIndex::Build(all, {}, {});
  ASSERT_TRUE(batch.has_value()) << batch.error();
  // Build on 900 records, then add the last 100 one at a time.
  std::vector<LinkRecord> first(all.begin(), all.begin() + 900);
  auto index = LinkIndex::Build(first, {}, {});
  ASSERT_TRUE(index.has_value()) << index.error();
  for (size_t i = 900; i < all.size(); ++i) {
    auto change = index->Upsert(all[i]);
    ASSERT_TRUE(change.has_value()) << change.error();
    EXPECT_EQ(change->group, index->GroupOf(all[i].id));
  }
  EXPECT_EQ(index->size(), 1000u);
  const auto expected = Partition(*batch, all), got = Partition(*index, all);
  size_t differ = 0;
  for (const auto& [id, g] : expected) differ += got.at(id) != g;
  EXPECT_EQ(differ, 0u);
  // Groups() lists exactly the groups of two or more, each as MembersOf gives it.
  const auto groups = index->Groups();
  size_t in_groups = 0;
  for (const auto& g : groups) {
    ASSERT_GE(g.size(), 2u);
    EXPECT_EQ(index->MembersOf(g.front()), g);
    EXPECT_EQ(index->GroupOf(g.back()), g.front());
    in_groups += g.size();
  }
  size_t grouped = 0;
  for (const LinkRecord& r : all) grouped += index->MembersOf(r.id).size() > 1;
  EXPECT_EQ(in_groups, grouped);
  EXPECT_GT(groups.size(), 400u);
  EXPECT_EQ(index->Groups(1).size(), groups.size() + (all.size() - grouped));
  // The links of a record come with their evidence.
  const auto links = index->LinksOf("rec-0-org");
  for (const auto& l : links) {
    EXPECT_GE(l.probability, 0.95);
    EXPECT_NE(l.evidence.find("\"evidence\""), std::string::npos);
  }
}

TEST(LinkIndexTest, ReplacingARecordMovesItAndTheGroupFollows) {
  std::vector<LinkRecord> records = {
      Company("a", "Amber Holdings", "+65 6200 0001", "fp_1"),
      Company("b", "Birch Trading", "+65 6200 0001", "fp_2"),
      Company("c", "Cobalt Data", "+65 6200 0003", "fp_2"),
      Company("d", "Delta Labs", "+65 6200 0004", "fp_4"),
  };
  auto index = LinkIndex::Build(records, {}, {});
  ASSERT_TRUE(index.has_value());
  EXPECT_EQ(index->MembersOf("c"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(index->GroupOf("d"), "d");
  // b changes its phone and card: a, b and c fall apart; b now shares d's card.
  auto change = index->Upsert(Company("b", "Birch Trading", "+65 6200 0002", "fp_4"));
  ASSERT_TRUE(change.has_value());
  EXPECT_EQ(index->GroupOf("a"), "a");
  EXPECT_EQ(index->GroupOf("c"), "c");
  EXPECT_EQ(index->MembersOf("d"), (std::vector<std::string>{"b", "d"}));
  EXPECT_EQ(change->group, "b");
  EXPECT_EQ(change->regrouped, (std::vector<std::string>{"b", "c", "d"}));  // a stays "a"
  // A new account paying with a's card joins a.
  change = index->Upsert(Company("e", "Ember Systems", "+65 6200 0005", "fp_1"));
  ASSERT_TRUE(change.has_value());
  EXPECT_EQ(change->group, "a");
  EXPECT_EQ(change->regrouped, (std::vector<std::string>{"e"}));
  EXPECT_EQ(index->LinksOf("e").size(), 1u);
}

TEST(LinkIndexTest, RemovingARecordSplitsWhatOnlyItHeldTogether) {
  std::vector<LinkRecord> records = {
      Company("a", "Amber Holdings", "+65 6200 0001", "fp_1"),
      Company("b", "Birch Trading", "+65 6200 0001", "fp_2"),
      Company("c", "Cobalt Data", "+65 6200 0003", "fp_2"),
      Company("d", "Delta Labs", "+65 6200 0004", "fp_4"),
  };
  auto index = LinkIndex::Build(records, {{"c", "d", true}}, {});
  ASSERT_TRUE(index.has_value());
  EXPECT_EQ(index->MembersOf("d"), (std::vector<std::string>{"a", "b", "c", "d"}));
  // b held a (phone) and c (card) together: without it a is alone, c and d stay judged the same.
  auto change = index->Remove("b");
  ASSERT_TRUE(change.has_value()) << change.error();
  EXPECT_EQ(change->group, "");
  EXPECT_EQ(change->regrouped, (std::vector<std::string>{"c", "d"}));  // renamed "c"; a stays
  EXPECT_FALSE(index->Contains("b"));
  EXPECT_EQ(index->GroupOf("b"), "");
  EXPECT_EQ(index->GroupOf("a"), "a");
  EXPECT_EQ(index->MembersOf("d"), (std::vector<std::string>{"c", "d"}));
  EXPECT_TRUE(index->LinksOf("a").empty());
  EXPECT_EQ(index->size(), 3u);
  EXPECT_EQ(index->Groups(), (std::vector<std::vector<std::string>>{{"c", "d"}}));
  EXPECT_EQ(index->Groups(1).size(), 2u);
  // Its judgements go with it.
  ASSERT_TRUE(index->Remove("d"));
  EXPECT_TRUE(index->JudgementsOf("c").empty());
  EXPECT_TRUE(index->Groups().empty());
  EXPECT_EQ(index->Remove("d").error().code(), StatusCode::kNotFound);
  // Stored again, b links as before: its keys were taken out with it and come back.
  change = index->Upsert(Company("b", "Birch Trading", "+65 6200 0001", "fp_2"));
  ASSERT_TRUE(change.has_value());
  EXPECT_EQ(index->MembersOf("b"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(index->size(), 3u);
}

TEST(LinkIndexTest, JudgementsSplitJoinAndSurviveUpdates) {
  std::vector<LinkRecord> records = {
      Company("a", "Amber Holdings", "+65 6200 0001", "fp_1"),
      Company("b", "Birch Trading", "+65 6200 0002", "fp_1"),
      Company("c", "Cobalt Data", "+65 6200 0003", "fp_3"),
  };
  auto index = LinkIndex::Build(records, {{"a", "b", false}}, {});
  ASSERT_TRUE(index.has_value());
  EXPECT_NE(index->GroupOf("a"), index->GroupOf("b"));  // kept apart from the start
  auto change = index->Judge({"a", "b", true});
  ASSERT_TRUE(change.has_value());
  EXPECT_EQ(index->GroupOf("b"), "a");
  change = index->Judge({"b", "a", false});
  ASSERT_TRUE(change.has_value());
  EXPECT_EQ(index->GroupOf("b"), "b");
  // An update of b (the same card still) does not undo the judgement.
  ASSERT_TRUE(index->Upsert(Company("b", "Birch Trading Pte Ltd", "+65 6200 0002", "fp_1")));
  EXPECT_EQ(index->GroupOf("b"), "b");
  // "Same" joins records that share nothing.
  ASSERT_TRUE(index->Judge({"c", "a", true}));
  EXPECT_EQ(index->MembersOf("c"), (std::vector<std::string>{"a", "c"}));
  ASSERT_EQ(index->JudgementsOf("a").size(), 2u);
  EXPECT_EQ(index->Judge({"a", "zz", true}).error().code(), StatusCode::kNotFound);
  EXPECT_EQ(index->Judge({"a", "a", true}).error().code(), StatusCode::kInvalidArgument);
}

TEST(LinkIndexTest, AValueThatBecomesGenericLinksNoNewcomer) {
  LinkOptions options;
  options.generic_min = 20;
  std::vector<LinkRecord> records;
  for (int i = 0; i < 2; ++i) {
    records.push_back(Company("seed-" + std::to_string(i), "Seed " + std::to_string(i) + " Ltd",
                              "+65 6300 000" + std::to_string(i), "fp_seed" + std::to_string(i)));
  }
  auto index = LinkIndex::Build(records, {}, options);
  ASSERT_TRUE(index.has_value());
  // 25 companies pay through one processor token: the first 20 link, then it is generic.
  for (int i = 0; i < 25; ++i) {
    auto change = index->Upsert(Company("p-" + std::to_string(100 + i), "Co " + std::to_string(i),
                                        "+65 6400 " + std::to_string(1000 + i), "fp_processor"));
    ASSERT_TRUE(change.has_value());
    if (i >= 20) {
      EXPECT_EQ(change->group, "p-" + std::to_string(100 + i)) << i;
    }
  }
  EXPECT_EQ(index->Upsert(Company("", "x", "1", "2")).error().code(), StatusCode::kInvalidArgument);
}

// Before any batch run (an empty index, an untrained model) shared identifiers still link.
TEST(LinkIndexTest, AnEmptyIndexLinksOnSharedIdentifiers) {
  auto index = LinkIndex::Build({}, {}, {});
  ASSERT_TRUE(index.has_value()) << index.error();
  ASSERT_TRUE(index->Upsert(Company("x", "Xenon Ltd", "+65 6200 0101", "fp_x")));
  auto change = index->Upsert(Company("y", "Yarrow Ltd", "+65 6200 0102", "fp_x"));
  ASSERT_TRUE(change.has_value());
  EXPECT_EQ(change->group, "x");
  ASSERT_TRUE(index->Upsert(Company("z", "Zephyr Ltd", "+65 6200 0103", "fp_z")));
  EXPECT_EQ(index->GroupOf("z"), "z");
  EXPECT_EQ(index->GroupOf("nobody"), "");
  EXPECT_TRUE(index->MembersOf("nobody").empty());
}

}  // namespace
}  // namespace kycloud::linking
