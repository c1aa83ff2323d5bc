// AccountLinking: account linking inside the service (R33; linking/, docs/linking.md). It keeps a
// LinkIndex of every customer — its CIP record (cip/customer_link_record.h) with the IP addresses
// of its latest access events — and what each customer brings to its group: where it is located,
// headquartered, pays and connects from, whether it is confirmed listed, and which reseller it
// buys through.
//
// - Load() builds the index (a batch run) from the stored customers, their access IPs, the
//   officers' judgements and the policy facts the provisioning service holds. A population of
//   fewer than `min_training` customers is too small to train a model on: the model is then
//   trained on it together with a simulated background population (simulation/population.h), so
//   a new service links from its first customers. Relink() runs the batch again (re-training on
//   the population as it is now); changes made while it runs are applied after it.
// - Observe() (cip/customer_links.h), from every CIP decision, links the customer again and
//   returns its group's evidence for the policy: the other members' countries, those of them
//   confirmed listed and, for a reseller, the countries its end users connect and pay from.
//   A reseller whose end users connect or pay from a D:5/Macau country (the EAR regime's
//   headquarters groups) raises a "linking.intermediary" alert on the reseller.
// - RelinkStored() links a customer's stored record again (after new access events).
// - Judge() stores an officer's judgement, audits it and re-clusters: "not same" splits a group
//   and keeps it split through every re-link; "same" joins two groups.
// - LinksJson() explains a customer's group: its members, each link's evidence, the judgements.
// - GroupLinks() gives the groups of two or more for compute roll-ups (metering).
// Each call that changes groups returns the customers whose linked evidence changed: the caller
// decides them again (Onboarding::Refresh).
//
// Thread-safety: safe from many threads; one mutex guards the index, and no store, audit or case
// call runs under it.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "kycloud/audit/audit_log.h"
#include "kycloud/base/clock.h"
#include "kycloud/cases/case_manager.h"
#include "kycloud/cip/customer_links.h"
#include "kycloud/cip/onboarding.h"
#include "kycloud/linking/link_index.h"
#include "kycloud/provisioning/provisioning_service.h"
#include "kycloud/storage/customer_store.h"
#include "kycloud/storage/link_judgement_store.h"
#include "kycloud/storage/pii_cipher.h"
#include "kycloud/storage/usage_store.h"

namespace kycloud::account_linking {

struct AccountLinkingOptions {
  linking::LinkOptions link;
  size_t min_training = 20000;  // fewer customers: train with a simulated background
  size_t access_events = 200;   // latest access events read per customer
  size_t max_ips = 20;          // distinct IP addresses kept per customer
};

struct JudgementInput {
  std::string a, b;  // customer ids
  bool same = false;
  std::string reason;
};

struct LinkingStatus {
  size_t customers = 0;
  size_t groups = 0;        // groups of two or more
  size_t trained_on = 0;    // customers the model was trained on (background included)
  bool background = false;  // the model was trained with a simulated background
  size_t skipped = 0;       // stored records that could not be opened (logged), not indexed
  Timestamp built_at;
};

class AccountLinking final : public cip::CustomerLinks {
 public:
  // The references (and `cases`, `audit`, which may be null) must outlive the linking.
  AccountLinking(cip::Onboarding& onboarding, storage::CustomerStore& customers,
                 const storage::PiiCipher& cipher, storage::LinkJudgementStore& judgements,
                 provisioning::ProvisioningService& provisioning, cases::CaseManager* cases,
                 audit::AuditLog* audit, const Clock& clock, AccountLinkingOptions options = {});

  // Builds the index from the stored customers. Returns the customers whose stored policy facts
  // miss what their linked group now says (records imported without linking, groups changed
  // since their last decision): the caller decides them again (Redecide) once screening can run.
  // Errors: the stores'.
  Result<std::vector<std::string>> Load();
  // Onboarding::Refresh of each (failures logged).
  void Redecide(const std::vector<std::string>& ids, const std::string& actor);
  // Runs the batch again over the stored customers; decides again (Onboarding::Refresh) and
  // returns the customers whose linked evidence changed. Errors: as Load; FailedPrecondition
  // while another re-link runs.
  Result<std::vector<std::string>> Relink(const std::string& actor);

  Result<cip::LinkedEvidence> Observe(const cip::Customer& c,
                                      const policy::PartyFacts& own) override;
  Result<std::vector<std::string>> RelinkStored(const std::string& customer_id) override;
  // Errors: InvalidArgument naming the field (reason "linking.invalid_judgement": a == b, no
  // reason); NotFound
  // naming an unknown customer; the store's. Decides again and returns the customers whose linked
  // evidence changed, both judged customers included. The audit entry holds the reason's digest.
  Result<std::vector<std::string>> Judge(const JudgementInput& j, const std::string& actor);

