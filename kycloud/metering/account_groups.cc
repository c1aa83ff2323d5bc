#include "kycloud/metering/account_groups.h"

#include <set>
#include <unordered_map>

namespace kycloud::metering {

namespace {

// Union-find over string nodes.
class Dsu {
 public:
  size_t Node(const std::string& key) {
    auto [it, inserted] = index_.emplace(key, parent_.size());
    if (inserted) {
      parent_.push_back(parent_.size());
      keys_.push_back(key);
    }
    return it->second;
  }
  size_t Find(size_t x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }
  void Union(size_t a, size_t b) { parent_[Find(a)] = Find(b); }
  const std::string& Key(size_t i) const { return keys_[i]; }
  size_t size() const { return parent_.size(); }

 private:
  std::unordered_map<std::string, size_t> index_;
  std::vector<size_t> parent_;
  std::vector<std::string> keys_;
};

const std::vector<std::string> kEmpty;

}  // namespace

AccountGroups::AccountGroups(const std::vector<storage::AccountLink>& links,
                             size_t max_accounts_per_value) {
  std::map<std::string, std::set<std::string>> accounts_of;  // "p:" / "o:" value -> accounts
  for (const auto& l : links) {
    if (!l.payer_id.empty()) accounts_of["p:" + l.payer_id].insert(l.account_id);
    if (!l.organization_id.empty()) accounts_of["o:" + l.organization_id].insert(l.account_id);
    if (!l.linked_group.empty()) accounts_of["l:" + l.linked_group].insert(l.account_id);
  }
  auto name = [](const std::string& value) {
    return (value[0] == 'p'   ? "payer:"
            : value[0] == 'o' ? "organization:"
                              : "linked:") +
           value.substr(2);
  };
  for (const auto& [value, accounts] : accounts_of) {
    if (value[0] != 'l' && accounts.size() > max_accounts_per_value) {
      generic_.push_back(name(value));
    }
  }
  auto usable = [&](const std::string& value) {
    return value[0] == 'l' || accounts_of[value].size() <= max_accounts_per_value;
  };
  Dsu dsu;
  for (const auto& l : links) {
    const size_t a = dsu.Node("a:" + l.account_id);
    for (std::string value : {"p:" + l.payer_id, "o:" + l.organization_id, "l:" + l.linked_group}) {
      if (value.size() > 2 && usable(value)) dsu.Union(a, dsu.Node(value));
    }
  }
  // Components: accounts (sorted, by std::set) and the shared values that bind them.
  std::map<size_t, std::set<std::string>> accounts;
  std::map<size_t, std::set<std::string>> values;
  for (size_t i = 0; i < dsu.size(); ++i) {
    const std::string& key = dsu.Key(i);
    const size_t root = dsu.Find(i);
    if (key[0] == 'a') {
      accounts[root].insert(key.substr(2));
    } else {
      values[root].insert(name(key));
    }
  }
  for (auto& [root, members] : accounts) {
    if (members.size() < 2) continue;
    const std::string id = "grp-" + *members.begin();
    for (const auto& m : members) group_of_[m] = id;
    members_[id].assign(members.begin(), members.end());
    evidence_[id].assign(values[root].begin(), values[root].end());
  }
}

std::string AccountGroups::GroupOf(const std::string& account) const {
  auto it = group_of_.find(account);
  return it == group_of_.end() ? "" : it->second;
}

const std::vector<std::string>& AccountGroups::Members(const std::string& group) const {
  auto it = members_.find(group);
  return it == members_.end() ? kEmpty : it->second;
}

const std::vector<std::string>& AccountGroups::Evidence(const std::string& group) const {
  auto it = evidence_.find(group);
  return it == evidence_.end() ? kEmpty : it->second;
}

}  // namespace kycloud::metering
