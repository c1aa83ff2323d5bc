// MemoryPolicyStore: PolicyStore in memory, for tests and embedding.
//
// Thread-safety: as PolicyStore (one mutex).
#pragma once

#include <map>
#include <mutex>

#include "kycloud/storage/policy_store.h"

namespace kycloud::storage {

class MemoryPolicyStore final : public PolicyStore {
 public:
  Result<bool> Publish(const PolicyVersionRecord& v) override;
  Result<std::optional<PolicyVersionRecord>> Latest() override;
  Result<std::vector<PolicyVersionRecord>> Versions() override;
  Status PutParty(const PartyRecord& p) override;
  Result<std::optional<PartyRecord>> GetParty(std::string_view id) override;
  Result<std::vector<PartyRecord>> Parties() override;
  Status AppendDecisions(const std::vector<DecisionRecord>& decisions) override;
  Result<std::vector<DecisionRecord>> DecisionsOf(std::string_view customer_id,
                                                  size_t limit) override;

 private:
  std::mutex mu_;
  std::vector<PolicyVersionRecord> versions_;
  std::map<std::string, PartyRecord, std::less<>> parties_;
  std::vector<DecisionRecord> decisions_;
};

}  // namespace kycloud::storage
