// SqlPolicyStore: PolicyStore on a Database (SQLite or PostgreSQL), tables policy_versions and
// policy_parties.
//
// Thread-safety: as PolicyStore.
#pragma once

#include "kycloud/storage/database.h"
#include "kycloud/storage/policy_store.h"

namespace kycloud::storage {

class SqlPolicyStore final : public PolicyStore {
 public:
  // `db` must outlive the store.
  explicit SqlPolicyStore(Database& db) : db_(db) {}

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
  Database& db_;
};

}  // namespace kycloud::storage
