// KafkaConsumer: one member of a Kafka consumer group (librdkafka), for usage ingestion. Offsets
// are never committed automatically: the caller commits a batch only after it has applied the
// batch durably (Commit), so a crash or a rebalance redelivers what was not yet applied — and
// the usage ledger's idempotency by record id makes the redelivery harmless (at-least-once
// delivery, exactly-once effect).
//
// Partitions are shared among the group's members by Kafka's group protocol; assignments and
// revocations are logged.
//
// Thread-safety: one thread drives a consumer.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kycloud/base/result.h"

namespace kycloud::ingest {

struct KafkaOptions {
  std::string brokers;  // "host:port[,host:port...]"
  std::string topic;
  std::string group;  // consumer group id
  // Extra librdkafka properties ("security.protocol" ...), applied last.
  std::map<std::string, std::string> properties;
  // Start of a partition with no committed offset: "earliest" (default) or "latest".
  std::string offset_reset = "earliest";
};

struct KafkaMessage {
  std::int32_t partition = 0;
  std::int64_t offset = 0;
  std::string key;
  std::string value;
};

class KafkaConsumer {
 public:
  // Connects lazily (librdkafka); errors: InvalidArgument naming a bad property or option.
  static Result<std::unique_ptr<KafkaConsumer>> Open(const KafkaOptions& options);
  ~KafkaConsumer();  // leaves the group (uncommitted messages go to the next owner)

  // Up to `max` messages, waiting at most `wait` for the first and then taking what is ready.
  // Partition ends and transient broker errors are not errors. Errors: Unavailable for fatal
  // consumer errors (e.g. the topic does not exist), with librdkafka's reason.
  Result<std::vector<KafkaMessage>> Poll(size_t max, std::chrono::milliseconds wait);
  // Commits, synchronously, the offsets after `applied` (the highest per partition + 1).
  // Errors: Unavailable (e.g. the partition was revoked meanwhile: its messages will be
  // redelivered to its new owner).
  Status Commit(const std::vector<KafkaMessage>& applied);
  // The partitions assigned now, e.g. "0,2".
  std::string Assignment() const;

  struct Impl;  // librdkafka's handle and the assignment (kafka_consumer.cc)

 private:
  explicit KafkaConsumer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kycloud::ingest
