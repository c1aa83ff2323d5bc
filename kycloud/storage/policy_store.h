// PolicyStore: published policy versions (the files of each, immutable once published) and the
// policy facts of every party (customers, owners, parents) that provisioning decisions read.
//
// Publishing is idempotent by content: the same label and hash again is a no-op; the same label
// with another hash is refused (a published version is never edited in place). The latest
// published version is the one in force.
//
// Thread-safety: implementations are safe to use from many threads and processes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kycloud/base/result.h"
#include "kycloud/base/time.h"

namespace kycloud::storage {

struct PolicyVersionRecord {
  std::string id;          // "LABEL+HASH12"
  std::string version;     // the label
  std::string hash;        // hex SHA-256 of the files
  std::string files_json;  // [{"name": ..., "text": ...}, ...]
  Timestamp published_at;
  std::string published_by;
  std::int64_t seq = 0;  // publication order, assigned by the store

  friend bool operator==(const PolicyVersionRecord&, const PolicyVersionRecord&) = default;
};

struct PartyRecord {
  std::string id;
  std::string facts_json;
  Timestamp updated_at;

  friend bool operator==(const PartyRecord&, const PartyRecord&) = default;
};

// One provisioning decision, as recorded for the customer's history and for auditors.
struct DecisionRecord {
  std::int64_t seq = 0;  // assigned by the store
  std::string customer_id;
  Timestamp at;
  std::string outcome;  // allow | review | deny
  std::string policy_id;
  std::string request_json;
  std::string reasons_json;

  friend bool operator==(const DecisionRecord&, const DecisionRecord&) = default;
};

class PolicyStore {
 public:
  virtual ~PolicyStore() = default;
  // Returns true when published now, false when this exact version already was. Errors:
  // AlreadyExists when the label is published with another hash.
  virtual Result<bool> Publish(const PolicyVersionRecord& v) = 0;
  // The version in force (the last published); nullopt when none was.
  virtual Result<std::optional<PolicyVersionRecord>> Latest() = 0;
  // Every published version, oldest first.
  virtual Result<std::vector<PolicyVersionRecord>> Versions() = 0;

  // Adds or replaces a party's facts.
  virtual Status PutParty(const PartyRecord& p) = 0;
  virtual Result<std::optional<PartyRecord>> GetParty(std::string_view id) = 0;
  // Every party, by id.
  virtual Result<std::vector<PartyRecord>> Parties() = 0;

  // Appends decisions in one transaction (their seq is assigned in order).
  virtual Status AppendDecisions(const std::vector<DecisionRecord>& decisions) = 0;
  // A customer's latest decisions, newest first, at most `limit`.
  virtual Result<std::vector<DecisionRecord>> DecisionsOf(std::string_view customer_id,
                                                          size_t limit) = 0;
};

}  // namespace kycloud::storage
