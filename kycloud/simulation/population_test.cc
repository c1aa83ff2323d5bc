#include "kycloud/simulation/population.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include "kycloud/cip/cip_policy.h"
#include "kycloud/cip/customer_json.h"
#include "kycloud/cip/ip_geolocator.h"
#include "kycloud/compute/estimator.h"
#include "kycloud/policy/policy.h"

namespace kycloud::simulation {
namespace {

std::string Source(const std::string& rel) {
  const char* src = std::getenv("KYCLOUD_SOURCE_DIR");
  return std::string(src ? src : ".") + "/" + rel;
}

std::string Dump(const Population& p) {
  std::string out;
  for (const auto& c : p.customers) out += cip::CustomerJson(c.record) + "\n";
  for (const auto& e : p.access_events) out += AccessEventJson(e) + "\n";
  for (const auto& u : p.usage) out += UsageJson(u) + "\n";
  return out;
}

TEST(PopulationTest, TheSameSeedGivesTheSamePopulation) {
  auto a = Simulate({.customers = 500, .seed = 7});
  auto b = Simulate({.customers = 500, .seed = 7});
  auto c = Simulate({.customers = 500, .seed = 8});
  ASSERT_TRUE(a.has_value() && b.has_value() && c.has_value());
  EXPECT_EQ(a->customers.size(), 500u);
  EXPECT_EQ(Dump(*a), Dump(*b));
  EXPECT_NE(Dump(*a), Dump(*c));
}

TEST(PopulationTest, OptionsAreChecked) {
  EXPECT_NE(Simulate({.customers = 0}).error().message().find("customers"), std::string::npos);
  EXPECT_NE(Simulate({.shell_share = 0.9}).error().message().find("shell_share"),
            std::string::npos);
  EXPECT_NE(Simulate({.as_of = "yesterday"}).error().message().find("as_of"), std::string::npos);
  EXPECT_NE(Simulate({.days = 0}).error().message().find("days"), std::string::npos);
}

// Every record passes CIP validation as it stands (phones valid for their country, countries,
// owners' shares), so `kycloud customers import` takes the whole population.
TEST(PopulationTest, EveryCustomerPassesCipValidation) {
  auto cip_policy = cip::CipPolicy::FromPolicy(policy::Policy::Bundled());
  ASSERT_TRUE(cip_policy.has_value()) << cip_policy.error().ToString();
  auto p = Simulate({.customers = 3000, .seed = 11, .shell_share = 0.1, .reseller_share = 0.05});
  ASSERT_TRUE(p.has_value());
  std::set<std::string> ids;
  std::map<std::string, std::string> refused;  // field and country -> an example
  for (const auto& c : p->customers) {
    EXPECT_TRUE(ids.insert(c.record.id).second) << c.record.id;
    auto parsed = cip::ParseCustomer(cip::CustomerJson(c.record), *cip_policy);
    if (!parsed) {
      refused[std::string(parsed.error().field()) + " " + c.record.addresses.at(0).country] =
          parsed.error().ToString();
    }
  }
  EXPECT_TRUE(refused.empty()) << [&] {
    std::string s;
    for (const auto& [k, v] : refused) s += k + ": " + v + "\n";
    return s;
  }();
}

// Access IPs geolocate (bundled database) to where the party really is.
TEST(PopulationTest, AccessIpsGeolocateToTheTrueCountry) {
  auto geo = cip::IpGeolocator::Open(Source("data/geo/geo-whois-asn-country.mmdb"));
  ASSERT_TRUE(geo.has_value()) << geo.error().ToString();
  auto p = Simulate({.customers = 3000, .seed = 12, .shell_share = 0.1, .reseller_share = 0.05});
  ASSERT_TRUE(p.has_value());
  std::map<std::string, int> wrong;
  size_t checked = 0;
  for (const auto& c : p->customers) {
    ASSERT_FALSE(c.ips.empty()) << c.record.id;
    for (const auto& ip : c.ips) {
      const bool nat = ip.rfind("34.120.0.", 0) == 0;  // a cloud NAT, anywhere
      if (nat) continue;
      auto country = (*geo)->Country(ip);
      ASSERT_TRUE(country.has_value()) << ip;
      ++checked;
      // A shell account connects from its party's network or its own country's.
      if (*country != c.true_country && *country != c.record.addresses[0].country) {
        ++wrong[c.true_country + " " + ip.substr(0, ip.find('.', ip.find('.') + 1)) + " -> " +
                *country];
      }
    }
  }
  EXPECT_GT(checked, 3000u);
  EXPECT_TRUE(wrong.empty()) << [&] {
    std::string s;
    for (const auto& [k, n] : wrong) s += k + "\n";
    return s;
  }();
}

class ShellNetworkTest : public ::testing::TestWithParam<int> {};

TEST_P(ShellNetworkTest, ShellNetworksResellersAndGroundTruth) {
  const int ties = GetParam();
  auto p = Simulate({.customers = 20000, .seed = 13, .network_ties = ties});
  ASSERT_TRUE(p.has_value());
  std::map<std::string, std::vector<const SimulatedCustomer*>> parties;
  size_t shells = 0, end_users = 0, hidden = 0;
  for (const auto& c : p->customers) {
    parties[c.party].push_back(&c);
    if (c.role == Role::kShell) ++shells;
    if (c.role == Role::kEndUser) {
      ++end_users;
      EXPECT_FALSE(c.record.reseller_id.empty());
      if (c.true_country == "CN") ++hidden;
    }
  }
  EXPECT_GT(p->shell_networks, 50u);
  EXPECT_NEAR(static_cast<double>(shells) / 20000, 0.03, 0.01);
  EXPECT_GT(p->resellers, 3u);
  EXPECT_GT(hidden, 0u);
  EXPECT_LT(hidden, end_users);
  // Each network: 3-8 differently named organisations, each sharing an identifier with another.
  size_t networks = 0, single = 0;
  for (const auto& [party, members] : parties) {
    if (members.front()->role != Role::kShell) {
      EXPECT_EQ(members.size(), 1u) << party;
      continue;
    }
    ++networks;
    EXPECT_GE(members.size(), 3u);
    EXPECT_LE(members.size(), 8u);
    std::set<std::string> names;
    for (const auto* m : members) names.insert(m->record.names.at(0).full);
    EXPECT_GE(names.size(), members.size() - 1) << party;  // chance may repeat one
    // Every account shares `ties` or more different identifiers of the party's with another
    // account of the network: what makes them a network is visible in the data.
    auto identifiers = [](const SimulatedCustomer& c) {
      std::set<std::string> out;
      const cip::Customer& r = c.record;
      for (const auto& ph : r.phones) out.insert("phone:" + ph);
      for (const auto& pi : r.payment_instruments) out.insert(pi.type + ":" + pi.fingerprint);
      for (const auto& e : r.emails) out.insert("domain:" + e.substr(e.find('@') + 1));
      if (!r.addresses.empty() && !r.addresses[0].lines.empty()) {
        out.insert("office:" + r.addresses[0].lines[0] + "|" + r.addresses[0].postcode);
      }
      for (const auto& ip : c.ips) out.insert("network:" + ip.substr(0, ip.rfind('.')));
      for (const auto& o : r.beneficial_owners) {
        out.insert("owner:" + o.names.at(0).full + "|" + o.date_of_birth);
      }
      return out;
    };
    for (const auto* m : members) {
      const auto mine = identifiers(*m);
      size_t best = 0;
      for (const auto* other : members) {
        if (other == m) continue;
        size_t shared = 0;
        for (const auto& v : identifiers(*other)) shared += mine.count(v);
        best = std::max(best, shared);
      }
      EXPECT_GE(best, static_cast<size_t>(ties)) << party << " " << m->record.id;
      single += best == 1;
    }
  }
  EXPECT_EQ(networks, p->shell_networks);
  if (ties == 1) {
    EXPECT_GT(single, 0u);  // some hang on a single identifier
  }
  if (ties == 2) {
    EXPECT_EQ(single, 0u);
  }
}

INSTANTIATE_TEST_SUITE_P(Ties, ShellNetworkTest, ::testing::Values(1, 2));

TEST(PopulationTest, NetworkTiesAreChecked) {
  EXPECT_NE(Simulate({.network_ties = 3}).error().message().find("network_ties"),
            std::string::npos);
}

// A split run: each account stays under the 1% tier (1e24 at P95), the network together crosses
// it when it has four or more accounts.
TEST(PopulationTest, SplitRunsCrossTheFirstTierOnlyTogether) {
  auto p = Simulate({.customers = 3000, .seed = 14, .shell_share = 0.1});
  ASSERT_TRUE(p.has_value());
  const auto& est = compute::Estimator::Bundled();
  std::map<std::string, double> per_account;
  std::map<std::string, std::string> party_of;
  for (const auto& c : p->customers) party_of[c.record.id] = c.party;
  for (const auto& u : p->usage) {
    auto hw = est.Resolve(u.instance_type, u.instance_count);
    ASSERT_TRUE(hw.has_value()) << u.instance_type;
    auto e = est.Compute(*hw, {.seconds = std::chrono::duration<double>(u.end - u.start).count()});
    ASSERT_TRUE(e.has_value());
    per_account[u.account_id] += e->high;
  }
  std::map<std::string, std::pair<double, int>> per_party;
  for (const auto& [account, ops] : per_account) {
    EXPECT_LT(ops, 1e24) << account;
    per_party[party_of[account]].first += ops;
    per_party[party_of[account]].second += 1;
  }
  int crossing = 0;
  for (const auto& [party, total] : per_party) {
    if (party.rfind("party-", 0) != 0) continue;
    if (total.second >= 4) {
      EXPECT_GE(total.first, 1e24) << party;
      ++crossing;
    } else {
      EXPECT_LT(total.first, 1e24) << party;
    }
  }
  EXPECT_GT(crossing, 0);
}

}  // namespace
}  // namespace kycloud::simulation
