// `kycloud ingest kafka` against librdkafka's built-in mock cluster (the real client code, a
// mock broker): consumers in one group share the topic's partitions, and a consumer killed in
// the middle of its work loses and double-counts nothing once another takes over.
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <regex>
#include <set>
#include <thread>

#include "kycloud/storage/open_database.h"
#include "kycloud/storage/sql_usage_store.h"
#include "kycloud/storage/testing/test_database.h"
#include "support/service.h"
#include "support/subprocess.h"

namespace kycloud::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

// A mock Kafka cluster living in this process, and a producer for it.
class MockKafka {
 public:
  explicit MockKafka(int brokers) {
    char err[512];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    owner_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    EXPECT_NE(owner_, nullptr) << err;
    cluster_ = rd_kafka_mock_cluster_new(owner_, brokers);
    bootstraps_ = rd_kafka_mock_cluster_bootstraps(cluster_);
    conf = rd_kafka_conf_new();
    rd_kafka_conf_set(conf, "bootstrap.servers", bootstraps_.c_str(), err, sizeof err);
    producer_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    EXPECT_NE(producer_, nullptr) << err;
  }
  ~MockKafka() {
    rd_kafka_flush(producer_, 5000);
    rd_kafka_destroy(producer_);
    rd_kafka_mock_cluster_destroy(cluster_);
    rd_kafka_destroy(owner_);
  }
  void CreateTopic(const std::string& topic, int partitions) {
    ASSERT_EQ(rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions, 1),
              RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  void Produce(const std::string& topic, const std::string& key, const std::string& value) {
    rd_kafka_resp_err_t err;
    do {
      err = rd_kafka_producev(producer_, RD_KAFKA_V_TOPIC(topic.c_str()),
                              RD_KAFKA_V_KEY(key.data(), key.size()),
                              RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                              RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) rd_kafka_poll(producer_, 100);
    } while (err == RD_KAFKA_RESP_ERR__QUEUE_FULL);
    ASSERT_EQ(err, RD_KAFKA_RESP_ERR_NO_ERROR);
  }
  void Flush() { ASSERT_EQ(rd_kafka_flush(producer_, 30000), RD_KAFKA_RESP_ERR_NO_ERROR); }
  const std::string& bootstraps() const { return bootstraps_; }

 private:
  rd_kafka_t* owner_ = nullptr;
  rd_kafka_t* producer_ = nullptr;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
  std::string bootstraps_;
};

// Usage record i: one p4d.24xlarge hour of account acct-(i % 40).
std::string Record(int i) {
  const std::int64_t start = 1'767'225'600 + i * 3600LL;
  return json{{"record_id", "rec-" + std::to_string(i)},
              {"account_id", "acct-" + std::to_string(i % 40)},
              {"instance_type", "p4d.24xlarge"},
              {"start", start},
              {"end", start + 3600},
              {"region", "us-east-1"}}
      .dump();
}

class KafkaIngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = storage::testing::MakeTempDir("kafka");
    db_uri_ = "sqlite:" + dir_ + "/k.db";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  // `fast_failover`: a killed member leaves the group within a second (so that 20 kills in a
  // row do not wait for 20 session timeouts).
  std::unique_ptr<Subprocess> Consumer(const MockKafka& kafka, int idle_ms, int batch,
                                       bool fast_failover = false) {
    std::vector<std::string> argv = {
        KycloudBinary(), "ingest", "kafka", "--db", db_uri_, "--brokers", kafka.bootstraps(),
        "--topic", "usage", "--group", "metering", "--batch-messages", std::to_string(batch),
        "--batch-wait-ms", "200", "--idle-exit-ms", std::to_string(idle_ms),
        // A killed member leaves the group within seconds.
        "--property", fast_failover ? "session.timeout.ms=3000" : "session.timeout.ms=6000",
        "--property", fast_failover ? "heartbeat.interval.ms=300" : "heartbeat.interval.ms=500",
        "--property", "max.poll.interval.ms=10000"};
    // KYCLOUD_KAFKA_DEBUG=cgrp,protocol shows librdkafka's view of the group when diagnosing.
    if (const char* debug = std::getenv("KYCLOUD_KAFKA_DEBUG")) {
      argv.insert(argv.end(), {"--property", std::string("debug=") + debug});
    }
    return std::make_unique<Subprocess>(argv, dir_);
  }
  size_t StoredRecords() {
    storage::StorageOptions o;
    o.uri = db_uri_;
    auto db = storage::OpenDatabase(o);
    EXPECT_TRUE(db.has_value()) << db.error();
    if (!db) return 0;
    storage::SqlUsageStore store(**db);
    return store.CountRecords().value_or(0);
  }
  // The partitions a consumer holds now, from its latest "kafka.assigned" log line.
  static std::set<std::string> Assigned(Subprocess& p) {
    std::string err = p.stderr_text();
    std::set<std::string> out;
    std::regex re("kafka\\.(assigned|revoked)[^\\n]*partitions=\"?([0-9,]*)");
    for (auto it = std::sregex_iterator(err.begin(), err.end(), re); it != std::sregex_iterator();
         ++it) {
      out.clear();
      if ((*it)[1] == "revoked") continue;
      std::string parts = (*it)[2];
      for (size_t s = 0; s < parts.size();) {
        size_t e = parts.find(',', s);
        if (e == std::string::npos) e = parts.size();
        if (e > s) out.insert(parts.substr(s, e - s));
        s = e + 1;
      }
    }
    return out;
  }
  static json Summary(Subprocess& p) {
    std::string out = p.stdout_text();
    auto nl = out.find('{');
    EXPECT_NE(nl, std::string::npos) << out << p.stderr_text();
    return nl == std::string::npos ? json() : json::parse(out.substr(nl));
  }

