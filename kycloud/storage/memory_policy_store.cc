#include "kycloud/storage/memory_policy_store.h"

#include <fmt/format.h>

namespace kycloud::storage {

Result<bool> MemoryPolicyStore::Publish(const PolicyVersionRecord& v) {
  std::lock_guard lock(mu_);
  for (const PolicyVersionRecord& p : versions_) {
    if (p.version != v.version) continue;
    if (p.hash == v.hash) return false;
    return Err(AlreadyExistsError(fmt::format(
        "policy version '{}' is already published with other content; a published version is "
        "never edited: raise `version`",
        v.version)));
  }
  PolicyVersionRecord copy = v;
  copy.seq = static_cast<std::int64_t>(versions_.size()) + 1;
  versions_.push_back(std::move(copy));
  return true;
}

Result<std::optional<PolicyVersionRecord>> MemoryPolicyStore::Latest() {
  std::lock_guard lock(mu_);
  if (versions_.empty()) return std::optional<PolicyVersionRecord>();
  return std::optional<PolicyVersionRecord>(versions_.back());
}

Result<std::vector<PolicyVersionRecord>> MemoryPolicyStore::Versions() {
  std::lock_guard lock(mu_);
  return versions_;
}

Status MemoryPolicyStore::PutParty(const PartyRecord& p) {
  std::lock_guard lock(mu_);
  parties_.insert_or_assign(p.id, p);
  return OkStatus();
}

Result<std::optional<PartyRecord>> MemoryPolicyStore::GetParty(std::string_view id) {
  std::lock_guard lock(mu_);
  auto it = parties_.find(id);
  if (it == parties_.end()) return std::optional<PartyRecord>();
  return std::optional<PartyRecord>(it->second);
}

Result<std::vector<PartyRecord>> MemoryPolicyStore::Parties() {
  std::lock_guard lock(mu_);
  std::vector<PartyRecord> out;
  for (const auto& [id, p] : parties_) out.push_back(p);
  return out;
}

Status MemoryPolicyStore::AppendDecisions(const std::vector<DecisionRecord>& decisions) {
  std::lock_guard lock(mu_);
  for (DecisionRecord d : decisions) {
    d.seq = static_cast<std::int64_t>(decisions_.size()) + 1;
    decisions_.push_back(std::move(d));
  }
  return OkStatus();
}

Result<std::vector<DecisionRecord>> MemoryPolicyStore::DecisionsOf(std::string_view customer_id,
                                                                   size_t limit) {
  std::lock_guard lock(mu_);
  std::vector<DecisionRecord> out;
  for (auto it = decisions_.rbegin(); it != decisions_.rend() && out.size() < limit; ++it) {
    if (it->customer_id == customer_id) out.push_back(*it);
  }
  return out;
}

}  // namespace kycloud::storage
