// The change feed: one row per change of state that `kycloud serve` instances keep in memory
// (policy versions, parties' policy facts, customers, link judgements), written by the stores in
// the transaction that makes the change. Every instance on one database polls the feed and
// re-reads what changed (cluster/change_follower.h), so what one instance writes takes effect
// on all of them. A row names what changed, never the change itself: following is re-reading
// the current state, idempotent and convergent whatever the order.
//
// Sequence numbers grow with insertion but, on PostgreSQL, commit out of order: a follower must
// expect gaps that fill later (ChangeFollower handles them). Rows carry the writing process's
// instance id so that an instance can skip its own changes (already applied in memory).
//
// Thread-safety: ChangeFeed implementations are safe to use from many threads and processes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kycloud/base/result.h"
#include "kycloud/base/time.h"
#include "kycloud/storage/database.h"

namespace kycloud::storage {

// What changed. The topics and their keys:
inline constexpr std::string_view kPolicyTopic = "policy";        // key: the version id
inline constexpr std::string_view kPartyTopic = "party";          // key: the party id
inline constexpr std::string_view kCustomerTopic = "customer";    // key: the customer id
inline constexpr std::string_view kJudgementTopic = "judgement";  // key: "A B" (sorted ids)

struct ChangeRecord {
  std::int64_t seq = 0;
  std::string topic;
  std::string key;
  std::string instance;  // ThisInstanceId() of the writer
  Timestamp at;
  friend bool operator==(const ChangeRecord&, const ChangeRecord&) = default;
};

// This process's instance id: 16 random hex characters, fixed for the life of the process.
const std::string& ThisInstanceId();

// Appends a change row inside the caller's write transaction.
Status RecordChange(Session& s, std::string_view topic, std::string_view key);

class ChangeFeed {
 public:
  virtual ~ChangeFeed() = default;
  // The highest sequence number written (0 for an empty feed).
  virtual Result<std::int64_t> Head() = 0;
  // Rows with seq > after, by seq, at most `limit`.
  virtual Result<std::vector<ChangeRecord>> After(std::int64_t after, size_t limit) = 0;
  // The rows with these sequence numbers that exist now (gaps being filled), by seq.
  virtual Result<std::vector<ChangeRecord>> Find(const std::vector<std::int64_t>& seqs) = 0;
  // Deletes rows written before `before`, keeping the newest row (so sequence numbers never go
  // back). Returns how many went.
  virtual Result<std::int64_t> PruneBefore(Timestamp before) = 0;
};

// ChangeFeed on a Database (SQLite or PostgreSQL), table change_feed (migration 13).
class SqlChangeFeed final : public ChangeFeed {
 public:
  // `db` must outlive the feed.
  explicit SqlChangeFeed(Database& db) : db_(db) {}
  Result<std::int64_t> Head() override;
  Result<std::vector<ChangeRecord>> After(std::int64_t after, size_t limit) override;
  Result<std::vector<ChangeRecord>> Find(const std::vector<std::int64_t>& seqs) override;
  Result<std::int64_t> PruneBefore(Timestamp before) override;

 private:
  Database& db_;
};

}  // namespace kycloud::storage
