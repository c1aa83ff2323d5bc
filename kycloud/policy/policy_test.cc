#include "kycloud/policy/policy.h"

#include <gtest/gtest.h>

#include "kycloud/policy/policy_data.h"
#include "kycloud/policy/policy_diff.h"

namespace kycloud::policy {
namespace {

Date D(std::string_view s) { return ParseDate(s).value(); }

// The bundled files with `name` replaced (or added) by `text`.
std::vector<PolicyFile> With(std::string_view name, std::string text) {
  std::vector<PolicyFile> files = BundledPolicyFiles();
  for (PolicyFile& f : files) {
    if (f.name == name) {
      f.text = std::move(text);
      return files;
    }
  }
  files.push_back({std::string(name), std::move(text)});
  return files;
}

std::string Manifest(std::string_view regimes) {
  return "version = \"test.1\"\n" + std::string(regimes);
}

TEST(PolicyTest, BundledPolicyParses) {
  const Policy& p = Policy::Bundled();
  EXPECT_FALSE(p.version().empty());
  EXPECT_EQ(p.hash().size(), 64u);
  for (std::string_view g : {"D:1", "D:4", "D:5", "E:1", "E:2", "Macau"}) {
    EXPECT_NE(p.FindGroup(g), nullptr) << g;
  }
  EXPECT_TRUE(p.InGroup("D:5", "CN"));
  EXPECT_TRUE(p.InGroup("Macau", "MO"));
  EXPECT_FALSE(p.InGroup("D:5", "US"));
  for (std::string_view r :
       {"ofac-embargoes", "ofac-sanctions", "ear-advanced-computing", "affiliates-rule",
        "iaas-cip-2024", "special-measures", "ai-training-thresholds", "ai-diffusion-iaas-red-flag",
        "remote-access-licensing"}) {
    EXPECT_NE(p.FindRegime(r), nullptr) << r;
  }
  EXPECT_TRUE(p.special_measures().empty());  // none imposed: empty by default
  EXPECT_EQ(p.CountryOfRegion("us-east-1"), "US");
  EXPECT_EQ(p.CountryOfRegion("DE"), "DE");
  EXPECT_EQ(p.CountryOfRegion("mars-1"), std::nullopt);
  EXPECT_FALSE(p.EmbargoesOn("CU", D("2026-12-01")).empty());
  EXPECT_TRUE(p.EmbargoesOn("US", D("2026-12-01")).empty());
  EXPECT_EQ(p.Id(), p.version() + "+" + p.hash().substr(0, 12));
}

TEST(PolicyTest, EditingAFileChangesTheVersionHash) {
  auto files = BundledPolicyFiles();
  auto a = Policy::Parse(files).value();
  for (PolicyFile& f : files) {
    if (f.name == "cloud-regions.toml") f.text += "\"xx-test-1\" = \"US\"\n";
  }
  auto b = Policy::Parse(files).value();
  EXPECT_EQ(a.version(), b.version());
  EXPECT_NE(a.hash(), b.hash());
  auto diff = DiffPolicies(a, b);
  ASSERT_EQ(diff.size(), 1u);
  EXPECT_EQ(diff[0], "+ region xx-test-1: US");
}

struct RegimeCase {
  std::string toml;  // one [[regime]]
  std::string date;
  bool applies;
  std::string status;
};

TEST(PolicyTest, RegimeStatesAndEdgeDates) {
  const std::string in_force =
      "[[regime]]\nid = \"r\"\ntitle = \"t\"\nsource = \"s\"\nstate = \"in_force\"\n"
      "effective = 2024-01-01\nends = 2025-01-01\n";
  const std::string proposed_off =
      "[[regime]]\nid = \"r\"\ntitle = \"t\"\nsource = \"s\"\nstate = \"proposed\"\n"
      "effective = 2024-01-29\n";
  const std::string proposed_on = proposed_off + "enabled = true\n";
  const std::string suspended =
      "[[regime]]\nid = \"r\"\ntitle = \"t\"\nsource = \"s\"\nstate = \"suspended\"\n"
      "effective = 2025-09-29\nsuspended_from = 2025-11-10\nsuspended_until = 2026-11-10\n";
  const std::string dormant_off =
      "[[regime]]\nid = \"r\"\ntitle = \"t\"\nsource = \"s\"\nstate = \"dormant\"\n"
      "effective = 2025-01-15\n";
  const std::string dormant_on = dormant_off + "enabled = true\n";
  const std::string switched_off = in_force + "enabled = false\n";
  const RegimeCase cases[] = {
      {in_force, "2023-12-31", false, "not yet effective"},
      {in_force, "2024-01-01", true, "in_force"},  // the first day
      {in_force, "2024-12-31", true, "in_force"},
      {in_force, "2025-01-01", false, "ended"},  // `ends` is the first day it no longer applies
      {switched_off, "2024-06-01", false, "in_force (switched off)"},
      {proposed_off, "2026-12-01", false, "proposed (off)"},
      {proposed_on, "2024-01-28", false, "not yet effective"},
      {proposed_on, "2024-01-29", true, "proposed (on)"},
      {suspended, "2025-09-28", false, "not yet effective"},
      {suspended, "2025-09-29", true, "in_force"},
      {suspended, "2025-11-09", true, "in_force"},
      {suspended, "2025-11-10", false, "suspended"},  // the suspension's first day
      {suspended, "2026-11-09", false, "suspended"},
      {suspended, "2026-11-10", true, "in_force"},  // back in force the day it ends
      {dormant_off, "2026-12-01", false, "dormant (off)"},
      {dormant_on, "2026-12-01", true, "dormant (on)"},
  };
  for (const RegimeCase& c : cases) {
    auto p = Policy::Parse(With("policy.toml", Manifest(c.toml)));
    ASSERT_TRUE(p.has_value()) << p.error().ToString();
    const Regime* r = p->FindRegime("r");
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->AppliesAt(D(c.date)), c.applies) << c.toml << " on " << c.date;
    EXPECT_EQ(r->StatusAt(D(c.date)), c.status) << c.toml << " on " << c.date;
  }
}

TEST(PolicyTest, SpecialMeasureExpiresAfter365DaysByDefault) {
  auto p = Policy::Parse(With("special-measures.toml",
                              "[[measure]]\nid = \"SM-1\"\njurisdiction = \"XX\"\n"
                              "measure = \"prohibit\"\neffective = 2027-03-01\nsource = \"s\"\n"));
  ASSERT_TRUE(p.has_value()) << p.error().ToString();
  ASSERT_EQ(p->special_measures().size(), 1u);
  const SpecialMeasure& m = p->special_measures()[0];
  EXPECT_EQ(FormatDate(m.expires), "2028-02-29");  // 2028 is a leap year
  EXPECT_FALSE(m.ActiveAt(D("2027-02-28")));
  EXPECT_TRUE(m.ActiveAt(D("2027-03-01")));
  EXPECT_TRUE(m.ActiveAt(D("2028-02-28")));
  EXPECT_FALSE(m.ActiveAt(D("2028-02-29")));
  EXPECT_EQ(m.action, Action::kDeny);
}

struct BadCase {
  std::string file;
  std::string text;
  std::string expect;  // a substring of the error
};

TEST(PolicyTest, MalformedFilesNameFileLineAndReason) {
  const std::string regime_head =
      "version = \"x\"\n[[regime]]\nid = \"r\"\ntitle = \"t\"\nsource = \"s\"\n";
  const BadCase cases[] = {
      {"policy.toml", "version = \"x\"\n[[regime]\n", "policy.toml:2:"},
      {"policy.toml", "title = \"no version\"\n", "version is missing"},
      {"policy.toml", regime_head + "state = \"final\"\neffective = 2024-01-01\n",
       "policy.toml:6: regime[r].state 'final' is not one of"},
      {"policy.toml", regime_head + "state = \"in_force\"\neffective = \"2024-13-01\"\n",
       "policy.toml:7: regime[r].effective must be a date"},
      {"policy.toml",
       regime_head + "state = \"in_force\"\neffective = 2024-01-01\n" + "ends = 2023-01-01\n",
       "policy.toml:8: regime[r].ends must come after effective"},
      {"policy.toml", regime_head + "state = \"suspended\"\neffective = 2024-01-01\n",
       "suspended needs suspended_from and suspended_until"},
      {"policy.toml",
       regime_head + "state = \"in_force\"\neffective = 2024-01-01\n" +
           "[regime.actions]\n\"x.y\" = \"block\"\n",
       "policy.toml:9: regime[r].actions.x.y must be \"deny\" or \"review\""},
      {"policy.toml",
       regime_head + "state = \"in_force\"\neffective = 2024-01-01\n" +
           "[regime.groups]\nlist = [\"D:9\"]\n",
       "names country group 'D:9'"},
      {"country-groups.toml",
       "[[group]]\nid = \"D:1\"\nname = \"n\"\nsource = \"s\"\nas_of = 2026-01-01\n"
       "countries = [\"cn\"]\n",
       "country-groups.toml:6: group[0].countries 'cn' is not an ISO 3166-1 alpha-2 code"},
      {"special-measures.toml",
       "[[measure]]\nid = \"m\"\njurisdiction = \"XX\"\nmeasure = \"ban\"\n"
       "effective = 2027-01-01\nsource = \"s\"\n",
       "special-measures.toml:4: measure[0].measure 'ban' is not prohibit or condition"},
      {"special-measures.toml",
       "[[measure]]\nid = \"m\"\nmeasure = \"prohibit\"\neffective = 2027-01-01\nsource = \"s\"\n",
       "a measure names exactly one of them"},
      {"special-measures.toml",
       "[[measure]]\nid = \"m\"\njurisdiction = \"XX\"\nmeasure = \"prohibit\"\n"
       "effective = 2027-01-01\nexpires = 2026-01-01\nsource = \"s\"\n",
       "special-measures.toml:6: measure[0].expires must come after effective"},
      {"cloud-regions.toml", "[regions]\n\"us-east-1\" = \"USA\"\n",
       "cloud-regions.toml:2: regions.us-east-1 must be an ISO 3166-1 alpha-2 code"},
      {"accelerator-status.toml", "[[accelerator]]\nname = \"x\"\neccn = \"3A090.a\"\n",
       "accelerator[0].source is missing"},
  };
  for (const BadCase& c : cases) {
    auto p = Policy::Parse(With(c.file, c.text));
    ASSERT_FALSE(p.has_value()) << c.file << ": " << c.text;
    EXPECT_NE(p.error().message().find(c.expect), std::string::npos)
        << "want '" << c.expect << "' in: " << p.error().message();
  }
}

TEST(PolicyTest, DiffNamesChangedFacts) {
  auto a = Policy::Parse(BundledPolicyFiles()).value();
  std::string manifest;
  for (const PolicyFile& f : BundledPolicyFiles()) {
    if (f.name == "policy.toml") manifest = f.text;
  }
  // Switch the CIP proposal on.
  const std::string from = "state = \"proposed\"\nenabled = false\neffective = 2024-01-29";
  size_t at = manifest.find(from);
  ASSERT_NE(at, std::string::npos);
  manifest.replace(at, from.size(), "state = \"proposed\"\nenabled = true\neffective = 2024-01-29");
  auto b = Policy::Parse(With("policy.toml", manifest)).value();
  auto diff = DiffPolicies(a, b);
  ASSERT_EQ(diff.size(), 1u);
  EXPECT_EQ(diff[0], "~ regime iaas-cip-2024 enabled: false -> true");
}

}  // namespace
}  // namespace kycloud::policy