  std::string dir_, db_uri_;
};

TEST_F(KafkaIngestTest, TwoConsumersInOneGroupShareThePartitions) {
  MockKafka kafka(3);
  kafka.CreateTopic("usage", 4);
  // A joins and takes every partition; B joins and the group rebalances.
  auto a = Consumer(kafka, 20000, 25);
  for (int i = 0; i < 600 && Assigned(*a).size() != 4; ++i) std::this_thread::sleep_for(100ms);
  ASSERT_EQ(Assigned(*a).size(), 4u) << a->stderr_text();
  auto b = Consumer(kafka, 20000, 25);
  // Wait until the group has settled: each holds part, together all four partitions.
  bool shared = false;
  for (int i = 0; i < 600 && !shared; ++i) {
    auto pa = Assigned(*a), pb = Assigned(*b);
    std::set<std::string> all(pa.begin(), pa.end());
    all.insert(pb.begin(), pb.end());
    shared = !pa.empty() && !pb.empty() && all.size() == 4 && pa.size() + pb.size() == 4;
    if (!shared) std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(shared) << a->stderr_text() << "\n---\n" << b->stderr_text();
  constexpr int kRecords = 2000;
  for (int i = 0; i < kRecords; ++i)
    kafka.Produce("usage", "acct-" + std::to_string(i % 40), Record(i));
  kafka.Flush();
  ASSERT_EQ(a->Wait(120s), 0) << a->stderr_text();
  ASSERT_EQ(b->Wait(120s), 0) << b->stderr_text();
  json sa = Summary(*a), sb = Summary(*b);
  EXPECT_GT(sa["messages"].get<int>(), 0) << sa;
  EXPECT_GT(sb["messages"].get<int>(), 0) << sb;
  EXPECT_EQ(sa["accepted"].get<int>() + sb["accepted"].get<int>(), kRecords);
  EXPECT_EQ(StoredRecords(), static_cast<size_t>(kRecords));
}

TEST_F(KafkaIngestTest, AConsumerKilledMidBatchLosesAndDoubleCountsNothing) {
  MockKafka kafka(1);
  kafka.CreateTopic("usage", 2);
  constexpr int kRecords = 3000;
  for (int i = 0; i < kRecords; ++i)
    kafka.Produce("usage", "acct-" + std::to_string(i % 40), Record(i));
  kafka.Flush();
  auto victim = Consumer(kafka, 60000, 10);
  // Kill it while it works: some batches stored and committed, the rest not.
  size_t stored = 0;
  for (int i = 0; i < 600 && stored < 300; ++i) {
    std::this_thread::sleep_for(50ms);
    stored = StoredRecords();
  }
  ASSERT_GE(stored, 300u) << victim->stderr_text();
  victim->Signal(SIGKILL);
  victim->Wait(10s);
  const size_t at_kill = StoredRecords();
  ASSERT_LT(at_kill, static_cast<size_t>(kRecords)) << "the consumer finished before the kill";

  auto heir = Consumer(kafka, 15000, 200);
  ASSERT_EQ(heir->Wait(180s), 0) << heir->stderr_text();
  json s = Summary(*heir);
  EXPECT_EQ(StoredRecords(), static_cast<size_t>(kRecords));
  // The heir re-read at most the uncommitted tail: what it stored anew is exactly what was
  // missing, and whatever it saw twice was recognised as a duplicate.
  EXPECT_EQ(s["accepted"].get<size_t>(), kRecords - at_kill) << s;
  EXPECT_EQ(s["records"].get<size_t>(),
            s["accepted"].get<size_t>() + s["duplicates"].get<size_t>());
  EXPECT_EQ(s["bad_messages"], 0);
}

TEST_F(KafkaIngestTest, TwentyKillsAtRandomPointsLoseAndDoubleCountNothing) {
  // The crash harness for the ingester: 20 consumers in a row, each killed (SIGKILL) at a random
  // moment while it stores and commits; the last one finishes. Every record is stored once, and
  // the per-account totals (state updated with each insert) equal the sum of the stored rows.
  MockKafka kafka(1);
  kafka.CreateTopic("usage", 2);
  constexpr int kRecords = 40000;
  for (int i = 0; i < kRecords; ++i)
    kafka.Produce("usage", "acct-" + std::to_string(i % 40), Record(i));
  kafka.Flush();
  std::mt19937 rng(std::random_device{}());
  size_t before = 0;
  int kills = 0;
  for (; kills < 20; ++kills) {
    auto victim = Consumer(kafka, 60000, 20, /*fast_failover=*/true);
    size_t stored = before;
    for (int i = 0; i < 1200 && stored < before + 50; ++i) {
      std::this_thread::sleep_for(25ms);
      stored = StoredRecords();
    }
    ASSERT_GE(stored, before + 50) << "round " << kills << ": " << victim->stderr_text();
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 150)(rng)));
    victim->Signal(SIGKILL);
    victim->Wait(10s);
    before = StoredRecords();
    if (before >= static_cast<size_t>(kRecords) - 500) {
      ++kills;
      break;  // keep some for the last one
    }
  }
  EXPECT_EQ(kills, 20) << "the topic ran out before 20 kills";
  auto heir = Consumer(kafka, 8000, 200, /*fast_failover=*/true);
  ASSERT_EQ(heir->Wait(180s), 0) << heir->stderr_text();
  EXPECT_EQ(StoredRecords(), static_cast<size_t>(kRecords));
  std::printf("ingester: %d kills, %zu records stored once\n", kills, StoredRecords());

  storage::StorageOptions o;
  o.uri = db_uri_;
  auto db = storage::OpenDatabase(o);
  ASSERT_TRUE(db.has_value()) << db.error();
  storage::SqlUsageStore store(**db);
  std::vector<std::string> accounts;
  for (int a = 0; a < 40; ++a) accounts.push_back("acct-" + std::to_string(a));
  auto totals = store.Totals(accounts, storage::UsageFigure::kCentral);
  ASSERT_TRUE(totals.has_value()) << totals.error();
  auto rows = store.ForAccounts(accounts, std::nullopt);
  ASSERT_TRUE(rows.has_value()) << rows.error();
  std::map<std::string, double> summed;
  for (const auto& r : *rows) summed[r.account_id] += r.central;
  ASSERT_EQ(totals->size(), 40u);
  for (const auto& [account, total] : *totals) {
    EXPECT_NEAR(total, summed[account], 1e-6 * summed[account]) << account << " counted twice";
  }
}

}  // namespace
}  // namespace kycloud::testing
