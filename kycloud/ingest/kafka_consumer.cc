#include "kycloud/ingest/kafka_consumer.h"

#include <fmt/format.h>
#include <librdkafka/rdkafka.h>

#include <algorithm>
#include <mutex>

#include "kycloud/base/log.h"

namespace kycloud::ingest {

struct KafkaConsumer::Impl {
  rd_kafka_t* rk = nullptr;
  std::string topic;
  mutable std::mutex mu;
  std::vector<std::int32_t> assigned;
  ~Impl() {
    if (rk) {
      rd_kafka_consumer_close(rk);
      rd_kafka_destroy(rk);
    }
  }
};

namespace {

// Eager rebalancing: take or give up the partitions Kafka hands out, and log them.
void Rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts,
               void* opaque) {
  auto* impl = static_cast<KafkaConsumer::Impl*>(opaque);
  std::vector<std::int32_t> ids;
  for (int i = 0; i < parts->cnt; ++i) ids.push_back(parts->elems[i].partition);
  std::sort(ids.begin(), ids.end());
  std::lock_guard lock(impl->mu);
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    rd_kafka_assign(rk, parts);
    impl->assigned = ids;
    KY_LOG_EVENT(kInfo, "kafka.assigned", {{"partitions", fmt::format("{}", fmt::join(ids, ","))}});
  } else {
    rd_kafka_assign(rk, nullptr);
    impl->assigned.clear();
    KY_LOG_EVENT(kInfo, "kafka.revoked", {{"partitions", fmt::format("{}", fmt::join(ids, ","))}});
  }
}

}  // namespace

KafkaConsumer::KafkaConsumer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
KafkaConsumer::~KafkaConsumer() = default;

Result<std::unique_ptr<KafkaConsumer>> KafkaConsumer::Open(const KafkaOptions& o) {
  if (o.brokers.empty()) return Err(InvalidArgumentError("no brokers").WithField("brokers"));
  if (o.topic.empty()) return Err(InvalidArgumentError("no topic").WithField("topic"));
  if (o.group.empty()) return Err(InvalidArgumentError("no consumer group").WithField("group"));
  auto impl = std::make_unique<Impl>();
  impl->topic = o.topic;
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char errstr[512];
  std::map<std::string, std::string> props = {
      {"bootstrap.servers", o.brokers},      {"group.id", o.group},
      {"enable.auto.commit", "false"},       {"enable.auto.offset.store", "false"},
      {"auto.offset.reset", o.offset_reset}, {"enable.partition.eof", "false"},
      {"client.id", "kycloud-ingest"},
  };
  for (const auto& [k, v] : o.properties) props[k] = v;
  for (const auto& [k, v] : props) {
    if (rd_kafka_conf_set(conf, k.c_str(), v.c_str(), errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
      rd_kafka_conf_destroy(conf);
      return Err(
          InvalidArgumentError(fmt::format("kafka property {}: {}", k, errstr)).WithField(k));
    }
  }
  rd_kafka_conf_set_opaque(conf, impl.get());
  rd_kafka_conf_set_rebalance_cb(conf, Rebalance);
  impl->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
  if (!impl->rk) {
    rd_kafka_conf_destroy(conf);
    return Err(InvalidArgumentError(fmt::format("kafka consumer: {}", errstr)));
  }
  rd_kafka_poll_set_consumer(impl->rk);
  rd_kafka_topic_partition_list_t* topics = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(topics, o.topic.c_str(), RD_KAFKA_PARTITION_UA);
  rd_kafka_resp_err_t err = rd_kafka_subscribe(impl->rk, topics);
  rd_kafka_topic_partition_list_destroy(topics);
  if (err) {
    return Err(
        UnavailableError(fmt::format("subscribe to {}: {}", o.topic, rd_kafka_err2str(err))));
  }
  return std::unique_ptr<KafkaConsumer>(new KafkaConsumer(std::move(impl)));
}

Result<std::vector<KafkaMessage>> KafkaConsumer::Poll(size_t max, std::chrono::milliseconds wait) {
  std::vector<KafkaMessage> out;
  auto deadline = std::chrono::steady_clock::now() + wait;
  while (out.size() < max) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    // After the first message, take only what is already there.
    int timeout = out.empty() ? static_cast<int>(std::max<std::int64_t>(left.count(), 0)) : 0;
    rd_kafka_message_t* m = rd_kafka_consumer_poll(impl_->rk, timeout);
    if (!m) {
      if (!out.empty() || std::chrono::steady_clock::now() >= deadline) break;
      continue;
    }
    if (m->err) {
      const rd_kafka_resp_err_t err = m->err;
      std::string reason = rd_kafka_message_errstr(m);
      rd_kafka_message_destroy(m);
      if (err == RD_KAFKA_RESP_ERR__PARTITION_EOF) continue;
      if (err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
          err == RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC || err == RD_KAFKA_RESP_ERR__FATAL) {
        return Err(UnavailableError(fmt::format("kafka: {}", reason)));
      }
      KY_LOG_EVENT(kWarn, "kafka.error", {{"reason", reason}});
      continue;
    }
    KafkaMessage msg;
    msg.partition = m->partition;
    msg.offset = m->offset;
    if (m->key) msg.key.assign(static_cast<const char*>(m->key), m->key_len);
    if (m->payload) msg.value.assign(static_cast<const char*>(m->payload), m->len);
    rd_kafka_message_destroy(m);
    out.push_back(std::move(msg));
  }
  return out;
}

Status KafkaConsumer::Commit(const std::vector<KafkaMessage>& applied) {
  if (applied.empty()) return OkStatus();
  std::map<std::int32_t, std::int64_t> next;
  for (const auto& m : applied) next[m.partition] = std::max(next[m.partition], m.offset + 1);
  rd_kafka_topic_partition_list_t* list =
      rd_kafka_topic_partition_list_new(static_cast<int>(next.size()));
  for (const auto& [p, off] : next) {
    rd_kafka_topic_partition_list_add(list, impl_->topic.c_str(), p)->offset = off;
  }
  rd_kafka_resp_err_t err = rd_kafka_commit(impl_->rk, list, 0 /* synchronous */);
  rd_kafka_topic_partition_list_destroy(list);
  if (err) return UnavailableError(fmt::format("kafka commit: {}", rd_kafka_err2str(err)));
  return OkStatus();
}

std::string KafkaConsumer::Assignment() const {
  std::lock_guard lock(impl_->mu);
  return fmt::format("{}", fmt::join(impl_->assigned, ","));
}

}  // namespace kycloud::ingest
