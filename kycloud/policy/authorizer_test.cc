#include "kycloud/policy/authorizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "kycloud/policy/policy_data.h"
#include "kycloud/policy/reevaluation.h"

namespace kycloud::policy {
namespace {

Date D(std::string_view s) { return ParseDate(s).value(); }

PartyFacts P(std::string_view json) {
  auto p = ParsePartyFacts(json);
  EXPECT_TRUE(p.has_value()) << json << ": " << (p ? "" : p.error().ToString());
  return p.value_or(PartyFacts{});
}

PartyDirectory Parties() {
  PartyDirectory d;
  for (
      const char* json : {
          R"({"id": "us-ok", "country": "US", "us_person": true, "verification": "not_required"})",
          R"({"id": "cn-hq", "country": "SG", "headquarters_country": "CN"})",
          R"({"id": "sub-of-cn", "country": "US", "us_person": true, "parent_id": "cn-hq"})",
          R"({"id": "grandchild", "country": "DE", "owners": [{"id": "sub-of-cn", "share": 0.8}]})",
          R"({"id": "parent-mo", "country": "GB", "ultimate_parent_country": "MO"})",
          R"({"id": "cu-billing", "country": "MX", "billing_countries": ["CU"]})",
          R"({"id": "crimea", "country": "UA", "subdivisions": ["UA-43"]})",
          R"({"id": "ua-unknown", "country": "UA"})",
          R"({"id": "ua-kyiv", "country": "UA", "subdivisions": ["UA-30"]})",
          R"({"id": "sdn", "country": "AE", "sanctions": "listed"})",
          R"({"id": "hit", "country": "FR", "sanctions": "pending"})",
          R"({"id": "o2", "country": "CY", "owners": [{"id": "x", "share": 0.6, "blocked": true}]})",
          R"({"id": "fifty", "country": "CY", "owners": [{"id": "o1", "share": 0.3, "blocked": true},
                                                           {"id": "o2", "share": 0.2}]})",
          R"({"id": "forty-nine", "country": "CY", "owners": [{"id": "o1", "share": 0.3, "blocked": true},
                                                                {"id": "o3", "share": 0.19}]})",
          R"({"id": "el-affiliate", "country": "NL", "owners": [{"id": "el", "share": 0.5, "entity_list": true}]})",
          R"({"id": "el", "country": "NL", "entity_list": true})",
          R"({"id": "reseller", "country": "US", "us_person": true, "reseller": true, "end_user_countries": ["CN"]})",
          R"({"id": "person-cn", "kind": "individual", "country": "CN"})",
          R"({"id": "linked", "country": "US", "us_person": true, "linked_countries": ["HK"]})",
          R"({"id": "linked-to-sdn", "country": "NL", "linked_listed": ["sdn"]})",
          R"({"id": "linked-to-iran", "country": "AE", "linked_countries": ["AE", "IR"]})",
          R"({"id": "hold", "country": "US", "us_person": true, "legal_hold": true})",
          R"({"id": "foreign-pending", "country": "JP", "verification": "pending"})",
      }) {
    d.Put(P(json));
  }
  return d;
}

const HardwareItem kH100{"NVIDIA H100 SXM5 80GB", "3A090.a", 8};
const HardwareItem kH20{"NVIDIA HGX H20", "none", 8};
const HardwareItem kRtx3090{"NVIDIA GeForce RTX 3090", "3A090.b", 1};  // maintained: 5A992.c
const HardwareItem kMystery{"Mystery NPU", "unknown", 1};

struct Case {
  std::string customer;
  HardwareItem hw;
  std::string region;
  std::string date;
  Action outcome;
  std::vector<std::string> rules;  // exactly these rule ids fire
};

std::vector<std::string> Rules(const Decision& d) {
  std::vector<std::string> out;
  for (const Reason& r : d.reasons) out.push_back(r.rule);
  std::sort(out.begin(), out.end());
  return out;
}

