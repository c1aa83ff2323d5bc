// UsageConsumer: the loop of `kycloud ingest kafka`. Each message holds one usage record as a
// JSON object, or several as JSON lines (docs/usage-records.md). A batch of messages is parsed,
// applied to the usage ledger (stored durably, idempotent by record id, thresholds checked),
// and only then committed — so killing a consumer at any point loses nothing (the uncommitted
// messages are redelivered to the group) and double-counts nothing (their record ids are
// already stored). A message that does not parse is logged with its partition and offset and
// skipped (it never blocks its partition). When the ledger fails (the database is down), the
// same batch is retried with back-off, uncommitted.
//
// Thread-safety: one thread runs the loop; Stop() may be called from any thread or a signal
// handler (it sets an atomic flag).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>

#include "kycloud/base/result.h"
#include "kycloud/ingest/kafka_consumer.h"
#include "kycloud/metering/usage_ledger.h"

namespace kycloud::ingest {

struct ConsumerOptions {
  // Messages per batch (one ledger transaction). Default 500.
  size_t batch_messages = 500;
  // How long to wait for a batch to fill. Default 1 s.
  std::chrono::milliseconds batch_wait{1000};
  // Exit after this long without any message (0 = run until stopped). For batch jobs and tests.
  std::chrono::milliseconds idle_exit{0};
  // Back-off after a failed apply, doubled up to 30 s. Default 500 ms.
  std::chrono::milliseconds retry_backoff{500};
};

struct ConsumerStats {
  std::uint64_t messages = 0;
  std::uint64_t records = 0;
  std::uint64_t accepted = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t bad_messages = 0;  // messages with a line that did not parse
  std::uint64_t rejected = 0;      // records the ledger could not meter
  std::uint64_t batches = 0;
  std::uint64_t crossings = 0;
};

class UsageConsumer {
 public:
  // `consumer` and `ledger` must outlive it.
  UsageConsumer(KafkaConsumer& consumer, metering::UsageLedger& ledger,
                ConsumerOptions options = {});
  // Runs until Stop(), idle_exit, or a fatal consumer error (returned). `on_batch` (optional)
  // is called after each committed batch.
  Result<ConsumerStats> Run(const std::function<void(const ConsumerStats&)>& on_batch = nullptr);
  void Stop() { stop_.store(true); }

 private:
  KafkaConsumer& consumer_;
  metering::UsageLedger& ledger_;
  ConsumerOptions options_;
  std::atomic<bool> stop_{false};
};

}  // namespace kycloud::ingest
