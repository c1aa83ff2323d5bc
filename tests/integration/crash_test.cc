// The crash harness: `kycloud serve` killed with SIGKILL at random points while clients write
// (onboarding, access events, usage batches, case events), restarted on the same database, 20
// times per scenario, on SQLite and on PostgreSQL. After every restart each acknowledged write
// is there; at the end, retried writes are recognised (idempotency keys, usage record ids) so
// nothing is counted twice, every case event is in the audit log, and the log verifies
// (`kycloud audit verify`). The Kafka ingester's kill test is in kafka_ingest_test.cc.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <thread>

#include "kycloud/base/random.h"
#include "kycloud/base/time.h"
#include "kycloud/storage/testing/test_database.h"
#include "support/service.h"
#include "support/subprocess.h"

namespace kycloud::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

constexpr int kKills = 20;
constexpr int kWriters = 2;

httplib::Headers Bearer(const std::string& key) { return {{"Authorization", "Bearer " + key}}; }

json Get(httplib::Client& c, const std::string& key, const std::string& path) {
  auto r = c.Get(path.c_str(), Bearer(key));
  EXPECT_TRUE(r && r->status == 200) << path << ": " << (r ? r->body : "no response");
  return r && r->status == 200 ? json::parse(r->body) : json();
}

// What one scenario writes and how it checks what survived. Write() runs on several threads.
class Scenario {
 public:
  virtual ~Scenario() = default;
  virtual void Prepare(httplib::Client&, const std::string& /*key*/) {}
  // One write; true when acknowledged (recorded by the scenario as such).
  virtual bool Write(httplib::Client& c, const std::string& key, int round, int writer,
                     int seq) = 0;
  // After a restart: every acknowledged write is there.
  virtual void Check(httplib::Client& c, const std::string& key) = 0;
  // At the end, on a running service: retries, counts.
  virtual void Finish(httplib::Client&, const std::string& /*key*/) {}
  // On the last start, after a clean stop: what must hold once everything pending is flushed.
  virtual void FinalCheck(httplib::Client&, const std::string& /*key*/) {}

 protected:
  std::mutex mu_;
};

json Customer(const std::string& id) {
  return json{{"id", id},
              {"kind", "individual"},
              {"names", {{{"full", "Crash Test " + id}}}},
              {"addresses", {{{"lines", {"1 Main St"}}, {"country", "DE"}}}},
              {"nationalities", {"DE"}},
              {"emails", {id + "@mail.example"}},
              {"phones", {"+49 30 1234567"}},
              {"payment_instruments",
               {{{"type", "card"}, {"issuing_country", "DE"}, {"fingerprint", "fp_" + id}}}}};
}

// Customers created with an idempotency key; a retry of one whose answer was lost is replayed.
class Onboarding final : public Scenario {
 public:
  bool Write(httplib::Client& c, const std::string& key, int round, int writer, int seq) override {
    const std::string id = fmt::format("c-{}-{}-{}", round, writer, seq);
    httplib::Headers h = Bearer(key);
    h.emplace("Idempotency-Key", "k-" + id);
    auto r = c.Post("/v1/customers", h, Customer(id).dump(), "application/json");
    std::lock_guard lock(mu_);
    if (r && r->status == 201) {
      acked_.insert(id);
      return true;
    }
    if (!r) unknown_.insert(id);  // sent; the kill took the answer
    return false;
  }
  std::set<std::string> Stored(httplib::Client& c, const std::string& key) {
    std::set<std::string> ids;
    std::string after;
    for (;;) {
      json page = Get(c, key, "/v1/customers?limit=1000&after=" + after);
      if (!page.contains("customers") || page["customers"].empty()) break;
      for (const auto& row : page["customers"]) ids.insert(row["id"].get<std::string>());
      after = page["customers"].back()["id"];
    }
    return ids;
  }
  void Check(httplib::Client& c, const std::string& key) override {
    const std::set<std::string> ids = Stored(c, key);
    std::lock_guard lock(mu_);
    for (const auto& id : acked_) EXPECT_TRUE(ids.count(id)) << "lost acknowledged " << id;
  }
  void Finish(httplib::Client& c, const std::string& key) override {
    for (const auto& id : unknown_) {
      httplib::Headers h = Bearer(key);
      h.emplace("Idempotency-Key", "k-" + id);
      auto r = c.Post("/v1/customers", h, Customer(id).dump(), "application/json");
      ASSERT_TRUE(r);
      EXPECT_TRUE(r->status == 201 || r->status == 200) << id << ": " << r->status << r->body;
    }
    EXPECT_EQ(Stored(c, key).size(), acked_.size() + unknown_.size());
    EXPECT_GE(acked_.size(), static_cast<size_t>(kKills)) << "too few writes to mean anything";
  }