TEST(AuthorizerTest, DecisionTable) {
  const Policy& policy = Policy::Bundled();
  const PartyDirectory parties = Parties();
  const auto A = Action::kAllow, R = Action::kReview, X = Action::kDeny;
  const Case cases[] = {
      {"us-ok", kH100, "us-east-1", "2026-12-01", A, {}},
      {"nobody", kH100, "us-east-1", "2026-12-01", X, {"cip.unknown-customer"}},
      // The headquarters rule binds controlled chips only; subsidiaries inherit it.
      {"cn-hq", kH100, "us-east-1", "2026-12-01", X, {"ear.headquarters"}},
      {"cn-hq", kH20, "us-east-1", "2026-12-01", A, {}},
      {"cn-hq", kRtx3090, "us-east-1", "2026-12-01", A, {}},  // legal status beats numeric
      {"sub-of-cn", kH100, "us-east-1", "2026-12-01", X, {"ear.headquarters"}},
      {"grandchild", kH100, "us-east-1", "2026-12-01", X, {"ear.headquarters"}},
      {"parent-mo", kH100, "us-east-1", "2026-12-01", X, {"ear.headquarters"}},
      {"cn-hq",
       kMystery,
       "us-east-1",
       "2026-12-01",
       X,
       {"ear.headquarters", "ear.unclassified-accelerator"}},
      {"us-ok", kMystery, "us-east-1", "2026-12-01", R, {"ear.unclassified-accelerator"}},
      // The headquarters rule took effect on 2023-11-17.
      {"cn-hq", kH100, "us-east-1", "2023-11-16", A, {}},
      {"cn-hq", kH100, "us-east-1", "2023-11-17", X, {"ear.headquarters"}},
      // Embargoes: any hardware, by location, billing, IP or region.
      {"cu-billing", kH20, "us-east-1", "2026-12-01", X, {"embargo.customer"}},
      {"crimea", kH20, "us-east-1", "2026-12-01", X, {"embargo.customer"}},
      {"ua-unknown", kH20, "us-east-1", "2026-12-01", R, {"embargo.region-unconfirmed"}},
      {"ua-kyiv", kH20, "us-east-1", "2026-12-01", A, {}},
      {"us-ok", kH20, "CU", "2026-12-01", X, {"embargo.region"}},
      // Syria's comprehensive embargo ended on 2025-07-01 (country-groups.toml).
      {"us-ok", kH20, "SY", "2025-06-30", X, {"embargo.region"}},
      {"us-ok", kH20, "SY", "2025-07-01", A, {}},
      // Datacenters: licence destinations review controlled chips; A:6 exempt; unknown region.
      {"us-ok", kH100, "me-central-1", "2026-12-01", R, {"ear.destination"}},
      {"us-ok", kH20, "me-central-1", "2026-12-01", A, {}},
      {"us-ok", kH100, "il-central-1", "2026-12-01", A, {}},
      {"us-ok", kH100, "mars-1", "2026-12-01", R, {"region.unknown"}},
      // Sanctions and the 50% rule (aggregate, through a blocked intermediary).
      {"sdn", kH20, "us-east-1", "2026-12-01", X, {"sanctions.listed"}},
      {"hit", kH20, "us-east-1", "2026-12-01", R, {"sanctions.pending-hit"}},
      {"fifty", kH20, "us-east-1", "2026-12-01", X, {"sanctions.50-percent"}},
      {"forty-nine", kH20, "us-east-1", "2026-12-01", A, {}},
      // Affiliates Rule: in force 2025-09-29, suspended 2025-11-10 to 2026-11-10.
      {"el-affiliate", kH100, "us-east-1", "2025-09-28", A, {}},
      {"el-affiliate", kH100, "us-east-1", "2025-09-29", X, {"affiliates.50-percent"}},
      {"el-affiliate", kH100, "us-east-1", "2025-11-10", A, {}},
      {"el-affiliate", kH100, "us-east-1", "2026-11-09", A, {}},
      {"el-affiliate", kH100, "us-east-1", "2026-11-10", X, {"affiliates.50-percent"}},
      {"el-affiliate", kH20, "us-east-1", "2026-11-10", A, {}},
      {"el", kH100, "us-east-1", "2026-12-01", X, {"ear.entity-list"}},
      // Resellers, individuals, linked evidence, legal holds.
      {"reseller", kH100, "us-east-1", "2026-12-01", R, {"ear.reseller-end-users"}},
      {"person-cn", kH100, "us-east-1", "2026-12-01", R, {"ear.d5-person"}},
      {"linked", kH100, "us-east-1", "2026-12-01", R, {"ear.headquarters-inferred"}},
      // A group with a listed or embargoed member sends every member to review (R33).
      {"linked-to-sdn", kH20, "us-east-1", "2026-12-01", R, {"sanctions.linked-listed"}},
      {"linked-to-iran", kH20, "us-east-1", "2026-12-01", R, {"embargo.linked"}},
      {"hold", kH100, "us-east-1", "2026-12-01", X, {"ear.legal-hold"}},
      {"hold", kH20, "us-east-1", "2026-12-01", A, {}},
      // The CIP proposal is off in the bundled policy.
      {"foreign-pending", kH100, "us-east-1", "2026-12-01", A, {}},
  };
  for (const Case& c : cases) {
    AuthorizeRequest req{c.customer, {c.hw}, c.region, D(c.date)};
    const PartyFacts* p = parties.Find(c.customer);
    std::optional<Standing> s;
    if (p) s = EvaluateStanding(policy, parties, *p, D(c.date));
    Decision d = Decide(policy, s ? &*s : nullptr, req, D(c.date));
    std::vector<std::string> want = c.rules;
    std::sort(want.begin(), want.end());
    EXPECT_EQ(d.outcome, c.outcome)
        << c.customer << " / " << c.hw.name << " / " << c.region << " on " << c.date;
    EXPECT_EQ(Rules(d), want) << c.customer << " / " << c.hw.name << " / " << c.region << " on "
                              << c.date;
    EXPECT_EQ(d.policy_id, policy.Id());
    for (const Reason& r : d.reasons) EXPECT_FALSE(r.text.empty()) << r.rule;
  }
}