  // {"customer_id", "group", "members": [...], "links": [{a, b, weight, probability,
  // evidence}], "judgements": [{a, b, same, reason, decided_by, decided_at}],
  // "linked_countries", "linked_listed", "end_user_countries"}. Errors: NotFound.
  Result<std::string> LinksJson(const std::string& customer_id);
  // One AccountLink per member of each group of two or more, with its linked_group.
  std::vector<storage::AccountLink> GroupLinks() const;
  // Another instance's changes (cluster/change_follower.h), re-read from the stores into the
  // index: these customers' records and access IPs, and the judgements of these pairs ("A B").
  // Nothing is decided or alerted here: the instance that made the change did that. Errors: the
  // stores'; a record that no longer exists or does not open is logged and skipped.
  // A customer that no longer exists (erased after retention, here or by another instance) is
  // taken out of the index (Forget).
  Status FollowCustomers(const std::vector<std::string>& ids);
  // Takes erased customers out of the index: their links, judgements and evidence go, and their
  // former groups are re-clustered. Returns the remaining customers whose evidence changed (the
  // caller may decide them again). Unknown ids are ignored.
  std::vector<std::string> Forget(const std::vector<std::string>& ids);
  Status FollowJudgements(const std::vector<std::string>& pairs);
  // The evidence of a customer's group now (empty for an unknown customer).
  cip::LinkedEvidence EvidenceOf(const std::string& customer_id) const override;
  LinkingStatus status() const;

 private:
  struct Member {
    std::vector<std::string> countries;           // located, headquartered, paying, connecting
    std::vector<std::string> evidence_countries;  // paying and connecting (as an end user)
    bool listed = false;
    bool reseller = false;
    std::string reseller_id;
    friend bool operator==(const Member&, const Member&) = default;
  };
  struct Built {
    std::optional<linking::LinkIndex> index;
    std::unordered_map<std::string, Member> members;
    // What each customer's stored policy facts say its group gave it at its last decision.
    std::unordered_map<std::string, cip::LinkedEvidence> decided;
    LinkingStatus status;
  };

  static Member MemberOf(const cip::Customer& c, const policy::PartyFacts& facts);
  Result<std::vector<std::string>> IpsOf(const std::string& customer_id);
  Result<Built> Build();
  // Upserts under mu_; returns the other customers whose evidence changed.
  // Removes under mu_; returns the other customers whose evidence changed.
  std::set<std::string> RemoveLocked(const std::string& id);
  std::set<std::string> ApplyLocked(const linking::LinkRecord& record,
                                    const std::optional<Member>& member, bool& self_changed);
  void SetMemberLocked(const std::string& id, const Member& m);
  cip::LinkedEvidence EvidenceLocked(const std::string& id) const;
  void RefreshCacheLocked() const;
  void RaiseIntermediaryAlert(const std::string& reseller_id, const cip::LinkedEvidence& e);

  cip::Onboarding& onboarding_;  // opens the sealed records
  storage::CustomerStore& customers_;
  const storage::PiiCipher& cipher_;  // opens the sealed access IPs
  storage::LinkJudgementStore& judgements_;
  provisioning::ProvisioningService& provisioning_;
  cases::CaseManager* cases_;
  audit::AuditLog* audit_;
  const Clock& clock_;
  AccountLinkingOptions options_;

  mutable std::mutex mu_;
  std::optional<linking::LinkIndex> index_;
  std::unordered_map<std::string, Member> members_;
  std::unordered_map<std::string, std::set<std::string>> end_users_;  // reseller -> end users
  LinkingStatus status_;
  // Bumped by every change of the index; GroupLinks() and status() are computed once per version.
  std::uint64_t version_ = 1;
  mutable std::uint64_t cached_version_ = 0;
  mutable std::vector<storage::AccountLink> cached_links_;
  mutable size_t cached_groups_ = 0;
  // While a Relink builds: the changes made meanwhile, applied to the new index after it.
  bool relinking_ = false;
  struct PendingChange {
    linking::LinkRecord record;  // upserted, or (remove) only its id
    std::optional<Member> member;
    bool remove = false;
  };
  std::vector<PendingChange> pending_records_;  // in the order they were made
  std::vector<linking::NamedJudgement> pending_judgements_;
};

}  // namespace kycloud::account_linking