 private:
  std::set<std::string> acked_, unknown_;
};

// Access-event batches for a few customers; each event has its own time.
class AccessEvents final : public Scenario {
 public:
  void Prepare(httplib::Client& c, const std::string& key) override {
    for (int i = 0; i < 4; ++i) {
      auto r = c.Post("/v1/customers", Bearer(key), Customer("a-" + std::to_string(i)).dump(),
                      "application/json");
      ASSERT_TRUE(r && r->status == 201) << (r ? r->body : "no response");
    }
  }
  bool Write(httplib::Client& c, const std::string& key, int round, int writer, int seq) override {
    const std::string id = "a-" + std::to_string(seq % 4);
    json events = json::array();
    std::vector<std::string> ats;
    for (int e = 0; e < 2; ++e) {
      // Unique to the second: 2026-11-01 + round/writer/seq/e.
      const long long s = 1'793'491'200LL + ((round * 10 + writer) * 100000LL + seq) * 2 + e;
      ats.push_back(FormatRfc3339(FromUnixMicros(s * 1'000'000)));
      events.push_back({{"ip", "198.51.100." + std::to_string(1 + seq % 200)},
                        {"at", ats.back()},
                        {"action", "api"}});
    }
    auto r = c.Post(("/v1/customers/" + id + "/access-events").c_str(), Bearer(key),
                    json{{"events", events}}.dump(), "application/json");
    if (!r || r->status != 200) return false;
    EXPECT_EQ(json::parse(r->body).value("accepted", 0), 2) << r->body;
    std::lock_guard lock(mu_);
    for (const auto& at : ats) acked_[id].insert(at);
    return true;
  }
  void Check(httplib::Client& c, const std::string& key) override {
    std::lock_guard lock(mu_);
    for (const auto& [id, ats] : acked_) {
      json got = Get(c, key, "/v1/customers/" + id + "/access-events?limit=1000");
      std::set<std::string> stored;
      for (const auto& e : got["events"]) stored.insert(e["at"].get<std::string>());
      for (const auto& at : ats) EXPECT_TRUE(stored.count(at)) << "lost " << id << " " << at;
    }
  }

 private:
  std::map<std::string, std::set<std::string>> acked_;
};

// Usage batches with record ids; at the end every batch ever sent is sent again: the totals
// must count each record once.
class Usage final : public Scenario {
 public:
  bool Write(httplib::Client& c, const std::string& key, int round, int writer, int seq) override {
    json records = json::array();
    // Ten minutes each, one after another from 2020-01-01: in the past whatever the round.
    const long long slot = (round * kWriters + writer) * 2000LL + seq;
    for (int k = 0; k < 5; ++k) {
      const long long start = 1'577'836'800LL + slot * 600;
      records.push_back({{"record_id", fmt::format("r-{}-{}-{}-{}", round, writer, seq, k)},
                         {"account_id", "u-" + std::to_string(k)},
                         {"instance_type", "p4d.24xlarge"},
                         {"start", start},
                         {"end", start + 600},
                         {"region", "us-east-1"}});
    }
    const std::string body = json{{"records", records}}.dump();
    {
      std::lock_guard lock(mu_);
      sent_.push_back(body);
    }
    auto r = c.Post("/v1/usage", Bearer(key), body, "application/json");
    if (!r || r->status != 200) return false;
    std::lock_guard lock(mu_);
    ++acked_batches_;
    return true;
  }
  void Check(httplib::Client& c, const std::string& key) override {
    std::lock_guard lock(mu_);
    if (acked_batches_ == 0) return;  // nothing promised yet (an unknown account is a 404)
    for (int k = 0; k < 5; ++k) {
      json got = Get(c, key, "/v1/accounts/u-" + std::to_string(k) + "/compute");
      const int records = got["account_compute"]["totals"]["records"].get<int>();
      EXPECT_GE(records, acked_batches_) << "u-" << k << " lost acknowledged records";
      EXPECT_LE(records, static_cast<int>(sent_.size())) << "u-" << k << " counted twice";
    }
  }
  void Finish(httplib::Client& c, const std::string& key) override {
    for (const std::string& body : sent_) {
      auto r = c.Post("/v1/usage", Bearer(key), body, "application/json");
      ASSERT_TRUE(r) << httplib::to_string(r.error());
      ASSERT_EQ(r->status, 200) << r->body;
      json j = json::parse(r->body);
      EXPECT_EQ(j["accepted"].get<int>() + j["duplicates"].get<int>(), 5) << j;
    }
    for (int k = 0; k < 5; ++k) {
      json got = Get(c, key, "/v1/accounts/u-" + std::to_string(k) + "/compute");
      const json& totals = got["account_compute"]["totals"];
      EXPECT_EQ(totals["records"].get<int>(), static_cast<int>(sent_.size())) << "u-" << k;
      // Ten minutes of a p4d.24xlarge are 8/6 A100-hours.
      EXPECT_NEAR(totals["chip_hours"].get<double>(), 8.0 / 6 * sent_.size(), 1e-6) << "u-" << k;
    }
  }

