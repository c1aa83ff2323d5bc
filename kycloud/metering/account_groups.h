// AccountGroups: accounts that belong together because they share a payer or an organisation id
// in their usage, or because account linking put their customers in one group (R33; an account's
// id is its customer's id) — the linked groups of compute roll-ups. A group has two or more
// accounts; its id is "grp-" + its smallest account id, so it is stable while the group only grows
// by accounts that sort after it. A value shared by more than `max_accounts_per_value` accounts (a
// reseller's or a payment processor's payer id) is generic and links no one by itself; account
// linking's groups are never generic (its clustering guards against over-merging).
//
// Thread-safety: immutable after construction.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "kycloud/storage/usage_store.h"

namespace kycloud::metering {

class AccountGroups {
 public:
  // Default 100 accounts per shared value.
  explicit AccountGroups(const std::vector<storage::AccountLink>& links,
                         size_t max_accounts_per_value = 100);

  // The group of `account`, or "" when it shares nothing with another account.
  std::string GroupOf(const std::string& account) const;
  // The accounts of a group, sorted (empty for an unknown group).
  const std::vector<std::string>& Members(const std::string& group) const;
  // Why the group holds together: "payer:<id>", "organization:<id>" and "linked:<group>" values
  // shared by members.
  const std::vector<std::string>& Evidence(const std::string& group) const;
  size_t size() const { return members_.size(); }
  // The payer and organisation values ignored as generic.
  const std::vector<std::string>& generic_values() const { return generic_; }

 private:
  std::map<std::string, std::string> group_of_;
  std::map<std::string, std::vector<std::string>> members_;
  std::map<std::string, std::vector<std::string>> evidence_;
  std::vector<std::string> generic_;
};

}  // namespace kycloud::metering