// A copy of the bundled policy with a regime's text edited.
Policy Edited(std::string_view file, std::string_view from, std::string_view to) {
  auto files = BundledPolicyFiles();
  bool found = false;
  for (PolicyFile& f : files) {
    if (f.name != file) continue;
    if (from.empty()) {
      f.text += std::string(to);
      found = true;
    } else if (size_t at = f.text.find(from); at != std::string::npos) {
      f.text.replace(at, from.size(), to);
      found = true;
    }
  }
  if (!found) files.push_back({std::string(file), std::string(to)});
  auto p = Policy::Parse(files);
  EXPECT_TRUE(p.has_value()) << (p ? "" : p.error().ToString());
  return std::move(p).value();
}

TEST(AuthorizerTest, ProposedAndDormantRegimesWhenSwitchedOn) {
  const PartyDirectory parties = Parties();
  auto decide = [&](const Policy& policy, std::string_view customer, HardwareItem hw,
                    std::string_view date) {
    const PartyFacts* p = parties.Find(customer);
    Standing s = EvaluateStanding(policy, parties, *p, D(date));
    return Decide(policy, &s, AuthorizeRequest{std::string(customer), {hw}, "us-east-1", {}},
                  D(date));
  };
  // The CIP proposal switched on: a foreign customer pending verification is reviewed.
  Policy cip =
      Edited("policy.toml", "state = \"proposed\"\nenabled = false\neffective = 2024-01-29",
             "state = \"proposed\"\nenabled = true\neffective = 2024-01-29");
  Decision d = decide(cip, "foreign-pending", kH20, "2026-12-01");
  EXPECT_EQ(d.outcome, Action::kReview);
  EXPECT_EQ(Rules(d), std::vector<std::string>{"cip.unverified-foreign"});
  EXPECT_EQ(decide(cip, "us-ok", kH100, "2026-12-01").outcome, Action::kAllow);
  // RASA switched on: foreign access from a licence destination needs a licence.
  Policy rasa =
      Edited("policy.toml", "state = \"dormant\"\nenabled = false\neffective = 2026-01-12",
             "state = \"dormant\"\nenabled = true\neffective = 2026-01-12");
  d = decide(rasa, "person-cn", kH100, "2026-12-01");
  EXPECT_EQ(d.outcome, Action::kDeny);
  EXPECT_EQ(Rules(d), (std::vector<std::string>{"ear.d5-person", "rasa.remote-access"}));
  EXPECT_EQ(decide(rasa, "person-cn", kH100, "2026-01-11").outcome, Action::kReview);
  // The AI Diffusion red flag switched on: foreign requests of 64 or more controlled chips.
  Policy diffusion =
      Edited("policy.toml", "state = \"dormant\"\nenabled = false\neffective = 2025-01-15",
             "state = \"dormant\"\nenabled = true\neffective = 2025-01-15");
  EXPECT_EQ(decide(diffusion, "foreign-pending", kH100, "2026-12-01").outcome, Action::kAllow);
  HardwareItem many = kH100;
  many.count = 64;
  d = decide(diffusion, "foreign-pending", many, "2026-12-01");
  EXPECT_EQ(Rules(d), std::vector<std::string>{"diffusion.red-flag"});
  EXPECT_EQ(decide(diffusion, "us-ok", many, "2026-12-01").outcome, Action::kAllow);
}

