#include "kycloud/ingest/usage_consumer.h"

#include <fmt/format.h>

#include <thread>

#include "kycloud/base/log.h"
#include "kycloud/compute/usage_parsers.h"

namespace kycloud::ingest {

UsageConsumer::UsageConsumer(KafkaConsumer& consumer, metering::UsageLedger& ledger,
                             ConsumerOptions options)
    : consumer_(consumer), ledger_(ledger), options_(options) {}

Result<ConsumerStats> UsageConsumer::Run(
    const std::function<void(const ConsumerStats&)>& on_batch) {
  ConsumerStats stats;
  auto last_message = std::chrono::steady_clock::now();
  while (!stop_.load()) {
    KY_ASSIGN_OR_RETURN(auto batch, consumer_.Poll(options_.batch_messages, options_.batch_wait));
    if (batch.empty()) {
      if (options_.idle_exit.count() > 0 &&
          std::chrono::steady_clock::now() - last_message >= options_.idle_exit) {
        break;
      }
      continue;
    }
    last_message = std::chrono::steady_clock::now();
    std::vector<compute::UsageRecord> records;
    for (const KafkaMessage& m : batch) {
      compute::ParsedUsage parsed;
      compute::ParseUsageJsonLines(m.value, 1, parsed);
      if (!parsed.errors.empty()) {
        ++stats.bad_messages;
        for (const auto& e : parsed.errors) {
          KY_LOG_EVENT(kWarn, "ingest.bad_message",
                       {{"partition", std::to_string(m.partition)},
                        {"offset", std::to_string(m.offset)},
                        {"error", compute::FormatParseError("message", e)}});
        }
      }
      for (auto& r : parsed.records) records.push_back(std::move(r));
    }
    // Apply until it succeeds: the batch stays uncommitted meanwhile.
    auto backoff = options_.retry_backoff;
    while (true) {
      auto applied = ledger_.Apply(records, "kafka:ingest");
      if (applied.has_value()) {
        stats.records += applied->received;
        stats.accepted += applied->accepted;
        stats.duplicates += applied->duplicates;
        stats.rejected += applied->errors.size();
        stats.crossings += applied->crossings.size();
        for (const auto& e : applied->errors) {
          KY_LOG_EVENT(kWarn, "ingest.rejected",
                       {{"record_id", e.record_id}, {"error", std::string(e.status.message())}});
        }
        break;
      }
      KY_LOG_EVENT(
          kError, "ingest.apply_failed",
          {{"error", applied.error().ToString()}, {"retry_ms", std::to_string(backoff.count())}});
      if (stop_.load()) return stats;  // uncommitted: redelivered to the next consumer
      std::this_thread::sleep_for(backoff);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(30000));
    }
    stats.messages += batch.size();
    ++stats.batches;
    if (Status st = consumer_.Commit(batch); !st.ok()) {
      // A revoked partition: its messages go to the new owner, whose apply is idempotent.
      KY_LOG_EVENT(kWarn, "ingest.commit_failed", {{"error", st.ToString()}});
    }
    if (on_batch) on_batch(stats);
  }
  return stats;
}

}  // namespace kycloud::ingest
