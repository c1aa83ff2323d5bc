#include "kycloud/metering/account_groups.h"

#include <gtest/gtest.h>

namespace kycloud::metering {
namespace {

TEST(AccountGroupsTest, SharedPayerOrOrganisationLinksAccounts) {
  AccountGroups g({{"b", "payer-1", ""},
                   {"c", "", "org-7"},
                   {"a", "payer-1", ""},
                   {"c", "payer-1", ""},  // c links to a and b through the payer
                   {"d", "payer-2", ""},
                   {"e", "", ""}});
  EXPECT_EQ(g.GroupOf("a"), "grp-a");
  EXPECT_EQ(g.GroupOf("b"), "grp-a");
  EXPECT_EQ(g.GroupOf("c"), "grp-a");
  EXPECT_EQ(g.GroupOf("d"), "");  // alone behind its payer
  EXPECT_EQ(g.GroupOf("e"), "");
  EXPECT_EQ(g.GroupOf("nobody"), "");
  EXPECT_EQ(g.Members("grp-a"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(g.Evidence("grp-a"), (std::vector<std::string>{"organization:org-7", "payer:payer-1"}));
  EXPECT_EQ(g.size(), 1u);
}

// A payer shared by more accounts than the limit (a reseller, a payment processor) links no one.
TEST(AccountGroupsTest, GenericValuesLinkNoOne) {
  std::vector<storage::AccountLink> links;
  for (int i = 0; i < 150; ++i) links.push_back({"acct-" + std::to_string(i), "processor", ""});
  links.push_back({"acct-1", "", "org-1"});
  links.push_back({"acct-2", "", "org-1"});
  AccountGroups g(links, 100);
  EXPECT_EQ(g.generic_values(), (std::vector<std::string>{"payer:processor"}));
  EXPECT_EQ(g.GroupOf("acct-1"), "grp-acct-1");
  EXPECT_EQ(g.Members("grp-acct-1"), (std::vector<std::string>{"acct-1", "acct-2"}));
  EXPECT_EQ(g.GroupOf("acct-3"), "");
}

}  // namespace
}  // namespace kycloud::metering