 private:
  std::vector<std::string> sent_;
  int acked_batches_ = 0;
};

// Notes on a few cases; every one must end up in the case and, once flushed, in the audit log.
class CaseEvents final : public Scenario {
 public:
  void Prepare(httplib::Client& c, const std::string& key) override {
    for (int i = 0; i < 3; ++i) {
      auto r = c.Post("/v1/cases", Bearer(key),
                      json{{"subject", "s-" + std::to_string(i)}, {"title", "crash test"}}.dump(),
                      "application/json");
      ASSERT_TRUE(r && r->status == 201) << (r ? r->body : "no response");
      cases_.push_back(json::parse(r->body)["id"]);
    }
  }
  bool Write(httplib::Client& c, const std::string& key, int round, int writer, int seq) override {
    const std::string& id = cases_[seq % cases_.size()];
    const std::string text = fmt::format("n-{}-{}-{}", round, writer, seq);
    auto r = c.Post(("/v1/cases/" + id + "/events").c_str(), Bearer(key),
                    json{{"type", "note"}, {"text", text}}.dump(), "application/json");
    if (!r || r->status != 201) return false;
    std::lock_guard lock(mu_);
    acked_[id].insert(text);
    return true;
  }
  void Check(httplib::Client& c, const std::string& key) override {
    std::lock_guard lock(mu_);
    for (const auto& [id, texts] : acked_) {
      std::set<std::string> stored;
      const json got = Get(c, key, "/v1/cases/" + id);
      for (const auto& e : got["events"]) {
        if (e["data"].contains("text")) stored.insert(e["data"]["text"].get<std::string>());
      }
      for (const auto& t : texts) EXPECT_TRUE(stored.count(t)) << "lost " << id << " " << t;
    }
  }
  void FinalCheck(httplib::Client& c, const std::string& key) override {
    for (const std::string& id : cases_) {
      const json got = Get(c, key, "/v1/cases/" + id);
      ASSERT_FALSE(got["events"].empty());
      for (const auto& e : got["events"]) {
        EXPECT_FALSE(e["audit_index"].is_null()) << id << " event " << e["seq"] << " not audited";
      }
    }
  }

 private:
  std::vector<std::string> cases_;
  std::map<std::string, std::set<std::string>> acked_;
};

struct Param {
  std::string backend;
  std::string scenario;
};

