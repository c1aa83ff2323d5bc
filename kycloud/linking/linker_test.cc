// Batch linking end to end: FEBRL accuracy, generic values, input order, judgements.
#include "kycloud/linking/linker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include "kycloud/linking/evaluation.h"
#include "kycloud/linking/febrl_fixture.h"
#include "kycloud/linking/record_reader.h"

namespace kycloud::linking {
namespace {

using testing::Febrl;

// rec-<entity>-org / rec-<entity>-dup-<k> -> <entity>
std::string Entity(const std::string& id) {
  const size_t a = id.find('-'), b = id.find('-', a + 1);
  return id.substr(a + 1, b - a - 1);
}

LinkingScores Score(const LinkResult& r) {
  std::vector<std::string> predicted, truth;
  for (size_t i = 0; i < r.records.size(); ++i) {
    predicted.push_back(r.records[r.group[i]].id);
    truth.push_back(Entity(r.records[i].id));
  }
  return ScoreLinking(predicted, truth);
}

TEST(LinkerTest, Febrl1PrecisionAndRecall) {
  auto records = Febrl("dataset1.csv");
  ASSERT_EQ(records.size(), 1000u);
  auto r = Link(records, {}, {});
  ASSERT_TRUE(r.has_value()) << r.error();
  LinkingScores s = Score(*r);
  EXPECT_EQ(s.true_pairs, 500u);
  EXPECT_GE(s.precision, 0.99) << s.correct_pairs << "/" << s.predicted_pairs;
  EXPECT_GE(s.recall, 0.99) << s.correct_pairs << "/" << s.true_pairs;
}

TEST(LinkerTest, SameClustersWhateverTheLoadOrder) {
  auto records = Febrl("dataset1.csv");
  auto first = Link(records, {}, {});
  ASSERT_TRUE(first.has_value());
  std::map<std::string, std::string> before;
  for (size_t i = 0; i < records.size(); ++i) {
    before[first->records[i].id] = first->records[first->group[i]].id;
  }
  std::mt19937 rng(7);
  for (int round = 0; round < 2; ++round) {
    std::shuffle(records.begin(), records.end(), rng);
    auto again = Link(records, {}, {.threads = 1u + round});
    ASSERT_TRUE(again.has_value());
    for (size_t i = 0; i < records.size(); ++i) {
      EXPECT_EQ(before[again->records[i].id], again->records[again->group[i]].id)
          << again->records[i].id;
    }
  }
}

TEST(LinkerTest, AGenericAddressMergesNothing) {
  // 500 unrelated companies registered at one formation agent's address, each with its own
  // phone, e-mail and card; plus one real pair sharing a card and a phone.
  std::vector<LinkRecord> records;
  const char* words[] = {"amber",  "birch",  "cobalt",  "delta",   "ember", "fjord",    "granite",
                         "harbor", "indigo", "juniper", "kestrel", "lumen", "meridian", "nimbus",
                         "onyx",   "pylon",  "quartz",  "raven",   "sable", "tundra"};
  for (int i = 0; i < 500; ++i) {
    LinkRecord r;
    r.id = "co-" + std::to_string(i);
    r.Add(Field::kOrgName, std::string(words[i % 20]) + " " + words[(i / 20) % 20] + " " +
                               words[(i / 7) % 20] + " trading " + std::to_string(i) + " ltd");
    r.Add(Field::kStreetNumber, "8");
    r.Add(Field::kAddressLine, "8 Formation Lane");
    r.Add(Field::kLocality, "Douglas");
    r.Add(Field::kPostcode, "IM1 1AA");
    r.Add(Field::kCountry, "IM");
    r.Add(Field::kPhone, "+44 1624 " + std::to_string(600000 + i));
    r.Add(Field::kEmail, "info@co" + std::to_string(i) + ".example");
    r.Add(Field::kPaymentFingerprint, "fp_" + std::to_string(i));
    records.push_back(std::move(r));
  }
  LinkRecord twin = records[17];
  twin.id = "co-17-b";
  twin.values[size_t(Field::kOrgName)] = {"Cobalt Harbor Services Ltd"};
  records.push_back(twin);
  auto r = Link(records, {}, {});
  ASSERT_TRUE(r.has_value()) << r.error();
  std::map<std::uint32_t, int> sizes;
  for (std::uint32_t g : r->group) ++sizes[g];
  int largest = 0;
  for (auto& [g, n] : sizes) largest = std::max(largest, n);
  EXPECT_EQ(largest, 2);  // only the real pair
  EXPECT_EQ(r->group[17], r->group[500]);
  EXPECT_GE(r->generic_values, 1u);
}

// Co-tenants: 60 companies in one business centre (suites differ), and 60 at one virtual
// office's address — fewer than make the address generic. An address alone is one fact and links
// no organisations; a shared beneficial owner (name and date of birth) does.
TEST(LinkerTest, CoTenantsAreNotLinkedAnOwnerLinks) {
  std::vector<LinkRecord> records;
  for (int i = 0; i < 120; ++i) {
    LinkRecord r;
    r.id = "t-" + std::to_string(i);
    r.Add(Field::kOrgName, "tenant " + std::to_string(i * 7919 % 1000) + " holdings ltd");
    r.Add(Field::kStreetNumber, "10");
    r.Add(Field::kAddressLine, "10 Harbour Business Centre");
    if (i < 60) r.Add(Field::kAddressLine, "Suite " + std::to_string(100 + i));
    r.Add(Field::kLocality, "Singapore");
    r.Add(Field::kPostcode, "048616");
    r.Add(Field::kCountry, "SG");
    r.Add(Field::kPhone, "+65 6200 " + std::to_string(1000 + i));
    r.Add(Field::kPaymentFingerprint, "fp_t" + std::to_string(i));
    r.Add(Field::kBeneficialOwner, "Owner Number" + std::to_string(i) + "|1970-01-01");
    records.push_back(std::move(r));
  }
  // Two of them have one owner (another spelling order of the same name).
  records[3].values[size_t(Field::kBeneficialOwner)] = {"Tan Wei Ming|1980-02-29"};
  records[90].values[size_t(Field::kBeneficialOwner)] = {"Ming Tan Wei|1980-02-29"};
  auto r = Link(records, {}, {});
  ASSERT_TRUE(r.has_value()) << r.error();
  std::map<std::uint32_t, int> sizes;
  for (std::uint32_t g : r->group) ++sizes[g];
  EXPECT_EQ(sizes.size(), 119u);
  EXPECT_EQ(r->group[3], r->group[90]);
  // Without the date of birth on one side the owner's name alone does not link them.
  records[90].values[size_t(Field::kBeneficialOwner)] = {"Ming Tan Wei"};
  r = Link(records, {}, {});
  ASSERT_TRUE(r.has_value()) << r.error();
  EXPECT_NE(r->group[3], r->group[90]);
}

TEST(LinkerTest, NotSameJudgementSplitsAndSurvivesRelinking) {
  auto records = Febrl("dataset1.csv");
  auto r = Link(records, {}, {});
  ASSERT_TRUE(r.has_value());
  // A linked pair of the FEBRL set, judged not the same.
  ASSERT_FALSE(r->pairs.empty());
  const LinkedPair p = r->pairs.front();
  ASSERT_EQ(r->group[p.a], r->group[p.b]);
  auto judged = Link(records, {{p.a, p.b, false}}, {});
  ASSERT_TRUE(judged.has_value());
  EXPECT_NE(judged->group[p.a], judged->group[p.b]);
  // The same judgement on re-linking (records reloaded): still apart.
  auto again = Link(records, {{p.a, p.b, false}}, {});
  EXPECT_NE(again->group[p.a], again->group[p.b]);
  // The explanation lists the evidence.
  const std::string why = ExplainPair(*r, p);
  EXPECT_NE(why.find("\"evidence\""), std::string::npos);
  EXPECT_NE(why.find("family_name"), std::string::npos);
}

// Two people at one address with one family name — a parent and a child — whose birth dates and
// national ids differ outright: the address is one fact, not five that outvote the identity. The
// same person entered twice at that address (a typo in the name) still links.
TEST(LinkerTest, HouseholdMembersAreNotLinked) {
  auto records = Febrl("dataset1.csv");
  size_t x = 0;  // a record with a name, birth date, national id and a full address
  auto has = [&](size_t i, Field f) {
    const auto& v = records[i].values[size_t(f)];
    return !v.empty() && v[0].size() >= 3;
  };
  while (!(has(x, Field::kGivenName) && has(x, Field::kFamilyName) && has(x, Field::kDateOfBirth) &&
           has(x, Field::kNationalId) && has(x, Field::kAddressLine) && has(x, Field::kPostcode) &&
           has(x, Field::kLocality))) {
    ++x;
  }
  LinkRecord other = records[x];
  other.id = "household-member";
  other.values[size_t(Field::kGivenName)] = {"zebedee"};
  other.values[size_t(Field::kDateOfBirth)] = {"19011231"};
  other.values[size_t(Field::kNationalId)] = {"9876543"};
  LinkRecord typo = records[x];
  typo.id = "same-person-typo";
  std::string& given = typo.values[size_t(Field::kGivenName)].at(0);
  std::swap(given[1], given[2]);
  records.push_back(other);
  records.push_back(typo);
  auto r = Link(records, {}, {.threshold = 1e-9});
  ASSERT_TRUE(r.has_value()) << r.error();
  const size_t h = records.size() - 2, t = records.size() - 1;
  const double threshold = FellegiSunterModel::WeightFor(0.95);
  bool scored = false;
  for (const LinkedPair& p : r->pairs) {
    if ((p.a == x && p.b == h) || (p.a == h && p.b == x)) {
      scored = true;
      EXPECT_LT(p.weight, threshold) << ExplainPair(*r, p);
      EXPECT_NE(ExplainPair(*r, p).find("\"address_counted_once\":true"), std::string::npos);
    }
  }
  EXPECT_TRUE(scored);
  auto linked = Link(records, {}, {});
  ASSERT_TRUE(linked.has_value());
  EXPECT_NE(linked->group[x], linked->group[h]);
  EXPECT_EQ(linked->group[x], linked->group[t]);
}

// One shared IP address is shared by strangers too (dynamic pools, NAT): alone it weighs at most
// 12 bits and never links two organisations; an address in a generic network counts as nothing.
TEST(LinkerTest, OneSharedIpAddressDoesNotLink) {
  std::vector<LinkRecord> records;
  for (int i = 0; i < 400; ++i) {
    LinkRecord r;
    r.id = "o-" + std::to_string(i);
    r.Add(Field::kOrgName, "company " + std::to_string(i * 7919 % 1000) + " pte ltd");
    r.Add(Field::kStreetNumber, std::to_string(1 + i));
    r.Add(Field::kAddressLine, std::to_string(1 + i) + " Street " + std::to_string(i % 37));
    r.Add(Field::kLocality, "Singapore");
    r.Add(Field::kCountry, "SG");
    r.Add(Field::kPhone, "+65 6200 " + std::to_string(1000 + i));
    r.Add(Field::kPaymentFingerprint, "fp_o" + std::to_string(i));
    // Each connects from its own address; the first 150 from one busy /24 (generic).
    r.Add(Field::kIp,
          i < 150 ? "100.64.7." + std::to_string(1 + i) : "203.0." + std::to_string(i) + ".9");
    records.push_back(std::move(r));
  }
  records[200].Add(Field::kIp, "198.51.100.77");  // 200 and 300 share one address
  records[300].Add(Field::kIp, "198.51.100.77");
  records[10].Add(Field::kIp, "100.64.7.99");  // 10 and 98 share one in the busy /24
  auto r = Link(records, {}, {.threshold = 1e-9});
  ASSERT_TRUE(r.has_value()) << r.error();
  const double threshold = FellegiSunterModel::WeightFor(0.95);
  // Where accounts that share an address nearly always belong together (m 0.98 against a u of
  // two pairs in 80,000), the address alone would weigh about 15 bits.
  FellegiSunterModel strong = r->model;
  strong.SetM(Comparison::kIp, {0.01, 0.01, 0.98, 0});
  ASSERT_GT(strong.ComparisonWeight(Comparison::kIp, 2, ""), 14.0);
  bool shared = false;
  for (const LinkedPair& p : r->pairs) {
    const int ip = p.levels[size_t(Comparison::kIp)];
    if (p.a == 200 && p.b == 300) {
      shared = true;
      EXPECT_EQ(ip, 2);
      EXPECT_LT(p.weight, threshold) << ExplainPair(*r, p);
      const double w = ScorePair(strong, p.levels, r->records[p.a], r->records[p.b]);
      EXPECT_LT(w, threshold);
      Levels without_ip = p.levels;
      without_ip[size_t(Comparison::kIp)] = -1;
      EXPECT_LE(w - ScorePair(strong, without_ip, r->records[p.a], r->records[p.b]), 12.0 + 1e-9);
    }
  }
  EXPECT_TRUE(shared);
  // 10 and 98 share an address in the busy /24: no evidence either way (missing), while an
  // address outside it is an exact match.
  const Comparator comparator(GenericValues(r->records, 100));
  EXPECT_EQ(comparator.Compare(r->records[10], r->records[98])[size_t(Comparison::kIp)], -1);
  EXPECT_EQ(comparator.Compare(r->records[200], r->records[300])[size_t(Comparison::kIp)], 2);
  EXPECT_EQ(Comparator().Compare(r->records[10], r->records[98])[size_t(Comparison::kIp)], 2);
  auto linked = Link(records, {}, {});
  ASSERT_TRUE(linked.has_value());
  EXPECT_NE(linked->group[200], linked->group[300]);
}

// Prepared records (the generic bits) compare exactly as unprepared ones, also after a value
// turns generic (their bits are then ignored).
TEST(ComparatorTest, PreparedRecordsCompareAsUnprepared) {
  std::vector<NormalizedRecord> records;
  for (int i = 0; i < 300; ++i) {
    LinkRecord r;
    r.id = "p-" + std::to_string(i);
    r.Add(Field::kOrgName, "firm " + std::to_string(i % 40));
    r.Add(Field::kPhone, "+65 6200 " + std::to_string(1000 + i % 120));  // 3 share each
    r.Add(Field::kPhone, "+65 6999 0000");                               // generic
    r.Add(Field::kEmail, "ops@firm" + std::to_string(i % 50) + ".example");
    r.Add(Field::kPaymentFingerprint, i % 3 ? "fp_" + std::to_string(i % 90) : "fp_processor");
    r.Add(Field::kIp, "100.64." + std::to_string(i % 2) + "." + std::to_string(i % 200));
    r.Add(Field::kBeneficialOwner, "Owner " + std::to_string(i % 70) + "|1970-01-01");
    records.push_back(Normalize(r));
  }
  Comparator comparator(GenericValues(records, 100));
  std::vector<NormalizedRecord> prepared = records;
  for (NormalizedRecord& r : prepared) comparator.Prepare(r);
  auto same = [&] {
    size_t compared = 0;
    for (size_t i = 0; i < records.size(); ++i) {
      for (size_t j = i + 1; j < records.size(); j += 7) {
        EXPECT_EQ(comparator.Compare(prepared[i], prepared[j]),
                  comparator.Compare(records[i], records[j]))
            << i << " " << j;
        ++compared;
      }
    }
    return compared;
  };
  EXPECT_GT(same(), 6000u);
  comparator.AddGeneric(GenericKey(Comparison::kPhone, records[5].phones.front()));
  EXPECT_GT(same(), 6000u);
}

TEST(LinkerTest, DuplicateIdsAreRefused) {
  std::vector<LinkRecord> records(2);
  records[0].id = records[1].id = "x";
  EXPECT_NE(Link(records, {}, {}).error().message().find("'x' appears twice"), std::string::npos);
}

}  // namespace
}  // namespace kycloud::linking