TEST(AuthorizerTest, SpecialMeasuresByJurisdictionPersonAndExpiry) {
  PartyDirectory parties = Parties();
  parties.Put(P(R"({"id": "reseller-sg", "country": "US", "us_person": true, "reseller": true,
                    "end_user_countries": ["SG"]})"));
  parties.Put(P(R"({"id": "named", "country": "FR", "names": ["Shell Holdings Ltd"]})"));
  const std::string measures =
      "[[measure]]\nid = \"SM-SG\"\njurisdiction = \"SG\"\nmeasure = \"prohibit\"\n"
      "effective = 2027-03-01\nsource = \"example\"\n"
      "[[measure]]\nid = \"SM-P\"\npersons = [\"shell holdings ltd\"]\nmeasure = \"condition\"\n"
      "conditions = \"no more than 8 GPUs\"\neffective = 2027-03-01\nexpires = 2027-06-01\n"
      "source = \"example\"\n";
  Policy with = Edited("special-measures.toml", "", measures);
  auto decide = [&](std::string_view customer, std::string_view date) {
    const PartyFacts* p = parties.Find(customer);
    Standing s = EvaluateStanding(with, parties, *p, D(date));
    return Decide(with, &s, AuthorizeRequest{std::string(customer), {kH20}, "us-east-1", {}},
                  D(date));
  };
  EXPECT_EQ(decide("cn-hq", "2027-02-28").outcome, Action::kAllow);
  EXPECT_EQ(decide("cn-hq", "2027-03-01").outcome, Action::kDeny);
  EXPECT_EQ(Rules(decide("cn-hq", "2027-03-01")),
            std::vector<std::string>{"special-measure.SM-SG"});
  EXPECT_EQ(decide("reseller-sg", "2027-03-01").outcome, Action::kDeny);  // a reseller account
  EXPECT_EQ(decide("cn-hq", "2028-02-28").outcome, Action::kDeny);
  EXPECT_EQ(decide("cn-hq", "2028-02-29").outcome, Action::kAllow);  // expired after 365 days
  EXPECT_EQ(decide("named", "2027-05-31").outcome, Action::kReview);
  EXPECT_EQ(decide("named", "2027-06-01").outcome, Action::kAllow);
  EXPECT_EQ(decide("us-ok", "2027-03-01").outcome, Action::kAllow);

  // Publishing the measure changes exactly the affected customers' standing.
  std::set<std::string> changed;
  for (const StandingChange& c : Reevaluate(Policy::Bundled(), with, parties, D("2027-03-01"))) {
    changed.insert(c.customer_id);
    ASSERT_FALSE(c.added.empty());
    EXPECT_EQ(c.added[0].rule.rfind("special-measure.", 0), 0u);
  }
  EXPECT_EQ(changed, (std::set<std::string>{"cn-hq", "named", "reseller-sg"}));
  // Nothing changes for anyone before it takes effect; expiry is a change too.
  EXPECT_TRUE(Reevaluate(Policy::Bundled(), with, parties, D("2027-02-01")).empty());
  auto expiry = ReevaluateDates(with, parties, D("2027-05-31"), D("2027-06-01"));
  ASSERT_EQ(expiry.size(), 1u);
  EXPECT_EQ(expiry[0].customer_id, "named");
  EXPECT_EQ(expiry[0].removed.size(), 1u);
}