class CrashTest : public ::testing::TestWithParam<Param> {
 protected:
  void SetUp() override {
    dir_ = storage::testing::MakeTempDir("kycloud-crash");
    std::string uri, schema_line;
    if (GetParam().backend == "sqlite") {
      uri = "sqlite:" + dir_ + "/var/kycloud.db";
    } else {
      auto pg = storage::testing::TestPostgresUri();
      ASSERT_TRUE(pg.has_value()) << pg.error();
      uri = *pg;
      schema_line = "postgres_schema = \"crash_" + RandomAlphanumeric(10) + "\"\n";
    }
    std::filesystem::create_directories(dir_ + "/lists");
    std::ofstream(dir_ + "/lists/sdn.csv")
        << "306,\"BANCO NACIONAL DE CUBA\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"
           "-0- \r\n";
    config_ = dir_ + "/kycloud.toml";
    // No rate limit: the writers go as fast as the service lets them. A small linking model
    // keeps each restart quick.
    std::ofstream(config_) << "[storage]\nuri = \"" << uri << "\"\n"
                           << schema_line
                           << "[server]\naccess_log = false\nkey_rate_per_second = 0\n"
                           << "[screening]\nlists_dir = \"" << dir_ << "/lists\"\n"
                           << "[linking]\nmin_training = 200\n"
                           // A restarted instance leads (flushes, checkpoints) within 3 s.
                           << "[cluster]\nlease_seconds = 3\n";
    if (GetParam().scenario == "onboarding") scenario_ = std::make_unique<Onboarding>();
    if (GetParam().scenario == "access_events") scenario_ = std::make_unique<AccessEvents>();
    if (GetParam().scenario == "usage") scenario_ = std::make_unique<Usage>();
    if (GetParam().scenario == "case_events") scenario_ = std::make_unique<CaseEvents>();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string dir_, config_;
  std::unique_ptr<Scenario> scenario_;
};

TEST_P(CrashTest, KillNineAtRandomPointsLosesAndDoubleCountsNothing) {
  std::mt19937 rng(std::random_device{}());
  std::string admin;
  int acked_total = 0;
  for (int round = 0; round < kKills; ++round) {
    auto service = std::make_unique<Service>(dir_, config_);
    ASSERT_TRUE(service->started());
    if (round == 0) admin = service->bootstrap_key();
    ASSERT_FALSE(admin.empty());
    ASSERT_TRUE(service->WaitReady());
    auto c = service->Client();
    if (round == 0) scenario_->Prepare(c, admin);
    scenario_->Check(c, admin);
    if (HasFailure()) return;

    std::atomic<bool> stop{false};
    std::atomic<int> acked{0};
    std::vector<std::thread> writers;
    for (int w = 0; w < kWriters; ++w) {
      writers.emplace_back([&, w] {
        auto client = service->Client();
        for (int seq = 0; !stop; ++seq) {
          if (scenario_->Write(client, admin, round, w, seq)) ++acked;
        }
      });
    }
    // Kill at a random moment once writes are being acknowledged.
    for (int i = 0; i < 1000 && acked < 3; ++i) std::this_thread::sleep_for(milliseconds(5));
    std::this_thread::sleep_for(milliseconds(std::uniform_int_distribution<int>(0, 200)(rng)));
    service->process().Signal(SIGKILL);
    EXPECT_EQ(service->process().Wait(std::chrono::seconds(10)), 128 + SIGKILL);
    stop = true;
    for (auto& w : writers) w.join();
    acked_total += acked;
  }
  std::printf("%s/%s: %d kills, %d acknowledged writes\n", GetParam().backend.c_str(),
              GetParam().scenario.c_str(), kKills, acked_total);
  // Every scenario must have written for real, or its checks would hold vacuously.
  EXPECT_GE(acked_total, 3 * kKills);
  {
    Service service(dir_, config_);
    ASSERT_TRUE(service.started());
    ASSERT_TRUE(service.WaitReady());
    auto c = service.Client();
    scenario_->Check(c, admin);
    scenario_->Finish(c, admin);
    // The killed instance's lease runs out; this one leads, and at its clean stop appends the
    // case events a kill left out of the audit log.
    bool leading = false;
    for (int i = 0; i < 200 && !leading; ++i) {
      leading = Get(c, admin, "/v1/cluster").value("leader", false);
      if (!leading) std::this_thread::sleep_for(milliseconds(50));
    }
    EXPECT_TRUE(leading);
  }
  {
    Service service(dir_, config_);
    ASSERT_TRUE(service.started());
    auto c = service.Client();
    scenario_->FinalCheck(c, admin);
  }
  auto verified = RunToCompletion({KycloudBinary(), "audit", "verify", "--config", config_}, dir_);
  EXPECT_EQ(verified.code, 0) << verified.out << verified.err;
}

INSTANTIATE_TEST_SUITE_P(
    Scenarios, CrashTest,
    ::testing::Values(Param{"sqlite", "onboarding"}, Param{"sqlite", "access_events"},
                      Param{"sqlite", "usage"}, Param{"sqlite", "case_events"},
                      Param{"postgresql", "onboarding"}, Param{"postgresql", "access_events"},
                      Param{"postgresql", "usage"}, Param{"postgresql", "case_events"}),
    [](const auto& info) { return info.param.backend + "_" + info.param.scenario; });

}  // namespace
}  // namespace kycloud::testing