TEST(AuthorizerTest, PrecomputedStandingsFollowPartiesAndPolicy) {
  FakeClock clock(Timestamp(std::chrono::sys_days(D("2026-12-01"))));
  Authorizer auth(std::make_shared<Policy>(Policy::Bundled()), clock);
  PartyDirectory parties = Parties();
  for (const PartyFacts* p : parties.All()) auth.PutParty(*p);
  AuthorizeRequest req{"sub-of-cn", {kH100}, "us-east-1", {}};
  EXPECT_EQ(auth.Authorize(req).outcome, Action::kDeny);
  // The parent moves its headquarters: the subsidiary's standing is recomputed with it.
  auth.PutParty(P(R"({"id": "cn-hq", "country": "SG", "headquarters_country": "SG"})"));
  EXPECT_EQ(auth.Authorize(req).outcome, Action::kAllow);
  req.customer_id = "grandchild";
  EXPECT_EQ(auth.Authorize(req).outcome, Action::kAllow);
  // A request for another date is evaluated on the spot.
  req.customer_id = "el-affiliate";
  req.at = D("2026-11-09");
  EXPECT_EQ(auth.Authorize(req).outcome, Action::kAllow);
  req.at.reset();
  EXPECT_EQ(auth.Authorize(req).outcome, Action::kDeny);
  // A new day refreshes the standings.
  clock.Set(Timestamp(std::chrono::sys_days(D("2026-12-02"))));
  EXPECT_EQ(auth.Authorize(req).date, D("2026-12-02"));
  // A new policy: the Affiliates Rule switched off.
  auth.SetPolicy(std::make_shared<Policy>(Edited("policy.toml", "state = \"suspended\"\n",
                                                 "state = \"suspended\"\nenabled = false\n")));
  EXPECT_EQ(auth.Authorize(req).outcome, Action::kAllow);
  EXPECT_NE(auth.Authorize(req).policy_id, Policy::Bundled().Id());
}

TEST(AuthorizerTest, PartyFactsErrorsNameTheField) {
  struct Bad {
    const char* json;
    const char* field;
  };
  for (const Bad& b : {
           Bad{R"({"country": "US"})", "/id"},
           Bad{R"({"id": "a", "country": "usa"})", "/country"},
           Bad{R"({"id": "a", "owners": [{"id": "o", "share": 1.5}]})", "/owners/0/share"},
           Bad{R"({"id": "a", "owners": [{"share": 0.5}]})", "/owners/0/id"},
           Bad{R"({"id": "a", "verification": "maybe"})", "/verification"},
           Bad{R"({"id": "a", "colour": "red"})", "/colour"},
           Bad{R"({"id": "a", "billing_countries": ["US", 3]})", "/billing_countries/1"},
           Bad{R"({"id": "a", "owners": [{"id": "o", "share": 0.7}, {"id": "p", "share": 0.7}]})",
               "/owners"},
           Bad{"[1, 2]", ""},
           Bad{"{", ""},
       }) {
    auto p = ParsePartyFacts(b.json);
    ASSERT_FALSE(p.has_value()) << b.json;
    EXPECT_EQ(p.error().field(), b.field) << b.json << ": " << p.error().ToString();
  }
  PartyFacts round = P(R"({"id": "a", "country": "US", "owners": [{"id": "o", "share": 0.25}]})");
  auto again = ParsePartyFacts(PartyFactsJson(round));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->owners.size(), 1u);
  EXPECT_EQ(again->country, "US");
}

}  // namespace
}  // namespace kycloud::policy
