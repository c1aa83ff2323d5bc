// The kycloud binary end to end: first start, graceful stop, CLI key management, start-up errors,
// and kill -9 in the middle of a burst of writes on SQLite and PostgreSQL.
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
#include <sstream>
#include <thread>

#include "kycloud/base/random.h"
#include "kycloud/storage/open_database.h"
#include "kycloud/storage/testing/test_database.h"
#include "support/records.h"
#include "support/service.h"
#include "support/subprocess.h"

namespace kycloud::testing {
namespace {

using nlohmann::json;

class ServiceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = storage::testing::MakeTempDir("kycloud-it");
    std::string uri;
    std::string schema_line;
    if (GetParam() == "sqlite") {
      uri = "sqlite:" + dir_ + "/var/kycloud.db";
      storage_.uri = uri;
    } else {
      auto pg = storage::testing::TestPostgresUri();
      ASSERT_TRUE(pg.has_value()) << pg.error();
      uri = *pg;
      storage_.uri = uri;
      storage_.postgres_schema = "it_" + RandomAlphanumeric(10);
      schema_line = "postgres_schema = \"" + storage_.postgres_schema + "\"\n";
    }
    // A small list set keeps start-up fast (the bundled lists are exercised by other tests).
    std::filesystem::create_directories(dir_ + "/lists");
    std::ofstream(dir_ + "/lists/sdn.csv")
        << "306,\"BANCO NACIONAL DE CUBA\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"
           "\"a.k.a. 'BNC'.\"\r\n"
        << "36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- "
           "\r\n";
    config_ = dir_ + "/kycloud.toml";
    std::ofstream(config_) << "[storage]\nuri = \"" << uri << "\"\n"
                           << schema_line << "[server]\naccess_log = false\n"
                           << "[screening]\nlists_dir = \"" << dir_ << "/lists\"\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string dir_, config_;
  storage::StorageOptions storage_;  // what the config file says
};

httplib::Headers Bearer(const std::string& key) { return {{"Authorization", "Bearer " + key}}; }

// A new API key of `role`, made with the admin key.
std::string MakeKey(httplib::Client& c, const std::string& admin, const char* name,
                    const char* role) {
  auto r = c.Post("/v1/keys", Bearer(admin), json{{"name", name}, {"role", role}}.dump(),
                  "application/json");
  EXPECT_TRUE(r && r->status == 201) << (r ? r->body : "no response");
  return r ? json::parse(r->body, nullptr, false).value("key", "") : "";
}

TEST_P(ServiceTest, FirstStartPrintsAdminKeyOnceAndStopsGracefully) {
  std::string key;
  {
    Service s(dir_, config_);
    ASSERT_TRUE(s.started());
    key = s.bootstrap_key();
    ASSERT_FALSE(key.empty()) << s.process().stdout_text();
    auto c = s.Client();
    EXPECT_EQ(c.Get("/healthz")->status, 200);  // at once, while the lists load
    EXPECT_TRUE(s.WaitReady());
    auto r = c.Get("/v1/whoami", Bearer(key));
    ASSERT_TRUE(r);
    EXPECT_EQ(json::parse(r->body)["role"], "admin");
    s.process().Signal(SIGTERM);
    EXPECT_EQ(s.process().Wait(std::chrono::seconds(30)), 0);
    EXPECT_NE(s.process().stdout_text().find("kycloud stopped"), std::string::npos);
    EXPECT_NE(s.process().stderr_text().find("received SIGTERM"), std::string::npos);
    // Logs are JSON lines and never contain the key's secret.
    EXPECT_EQ(s.process().stderr_text().find(key), std::string::npos);
  }
  Service again(dir_, config_);
  ASSERT_TRUE(again.started());
  EXPECT_TRUE(again.bootstrap_key().empty()) << "a second admin key was printed";
  EXPECT_EQ(again.Client().Get("/v1/whoami", Bearer(key))->status, 200);
}

// Secrets and personal data never reach the logs, even with the access log on and debug logging:
// API keys (good and refused), a console session's token and CSRF token, and a customer's e-mail,
// phone and birth date sent through the API.
TEST_P(ServiceTest, SecretsAndPersonalDataNeverReachTheLogs) {
  {
    std::ifstream in(config_);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto at = text.find("access_log = false");
    ASSERT_NE(at, std::string::npos);
    text.replace(at, std::string("access_log = false").size(), "access_log = true");
    std::ofstream(config_) << text;
  }
  Service s(dir_, config_, {"--log-level", "debug"});
  ASSERT_TRUE(s.started());
  ASSERT_TRUE(s.WaitReady());
  const std::string admin = s.bootstrap_key();
  auto c = s.Client();
  const std::string officer = MakeKey(c, admin, "olga", "officer");
  const std::string refused = "kyc_" + std::string(40, 'Z');
  EXPECT_EQ(c.Get("/v1/whoami", Bearer(refused))->status, 401);

  auto signed_in = c.Post("/v1/sessions", json{{"api_key", officer}}.dump(), "application/json");
  ASSERT_TRUE(signed_in && signed_in->status == 201);
  std::string cookie = signed_in->get_header_value("Set-Cookie");
  cookie = cookie.substr(0, cookie.find(';'));
  const std::string token = cookie.substr(cookie.find('=') + 1);
  const std::string csrf = json::parse(signed_in->body)["csrf_token"];
  ASSERT_GT(token.size(), 30u);
  const json person = {{"id", "p-secret"},
                       {"kind", "individual"},
                       {"names", {{{"full", "Quentin Quarrington"}}}},
                       {"date_of_birth", "1961-07-19"},
                       {"nationalities", {"GB"}},
                       {"addresses", {{{"lines", {"4 Privet Drive"}}, {"country", "GB"}}}},
                       {"emails", {"quentin.q@private.example"}},
                       {"phones", {"+44 20 7946 0321"}},
                       {"payment_instruments",
                        {{{"type", "card"}, {"issuing_country", "GB"}, {"fingerprint", "fp_q"}}}}};
  auto created = c.Post("/v1/customers", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}},
                        person.dump(), "application/json");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->status, 201) << created->body;
  EXPECT_EQ(c.Get("/v1/customers/p-secret", {{"Cookie", cookie}})->status, 200);
  EXPECT_EQ(c.Delete("/v1/sessions/current", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}})->status,
            200);
  s.process().Signal(SIGTERM);
  EXPECT_EQ(s.process().Wait(std::chrono::seconds(30)), 0);

  const std::string logs = s.process().stderr_text();
  // stdout prints the bootstrap key once, by design; nothing else secret may appear there.
  std::string out = s.process().stdout_text();
  if (auto at = out.find(admin); at != std::string::npos) out.erase(at, admin.size());
  EXPECT_NE(logs.find("\"route\":\"/v1/customers\""), std::string::npos) << "the access log is on";
  for (const std::string& secret :
       {admin, officer, refused, token, csrf, std::string("quentin.q@private.example"),
        std::string("7946 0321"), std::string("+442079460321"), std::string("1961-07-19"),
        std::string("Privet")}) {
    EXPECT_EQ(logs.find(secret), std::string::npos) << "logged: " << secret;
    EXPECT_EQ(out.find(secret), std::string::npos) << "printed: " << secret;
  }
}

// Writers create API keys as fast as they can; the service is killed with SIGKILL mid-burst,
// restarted, and every key whose creation was acknowledged (201) must be there. Three rounds.
TEST_P(ServiceTest, KillNineLosesNoAcknowledgedWrite) {
  std::string admin;
  std::set<std::string> acknowledged;
  std::mt19937 rng(std::random_device{}());
  for (int round = 0; round < 3; ++round) {
    auto service = std::make_unique<Service>(dir_, config_);
    ASSERT_TRUE(service->started());
    if (round == 0) admin = service->bootstrap_key();
    ASSERT_FALSE(admin.empty());

    // Everything acknowledged so far survived the previous kill.
    auto listed = service->Client().Get("/v1/keys", Bearer(admin));
    ASSERT_TRUE(listed);
    ASSERT_EQ(listed->status, 200) << listed->body;
    std::set<std::string> present;
    json listed_json = json::parse(listed->body);
    for (const auto& k : listed_json["keys"]) present.insert(k["id"]);
    for (const auto& id : acknowledged) EXPECT_TRUE(present.count(id)) << "lost " << id;

    std::atomic<bool> stop{false};
    std::atomic<int> acked_this_round{0};
    std::mutex mu;
    std::vector<std::thread> writers;
    for (int t = 0; t < 4; ++t) {
      writers.emplace_back([&, t] {
        auto c = service->Client();
        for (int i = 0; !stop; ++i) {
          std::string body = json{
              {"name",
               "w" + std::to_string(round) + "-" + std::to_string(t) + "-" + std::to_string(i)},
              {"role", "ingest"}}.dump();
          auto r = c.Post("/v1/keys", Bearer(admin), body, "application/json");
          if (r && r->status == 201) {
            std::lock_guard<std::mutex> lock(mu);
            acknowledged.insert(json::parse(r->body)["id"].get<std::string>());
            ++acked_this_round;
          }  // else: the kill broke the connection; httplib reconnects on the next call
        }
      });
    }
    // Kill at a random moment once the burst is under way.
    while (acked_this_round < 20) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 300)(rng)));
    service->process().Signal(SIGKILL);
    EXPECT_EQ(service->process().Wait(std::chrono::seconds(10)), 128 + SIGKILL);
    stop = true;
    for (auto& w : writers) w.join();
    service.reset();
  }
  Service final_check(dir_, config_);
  ASSERT_TRUE(final_check.started());
  auto listed = final_check.Client().Get("/v1/keys", Bearer(admin));
  ASSERT_TRUE(listed);
  std::set<std::string> present;
  json listed_json = json::parse(listed->body);
  for (const auto& k : listed_json["keys"]) present.insert(k["id"]);
  size_t lost = 0;
  for (const auto& id : acknowledged) lost += present.count(id) ? 0 : 1;
  EXPECT_EQ(lost, 0u) << "of " << acknowledged.size() << " acknowledged writes";
  EXPECT_GE(acknowledged.size(), 60u);
}

TEST_P(ServiceTest, KeysCommandLine) {
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), KycloudBinary());
    args.insert(args.end(), {"--config", config_});
    return RunToCompletion(args, dir_);
  };
  auto created = run({"keys", "create", "--name", "nightly batch", "--role", "integrator"});
  ASSERT_EQ(created.code, 0) << created.err;
  std::string key = created.out.substr(0, created.out.find('\n'));
  ASSERT_EQ(key.size(), 44u) << created.out;
  std::string id = key.substr(0, 12);

  auto listed = run({"keys", "list"});
  ASSERT_EQ(listed.code, 0) << listed.err;
  EXPECT_NE(listed.out.find(id), std::string::npos);
  EXPECT_NE(listed.out.find("nightly batch"), std::string::npos);
  EXPECT_EQ(listed.out.find(key), std::string::npos);

  auto as_json = run({"keys", "list", "--json"});
  auto line = json::parse(as_json.out.substr(0, as_json.out.find('\n')));
  EXPECT_EQ(line["id"], id);
  EXPECT_TRUE(line["revoked_at"].is_null());

  {
    Service s(dir_, config_);
    ASSERT_TRUE(s.started());
    EXPECT_EQ(s.Client().Get("/v1/whoami", Bearer(key))->status, 200);
  }
  auto revoked = run({"keys", "revoke", id});
  EXPECT_EQ(revoked.code, 0) << revoked.err;
  auto again = run({"keys", "revoke", id});
  EXPECT_NE(again.code, 0);
  EXPECT_NE(again.err.find("already revoked"), std::string::npos) << again.err;
  {
    Service s(dir_, config_);
    ASSERT_TRUE(s.started());
    EXPECT_EQ(s.Client().Get("/v1/whoami", Bearer(key))->status, 401);
  }
  auto bad = run({"keys", "create", "--name", "x", "--role", "root"});
  EXPECT_NE(bad.code, 0);
  EXPECT_NE(bad.err.find("unknown role 'root'"), std::string::npos) << bad.err;
}

TEST_P(ServiceTest, DataKeyRotationReSealsEverythingAndRetiresTheOldKey) {
  auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), KycloudBinary());
    args.insert(args.end(), {"--config", config_});
    return RunToCompletion(args, dir_);
  };
  const std::string base_config = [&] {
    std::stringstream text;
    text << std::ifstream(config_).rdbuf();
    return text.str();
  }();
  auto customer = [](const std::string& id) {
    return json{{"id", id},
                {"kind", "individual"},
                {"names", {{{"full", "Ilse Korr " + id}}}},
                {"addresses", {{{"lines", {"1 Main St"}}, {"country", "DE"}}}},
                {"nationalities", {"DE"}},
                {"emails", {id + "@mail.example"}},
                {"phones", {"+49 30 1234567"}},
                {"payment_instruments",
                 {{{"type", "card"}, {"issuing_country", "DE"}, {"fingerprint", "fp_" + id}}}},
                {"date_of_birth", "1980-01-02"}};
  };
  std::string admin;
  {
    Service s(dir_, config_);
    ASSERT_TRUE(s.started());
    admin = s.bootstrap_key();
    auto c = s.Client();
    for (const char* id : {"p-1", "p-2"}) {
      auto r = c.Post("/v1/customers", Bearer(admin), customer(id).dump(), "application/json");
      ASSERT_TRUE(r && r->status == 201) << (r ? r->body : "no response");
      r = c.Post((std::string("/v1/customers/") + id + "/access-events").c_str(), Bearer(admin),
                 R"({"events": [{"at": "2026-11-30T10:00:00Z", "ip": "198.51.100.4",
                                 "action": "login"}]})",
                 "application/json");
      ASSERT_TRUE(r && r->status == 200) << (r ? r->body : "no response");
    }
  }
  // A new key, never over an existing file.
  auto new_key = [&] {
    return RunToCompletion({KycloudBinary(), "keys", "new-data-key", dir_ + "/var/data-2.key"},
                           dir_);
  };
  auto made = new_key();
  ASSERT_EQ(made.code, 0) << made.err;
  EXPECT_EQ(made.out.size(), 17u) << made.out;  // the key id and a newline
  auto again = new_key();
  EXPECT_NE(again.code, 0);
  EXPECT_NE(again.err.find("never overwritten"), std::string::npos) << again.err;
  EXPECT_EQ(
      std::filesystem::status(dir_ + "/var/data-2.key").permissions() & std::filesystem::perms::all,
      std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);

  // The new key seals; the old one only opens. The CLI re-seals everything under the new one.
  std::ofstream(config_) << base_config << "[security]\ndata_key_file = \"" << dir_
                         << "/var/data-2.key\"\nold_data_key_files = [\"" << dir_
                         << "/var/data.key\"]\n";
  auto counted = run({"keys", "rotate-data-key", "--dry-run"});
  ASSERT_EQ(counted.code, 0) << counted.err;
  EXPECT_NE(counted.out.find("before customers.record_sealed: 2 values, 2 under older keys"),
            std::string::npos)
      << counted.out;
  auto rotated = run({"keys", "rotate-data-key", "--batch", "1"});
  ASSERT_EQ(rotated.code, 0) << rotated.err;
  EXPECT_NE(rotated.out.find("after customers.record_sealed: 2 values, 0 under older keys"),
            std::string::npos)
      << rotated.out;
  EXPECT_NE(rotated.out.find("after customer_access_events.ip_sealed: 2 values, 0 under older"),
            std::string::npos)
      << rotated.out;

  // The old key retired: the service opens every record with the new key alone.
  std::ofstream(config_) << base_config << "[security]\ndata_key_file = \"" << dir_
                         << "/var/data-2.key\"\n";
  {
    Service s(dir_, config_);
    ASSERT_TRUE(s.started());
    auto r = s.Client().Get("/v1/customers/p-2", Bearer(admin));
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    EXPECT_EQ(json::parse(r->body)["record"]["names"][0]["full"], "Ilse Korr p-2");
    r = s.Client().Get("/v1/customers/p-1/access-events", Bearer(admin));
    ASSERT_TRUE(r);
    EXPECT_NE(r->body.find("198.51.100.4"), std::string::npos) << r->body;
  }
  // A second rotation, left to the service: its leader re-seals in the background.
  ASSERT_EQ(
      RunToCompletion({KycloudBinary(), "keys", "new-data-key", dir_ + "/var/data-3.key"}, dir_)
          .code,
      0);
  std::ofstream(config_) << base_config << "[security]\ndata_key_file = \"" << dir_
                         << "/var/data-3.key\"\nold_data_key_files = [\"" << dir_
                         << "/var/data-2.key\"]\n";
  {
    Service s(dir_, config_);
    ASSERT_TRUE(s.started());
    bool done = false;
    for (int i = 0; i < 100 && !done; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      auto counted = run({"keys", "rotate-data-key", "--dry-run"});
      done = counted.code == 0 && counted.out.find(" 0 under older keys") != std::string::npos &&
             counted.out.find(" 1 under older") == std::string::npos &&
             counted.out.find(" 2 under older") == std::string::npos;
    }
    EXPECT_TRUE(done) << run({"keys", "rotate-data-key", "--dry-run"}).out;
  }
  // An instance still on an old key refuses to start, naming the key it lacks.
  std::ofstream(config_) << base_config;
  auto refused = RunToCompletion(
      {KycloudBinary(), "serve", "--config", config_, "--listen", "127.0.0.1:0"}, dir_);
  EXPECT_NE(refused.code, 0);
  EXPECT_NE(refused.err.find("security.data_key_file"), std::string::npos) << refused.err;
}

TEST_P(ServiceTest, ScreensOverHttpOnceListsAreLoaded) {
  Service s(dir_, config_);
  ASSERT_TRUE(s.started());
  auto c = s.Client();
  std::string key = s.bootstrap_key();
  // Ready once the database answers and the lists are loaded (in the background).
  ASSERT_TRUE(s.WaitReady());
  auto r =
      c.Post("/v1/screen", Bearer(key),
             R"({"queries": [{"name": "Banco Nacional de Cuba"}, {"name": "Jane Q. Nobody"}]})",
             "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  auto j = json::parse(r->body);
  EXPECT_EQ(j["results"][0]["hits"][0]["entity_id"], "306");
  EXPECT_TRUE(j["results"][1]["hits"].empty());
  auto lists = c.Get("/v1/lists", Bearer(key));
  ASSERT_TRUE(lists);
  EXPECT_EQ(json::parse(lists->body)["hash"], j["lists_hash"]);
  r = c.Post("/v1/screen", Bearer(key), R"({"queries": [{"schema": "Person"}]})",
             "application/json");
  EXPECT_EQ(r->status, 422);
  EXPECT_EQ(json::parse(r->body)["error"]["field"], "/queries/0/name");
}

// `kycloud lists update` swaps the directory under a running service; SIGHUP (and the poller)
// reload it, and POST /v1/lists/reload does the same on request.
TEST_P(ServiceTest, RunningServicePicksUpUpdatedLists) {
  Service s(dir_, config_);
  ASSERT_TRUE(s.started());
  auto c = s.Client();
  std::string key = s.bootstrap_key();
  ASSERT_TRUE(s.WaitReady());
  auto before = json::parse(c.Get("/v1/lists", Bearer(key))->body);
  ASSERT_EQ(before["entities"], 2);

  std::string src = dir_ + "/new-lists";
  std::filesystem::create_directories(src);
  std::ofstream(src + "/sdn.csv")
      << "306,\"BANCO NACIONAL DE CUBA\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n"
      << "7,\"NEW LISTED TRADING LLC\",-0- ,\"IRAN\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n"
      << "8,\"ANOTHER LISTED CO\",-0- ,\"IRAN\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n";
  auto up = RunToCompletion(
      {KycloudBinary(), "lists", "update", "--from", src, "--lists", dir_ + "/lists"});
  ASSERT_EQ(up.code, 0) << up.err;
  s.process().Signal(SIGHUP);
  json after;
  for (int i = 0; i < 300; ++i) {
    after = json::parse(c.Get("/v1/lists", Bearer(key))->body);
    if (after["hash"] != before["hash"]) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(after["entities"], 3);
  auto r = c.Post("/v1/screen", Bearer(key), R"({"queries": [{"name": "New Listed Trading"}]})",
                  "application/json");
  ASSERT_EQ(r->status, 200) << r->body;
  auto j = json::parse(r->body);
  ASSERT_FALSE(j["results"][0]["hits"].empty()) << r->body;
  EXPECT_EQ(j["results"][0]["hits"][0]["entity_id"], "7");
  EXPECT_EQ(j["lists_hash"], after["hash"]);

  auto reload = c.Post("/v1/lists/reload", Bearer(key), "", "application/json");
  ASSERT_EQ(reload->status, 200) << reload->body;
  EXPECT_FALSE(json::parse(reload->body)["changed"]);
  EXPECT_EQ(json::parse(reload->body)["lists_hash"], after["hash"]);
}

// Lists updated while the service was down: at the next start the leader finds that the lists in
// force are not the ones the database recorded its customers were re-screened against, and
// re-screens them in full; a company listed meanwhile gets an alert and a new decision.
TEST_P(ServiceTest, ListsChangedWhileDownAreRescreenedAtTheNextStart) {
  auto wait_for_log = [](Service& s, const std::string& text) {
    for (int i = 0; i < 300; ++i) {
      if (s.process().stderr_text().find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  };
  std::string key, first_decision;
  {
    Service s(dir_, config_);
    ASSERT_TRUE(s.started());
    ASSERT_TRUE(s.WaitReady());
    key = s.bootstrap_key();
    auto c = s.Client();
    auto r = c.Post(
        "/v1/customers", Bearer(key),
        SingaporeCompany("c-later", "New Listed Trading LLC", "+65 6111 2222", "fp_later").dump(),
        "application/json");
    ASSERT_EQ(r->status, 201) << r->body;
    first_decision = json::parse(r->body)["decision"];
    EXPECT_TRUE(wait_for_log(s, "the lists in force are the starting point"));
    s.process().Signal(SIGTERM);
    ASSERT_EQ(s.process().Wait(std::chrono::seconds(30)), 0);
  }
  std::string src = dir_ + "/new-lists";
  std::filesystem::create_directories(src);
  std::ofstream(src + "/sdn.csv")
      << "306,\"BANCO NACIONAL DE CUBA\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n"
      << "7,\"NEW LISTED TRADING LLC\",-0- ,\"IRAN\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n";
  auto up = RunToCompletion(
      {KycloudBinary(), "lists", "update", "--from", src, "--lists", dir_ + "/lists"});
  ASSERT_EQ(up.code, 0) << up.err;

  Service again(dir_, config_);
  ASSERT_TRUE(again.started());
  ASSERT_TRUE(again.WaitReady());
  auto c = again.Client();
  EXPECT_TRUE(wait_for_log(again, "re-screening customers: the lists changed"));
  EXPECT_NE(again.process().stderr_text().find("every entity"), std::string::npos);
  json alerts;
  bool found = false;
  for (int i = 0; i < 300 && !found; ++i) {
    alerts = json::parse(c.Get("/v1/alerts?source=screening&limit=100", Bearer(key))->body);
    for (const auto& a : alerts["alerts"]) found = found || a["subject"] == "c-later";
    if (!found) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(found) << alerts.dump();
  auto customer = json::parse(c.Get("/v1/customers/c-later", Bearer(key))->body);
  EXPECT_NE(customer["decision"], first_decision) << customer.dump();
}

// Every decision lands in the audit log; an auditor gets a signed checkpoint and proofs over
// HTTP, checks them with an independent verifier (Python, hashlib only), and `kycloud audit
// verify` recomputes the log from the database and catches an edit.
TEST_P(ServiceTest, AuditLogProofsVerifyIndependentlyAndTamperingIsCaught) {
  std::string key;
  json checkpoint;
  {
    Service s(dir_, config_);
    ASSERT_TRUE(s.started());
    auto c = s.Client();
    key = s.bootstrap_key();
    ASSERT_TRUE(s.WaitReady());
    for (int i = 0; i < 6; ++i) {
      auto r = c.Post(
          "/v1/screen", Bearer(key),
          json{{"queries",
                {{{"name", "Banco Nacional de Cuba"}, {"subject_id", "c" + std::to_string(i)}}}}}
              .dump(),
          "application/json");
      ASSERT_EQ(r->status, 200) << r->body;
      auto j = json::parse(r->body);
      ASSERT_TRUE(j["audit"]["leaf_index"].is_number()) << r->body;
      EXPECT_EQ(j["results"][0]["query"].dump().find("audit"), std::string::npos);
    }
    auto auditor = c.Post("/v1/keys", Bearer(key), R"({"name": "auditor", "role": "auditor"})",
                          "application/json");
    ASSERT_EQ(auditor->status, 201);
    std::string auditor_key = json::parse(auditor->body)["key"];
    // The auditor may read the log but not screen.
    EXPECT_EQ(c.Post("/v1/screen", Bearer(auditor_key), R"({"queries":[{"name":"x"}]})",
                     "application/json")
                  ->status,
              403);
    auto cp = c.Get("/v1/audit/checkpoint", Bearer(auditor_key));
    ASSERT_EQ(cp->status, 200) << cp->body;
    checkpoint = json::parse(cp->body);
    std::int64_t size = checkpoint["checkpoint"]["tree_size"];
    ASSERT_GE(size, 8);  // list publication, 6 screenings, key creation
    json doc = {
        {"checkpoint", checkpoint}, {"inclusion", json::array()}, {"consistency", json::array()}};
    for (std::int64_t i = 0; i < size; ++i) {
      auto p = c.Get(("/v1/audit/proof/inclusion?leaf=" + std::to_string(i)).c_str(),
                     Bearer(auditor_key));
      ASSERT_EQ(p->status, 200) << p->body;
      doc["inclusion"].push_back(json::parse(p->body));
    }
    // By leaf hash too.
    auto by_hash = c.Get(
        ("/v1/audit/proof/inclusion?leaf=" + doc["inclusion"][3]["leaf_hash"].get<std::string>())
            .c_str(),
        Bearer(auditor_key));
    ASSERT_EQ(by_hash->status, 200);
    EXPECT_EQ(json::parse(by_hash->body)["leaf_index"], 3);
    for (std::int64_t from = 1; from <= size; ++from) {
      auto p = c.Get(fmt::format("/v1/audit/proof/consistency?from={}&to={}", from, size).c_str(),
                     Bearer(auditor_key));
      ASSERT_EQ(p->status, 200) << p->body;
      doc["consistency"].push_back(json::parse(p->body));
    }
    EXPECT_EQ(c.Get("/v1/audit/proof/inclusion?leaf=abc", Bearer(auditor_key))->status, 422);
    EXPECT_EQ(c.Get("/v1/audit/proof/consistency?from=0&to=2", Bearer(auditor_key))->status, 422);
    std::ofstream(dir_ + "/proofs.json") << doc.dump();
    std::ofstream(dir_ + "/checkpoint.txt") << checkpoint["checkpoint"]["note"].get<std::string>();
    auto py = RunToCompletion(
        {"/usr/bin/python3",
         std::string(std::getenv("KYCLOUD_SOURCE_DIR")) + "/tests/audit/verify_proofs.py",
         dir_ + "/proofs.json"});
    EXPECT_EQ(py.code, 0) << py.out << py.err;
    EXPECT_NE(py.out.find("0 failures"), std::string::npos) << py.out;
    s.process().Signal(SIGTERM);
    EXPECT_EQ(s.process().Wait(std::chrono::seconds(30)), 0);
  }
  auto verify = RunToCompletion(
      {KycloudBinary(), "audit", "verify", "--config", config_, "--checkpoint",
       dir_ + "/checkpoint.txt", "--verifier-key", checkpoint["verifier_key"].get<std::string>()},
      dir_);
  EXPECT_EQ(verify.code, 0) << verify.out << verify.err;
  EXPECT_NE(verify.out.find("OK: the audit log verifies"), std::string::npos) << verify.out;
  EXPECT_NE(verify.out.find("signatures checked"), std::string::npos) << verify.out;

  // An administrator rewrites one decision in the database.
  auto tamper =
      RunToCompletion({KycloudBinary(), "audit", "verify", "--config", config_, "--json"}, dir_);
  ASSERT_EQ(tamper.code, 0) << tamper.out << tamper.err;
  std::int64_t victim = 0;
  {
    auto db = storage::OpenDatabase(storage_);
    ASSERT_TRUE(db.has_value()) << db.error();
    // The second screening result (entries of cases and alerts lie in between).
    auto rows = storage::QueryOnce(
        **db, "SELECT idx FROM audit_entries WHERE kind = 'screening.result' ORDER BY idx");
    ASSERT_TRUE(rows.has_value() && rows->size() >= 2);
    victim = (*rows)[1][0].AsInt();
    auto changed = storage::ExecuteOnce(**db,
                                        "UPDATE audit_entries SET entry = REPLACE(entry, "
                                        "'\"suppressed\":false', '\"suppressed\":true') WHERE "
                                        "idx = ?",
                                        {static_cast<long long>(victim)});
    ASSERT_TRUE(changed.has_value());
    ASSERT_EQ(*changed, 1);
  }
  auto caught =
      RunToCompletion({KycloudBinary(), "audit", "verify", "--config", config_, "--json"}, dir_);
  EXPECT_EQ(caught.code, 2) << caught.out << caught.err;
  auto report = json::parse(caught.out);
  EXPECT_FALSE(report["ok"]);
  EXPECT_EQ(report["first_bad_leaf"], victim) << caught.out;
}

// Officers work a screening hit through its case with two keys (four-eyes), build the case's
// evidence pack, and an independent script verifies every proof in it; a training-run report is
// drafted, completed, approved by a second officer and filed; the CLI reads the same reports.
TEST_P(ServiceTest, CasesFourEyesReportsAndEvidencePacksEndToEnd) {
  std::string case_id, pack_id, report_id;
  {
    Service s(dir_, config_);
    ASSERT_TRUE(s.started());
    ASSERT_TRUE(s.WaitReady());
    std::string admin = s.bootstrap_key();
    auto c = s.Client();
    auto make_key = [&](const char* name, const char* role) {
      return MakeKey(c, admin, name, role);
    };
    std::string alice = make_key("alice", "officer"), bob = make_key("bob", "officer");
    std::string integrator = make_key("onboarding", "integrator");
    std::string auditor = make_key("auditor", "auditor");
    auto post = [&](const std::string& key, const std::string& path, const json& body) {
      auto r = c.Post(path.c_str(), Bearer(key), body.dump(), "application/json");
      EXPECT_TRUE(r);
      return std::make_pair(r->status, json::parse(r->body.empty() ? "{}" : r->body));
    };

    auto [st, screened] =
        post(integrator, "/v1/screen",
             {{"queries", {{{"name", "Banco Nacional de Cuba"}, {"subject_id", "cust-42"}}}}});
    ASSERT_EQ(st, 200) << screened.dump();
    ASSERT_EQ(screened["results"][0]["case_alerts"].size(), 1u) << screened.dump();
    case_id = screened["results"][0]["case_alerts"][0]["case_id"];
    auto queue = json::parse(c.Get("/v1/cases?status=open&queue=screening", Bearer(alice))->body);
    ASSERT_EQ(queue["cases"].size(), 1u);
    EXPECT_EQ(queue["cases"][0]["id"], case_id);
    // The auditor reads but does not act.
    EXPECT_EQ(post(auditor, "/v1/cases/" + case_id + "/events", {{"type", "start_review"}}).first,
              403);
    std::string events = "/v1/cases/" + case_id + "/events";
    EXPECT_EQ(post(alice, events, {{"type", "start_review"}}).first, 201);
    EXPECT_EQ(post(alice, events, {{"type", "note"}, {"text", "listed bank, same name"}}).first,
              201);
    EXPECT_EQ(post(alice, events,
                   {{"type", "close"}, {"resolution", "true_positive"}, {"reason", "exact match"}})
                  .first,
              201);
    auto [self_st, self] = post(alice, events, {{"type", "approve"}});
    EXPECT_EQ(self_st, 403);
    EXPECT_EQ(self["error"]["code"], "four_eyes");
    auto [ok_st, approved] = post(bob, events, {{"type", "approve"}});
    ASSERT_EQ(ok_st, 201) << approved.dump();
    EXPECT_EQ(approved["case"]["status"], "closed");
    EXPECT_EQ(approved["case"]["resolution"], "true_positive");
    EXPECT_TRUE(approved["event"]["audit_index"].is_number());

    auto [pack_st, pack] =
        post(auditor, "/v1/reports", {{"kind", "case_evidence"}, {"case_id", case_id}});
    ASSERT_EQ(pack_st, 201) << pack.dump();
    pack_id = pack["id"];
    EXPECT_EQ(pack["content"]["events"].size(), 6u);  // opened, alert, review, note, close, ok
    std::ofstream(dir_ + "/pack.json") << pack["content"].dump();
    auto py = RunToCompletion(
        {"/usr/bin/python3",
         std::string(std::getenv("KYCLOUD_SOURCE_DIR")) + "/tests/audit/verify_proofs.py",
         dir_ + "/pack.json"});
    EXPECT_EQ(py.code, 0) << py.out << py.err;
    EXPECT_NE(py.out.find("verified 6 inclusion"), std::string::npos) << py.out;
    auto html = c.Get(("/v1/reports/" + pack_id + "?format=html").c_str(), Bearer(auditor));
    ASSERT_EQ(html->status, 200);
    EXPECT_NE(html->get_header_value("Content-Type").find("text/html"), std::string::npos);
    EXPECT_NE(html->body.find("Evidence pack of case " + case_id), std::string::npos);
    // Reading personal data is itself recorded: who read which report.
    auto entries = json::parse(c.Get("/v1/audit/entries?from=0&limit=1000", Bearer(auditor))->body);
    bool read_recorded = false;
    for (const auto& e : entries["entries"]) {
      auto entry = json::parse(e["entry"].get<std::string>());
      if (entry["kind"] == "pii.read" && entry["data"]["resource"] == "report" &&
          entry["data"]["ids"][0] == pack_id) {
        read_recorded = true;
      }
      EXPECT_EQ(e["entry"].get<std::string>().find("cust-42"), std::string::npos) << e;
    }
    EXPECT_TRUE(read_recorded);

    json content = {
        {"customer",
         {{"id", "cust-42"}, {"name", "Example AI"}, {"country", "SG"}, {"foreign", true}}},
        {"run", {{"first_seen", "2026-11-01T00:00:00Z"}, {"estimated_operations", 1.2e26}}},
        {"cluster", {{"accelerator", "H100 SXM5 80GB"}, {"count", 20000}}},
        {"knowledge_date", "2026-11-20"}};
    auto [draft_st, draft] =
        post(alice, "/v1/reports",
             {{"kind", "training_run"}, {"subject", "cust-42"}, {"content", content}});
    ASSERT_EQ(draft_st, 201) << draft.dump();
    report_id = draft["id"];
    std::string revents = "/v1/reports/" + report_id + "/events";
    auto [inc_st, inc] = post(alice, revents, {{"type", "complete"}});
    EXPECT_EQ(inc_st, 422);
    EXPECT_EQ(inc["error"]["field"], "/content/provider_contact");
    EXPECT_EQ(post(bob, revents,
                   {{"type", "complete"}, {"content", {{"provider_contact", "cco@example.com"}}}})
                  .first,
              201);
    EXPECT_EQ(post(alice, revents, {{"type", "approve"}}).first, 403);  // drafted it
    EXPECT_EQ(post(bob, revents, {{"type", "approve"}}).first, 403);    // completed it
    auto [fin_st, fin] = post(admin, revents, {{"type", "approve"}});
    ASSERT_EQ(fin_st, 201) << fin.dump();
    EXPECT_TRUE(fin["frozen"]["audit"]["inclusion"][0]["proof"].is_array());
    EXPECT_EQ(post(alice, revents, {{"type", "file"}, {"reference", "BIS-1"}}).first, 201);
    s.process().Signal(SIGTERM);
    EXPECT_EQ(s.process().Wait(std::chrono::seconds(30)), 0);
  }
  auto listed =
      RunToCompletion({KycloudBinary(), "report", "list", "--config", config_, "--json"}, dir_);
  ASSERT_EQ(listed.code, 0) << listed.err;
  EXPECT_NE(listed.out.find(pack_id), std::string::npos);
  EXPECT_NE(listed.out.find("\"status\":\"filed\""), std::string::npos) << listed.out;
  auto shown = RunToCompletion({KycloudBinary(), "report", "show", report_id, "--config", config_,
                                "--html", "--output", dir_ + "/report.html"},
                               dir_);
  ASSERT_EQ(shown.code, 0) << shown.err;
  std::ifstream html(dir_ + "/report.html");
  std::string page((std::istreambuf_iterator<char>(html)), std::istreambuf_iterator<char>());
  EXPECT_NE(page.find("BIS-1"), std::string::npos);
  auto cli_pack = RunToCompletion(
      {KycloudBinary(), "report", "evidence-pack", "--case", case_id, "--config", config_}, dir_);
  ASSERT_EQ(cli_pack.code, 0) << cli_pack.err;
  std::ofstream(dir_ + "/pack2.json") << cli_pack.out;
  EXPECT_EQ(json::parse(cli_pack.out)["case"]["id"], case_id);
  auto py = RunToCompletion(
      {"/usr/bin/python3",
       std::string(std::getenv("KYCLOUD_SOURCE_DIR")) + "/tests/audit/verify_proofs.py",
       dir_ + "/pack2.json"});
  EXPECT_EQ(py.code, 0) << py.out << py.err;
  auto missing = RunToCompletion(
      {KycloudBinary(), "report", "evidence-pack", "--case", "case_nope", "--config", config_},
      dir_);
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("no case 'case_nope'"), std::string::npos) << missing.err;
  auto verify = RunToCompletion({KycloudBinary(), "audit", "verify", "--config", config_}, dir_);
  EXPECT_EQ(verify.code, 0) << verify.out << verify.err;
}

INSTANTIATE_TEST_SUITE_P(Backends, ServiceTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

// Account linking through the service (R33): two companies sharing a phone and a card are one
// group; the group's China headquarters sends the other member to review; compute rolls up per
// group; an officer's "not same" splits them, through a restart; an auditor reads but does not
// judge.
TEST_P(ServiceTest, LinkedAccountsPropagateRiskAndJudgementsSplitThemForGood) {
  auto company = [](const std::string& id, const std::string& name, const std::string& phone,
                    const std::string& card = "fp_shared") {
    return SingaporeCompany(id, name, phone, card);
  };

  std::string admin, officer, auditor;
  {
    Service s(dir_, config_);
    ASSERT_TRUE(s.started());
    ASSERT_TRUE(s.WaitReady());
    admin = s.bootstrap_key();
    auto c = s.Client();
    auto make_key = [&](const char* name, const char* role) {
      return MakeKey(c, admin, name, role);
    };
    officer = make_key("olga", "officer");
    const std::string second = make_key("bob", "officer");
    auditor = make_key("aud", "auditor");
    auto post = [&](const std::string& key, const std::string& path, const json& body) {
      auto r = c.Post(path.c_str(), Bearer(key), body.dump(), "application/json");
      EXPECT_TRUE(r);
      return std::make_pair(r->status, json::parse(r->body.empty() ? "{}" : r->body));
    };
    auto get = [&](const std::string& key, const std::string& path) {
      auto r = c.Get(path.c_str(), Bearer(key));
      EXPECT_TRUE(r);
      return std::make_pair(r->status, json::parse(r->body.empty() ? "{}" : r->body));
    };
    ASSERT_EQ(
        post(admin, "/v1/customers", company("c-front", "Front Trading Pte Ltd", "+65 6123 4567"))
            .first,
        201);
    ASSERT_NE(get(officer, "/v1/customers/c-front").second["decision"], "review");
    json hq = company("c-hq", "Harbour Star Holdings Pte Ltd", "+65 6123 4567");
    hq["headquarters_country"] = "CN";
    ASSERT_EQ(post(admin, "/v1/customers", hq).first, 201);

    auto [st, links] = get(auditor, "/v1/customers/c-front/links");
    ASSERT_EQ(st, 200) << links.dump();
    EXPECT_EQ(links["group"], "c-front");
    EXPECT_EQ(links["members"], json::array({"c-front", "c-hq"}));
    ASSERT_EQ(links["links"].size(), 1u);
    EXPECT_NE(links["links"][0]["evidence"].dump().find("payment_fingerprint"), std::string::npos);
    EXPECT_EQ(links["linked_countries"], json::array({"CN", "SG"}));
    auto front = get(officer, "/v1/customers/c-front").second;
    EXPECT_EQ(front["decision"], "review");
    EXPECT_EQ(front["linked_group"]["group"], "c-front") << front.dump();
    EXPECT_EQ(front["linked_group"]["members"], json::array({"c-hq"}));
    EXPECT_NE(get(officer, "/v1/customers/c-front/standing")
                  .second.dump()
                  .find("ear.headquarters-inferred"),
              std::string::npos);
    EXPECT_EQ(get(officer, "/v1/customers/nobody/links").first, 404);
    auto [sst, status] = get(officer, "/v1/links");
    ASSERT_EQ(sst, 200);
    EXPECT_EQ(status["customers"], 2);
    EXPECT_EQ(status["groups"], 1);
    EXPECT_EQ(status["skipped"], 0);
    EXPECT_EQ(status["background"], true);

    // Compute rolls up per linked group.
    json usage = json::array();
    for (const char* account : {"c-front", "c-hq"}) {
      usage.push_back({{"record_id", std::string("u-") + account},
                       {"account_id", account},
                       {"instance_type", "p5.48xlarge"},
                       {"start", "2026-11-01T00:00:00Z"},
                       {"end", "2026-11-02T00:00:00Z"},
                       {"region", "us-east-1"}});
    }
    ASSERT_EQ(post(admin, "/v1/usage", {{"records", usage}}).first, 200);
    auto [cst, compute] = get(officer, "/v1/accounts/c-front/compute");
    ASSERT_EQ(cst, 200) << compute.dump();
    EXPECT_EQ(compute["group"]["accounts"], json::array({"c-front", "c-hq"})) << compute.dump();
    EXPECT_EQ(compute["group"]["evidence"], json::array({"linked:c-front"}));

    // A listed member: a company named as the SDN-listed bank shares a phone and a card with
    // c-partner. While the hit awaits an officer, nothing propagates; once a case closes it as a
    // true positive (four-eyes), the bank is listed and c-partner goes to review.
    ASSERT_EQ(post(admin, "/v1/customers",
                   company("c-partner", "Partner Logistics Pte Ltd", "+65 6123 4888", "fp_bank"))
                  .first,
              201);
    ASSERT_EQ(post(admin, "/v1/customers",
                   company("c-bank", "Banco Nacional de Cuba", "+65 6123 4888", "fp_bank"))
                  .first,
              201);
    EXPECT_EQ(get(officer, "/v1/customers/c-partner/links").second["group"], "c-bank");
    EXPECT_EQ(get(officer, "/v1/customers/c-partner").second["decision"], "verify");
    std::string bank_case;
    const json bank_cases = get(officer, "/v1/cases?subject=c-bank").second;
    for (const auto& k : bank_cases["cases"]) bank_case = k["id"];
    ASSERT_FALSE(bank_case.empty())
        << bank_cases.dump() << get(officer, "/v1/customers/c-bank").second.dump();
    const std::string events = "/v1/cases/" + bank_case + "/events";
    EXPECT_EQ(post(officer, events, {{"type", "start_review"}}).first, 201);
    EXPECT_EQ(post(officer, events,
                   {{"type", "close"}, {"resolution", "true_positive"}, {"reason", "the bank"}})
                  .first,
              201);
    EXPECT_EQ(get(officer, "/v1/customers/c-partner").second["decision"], "verify");
    EXPECT_EQ(post(second, events, {{"type", "approve"}}).first, 201);
    EXPECT_EQ(get(officer, "/v1/customers/c-bank").second["decision"], "reject");
    auto partner = get(officer, "/v1/customers/c-partner/standing").second.dump();
    EXPECT_NE(partner.find("sanctions.linked-listed"), std::string::npos) << partner;
    EXPECT_EQ(get(officer, "/v1/customers/c-partner").second["decision"], "review");
    EXPECT_EQ(get(officer, "/v1/customers/c-partner/links").second["linked_listed"],
              json::array({"c-bank"}));

    // Judgements: the auditor may not; a malformed one names the field; "not same" splits.
    json judgement = {{"a", "c-hq"}, {"b", "c-front"}, {"same", false}, {"reason", "landlord"}};
    EXPECT_EQ(post(auditor, "/v1/judgements", judgement).first, 403);
    auto [bst, bad] = post(officer, "/v1/judgements", {{"a", "c-hq"}, {"b", "c-front"}});
    EXPECT_EQ(bst, 422);
    EXPECT_EQ(bad["error"]["field"], "/reason") << bad.dump();
    EXPECT_EQ(post(officer, "/v1/judgements",
                   {{"a", "c-hq"}, {"b", "ghost"}, {"same", false}, {"reason", "x"}})
                  .first,
              404);
    auto [jst, judged] = post(officer, "/v1/judgements", judgement);
    ASSERT_EQ(jst, 200) << judged.dump();
    EXPECT_TRUE(judged["groups"]["c-front"].is_null());
    EXPECT_NE(judged["redecided"].dump().find("c-front"), std::string::npos);
    EXPECT_NE(get(officer, "/v1/customers/c-front").second["decision"], "review");
  }
  // After a restart (the index rebuilt from the database) and a batch re-link: still apart.
  Service s(dir_, config_);
  ASSERT_TRUE(s.started());
  ASSERT_TRUE(s.WaitReady());
  auto c = s.Client();
  auto links = json::parse(c.Get("/v1/customers/c-front/links", Bearer(officer))->body);
  EXPECT_TRUE(links["group"].is_null()) << links.dump();
  ASSERT_EQ(links["judgements"].size(), 1u);
  EXPECT_EQ(links["judgements"][0]["same"], false);
  EXPECT_EQ(links["judgements"][0]["reason"], "landlord");
  EXPECT_EQ(c.Post("/v1/links/relink", Bearer(officer), "", "application/json")->status, 403);
  auto relinked = c.Post("/v1/links/relink", Bearer(admin), "", "application/json");
  ASSERT_EQ(relinked->status, 200) << relinked->body;
  links = json::parse(c.Get("/v1/customers/c-front/links", Bearer(officer))->body);
  EXPECT_TRUE(links["group"].is_null()) << links.dump();
}

// `serve --demo`: a simulated population onboarded through the service's own paths — customers,
// screening hits on listed names, linked groups, a reseller's intermediary alert, compute tier
// crossings of split training runs — and not loaded again into a database that has customers.
TEST_P(ServiceTest, DemoLoadsALivingSystemOnce) {
  const std::vector<std::string> demo = {"--demo", "--demo-customers", "600"};
  std::string admin;
  {
    Service s(dir_, config_, demo);
    ASSERT_TRUE(s.started());
    admin = s.bootstrap_key();
    auto c = s.Client();
    auto get = [&](const std::string& path) {
      auto r = c.Get(path.c_str(), Bearer(admin));
      EXPECT_TRUE(r && r->status == 200) << path;
      return r ? json::parse(r->body, nullptr, false) : json();
    };
    // Loaded in the background: wait for the compute crossings, which come after the customers.
    json alerts;
    for (int i = 0; i < 600; ++i) {
      alerts = get("/v1/alerts?limit=1000");
      bool compute = false;
      for (const auto& a : alerts["alerts"]) compute |= a["kind"] == "compute.tier";
      if (compute) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    std::map<std::string, int> kinds;
    for (const auto& a : alerts["alerts"]) ++kinds[a["kind"].get<std::string>()];
    EXPECT_GE(kinds["compute.tier"], 1);
    EXPECT_GE(kinds["screening.hit"], 2);  // the two customers named as listed organisations
    EXPECT_GE(kinds["linking.intermediary"], 1);
    EXPECT_GE(get("/v1/links")["groups"].get<int>(), 2);
    EXPECT_EQ(get("/v1/customers?limit=1000")["customers"].size(), 600u);
    // Last, every account that trained asks for more chips once: an authorization history.
    std::string trained;
    for (const auto& a : alerts["alerts"]) {
      if (a["kind"] == "compute.tier") trained = a["details"]["accounts"][0];
    }
    ASSERT_FALSE(trained.empty());
    json decisions;
    for (int i = 0; i < 300; ++i) {
      decisions = get("/v1/customers/" + trained + "/decisions");
      if (!decisions["decisions"].empty()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    ASSERT_EQ(decisions["decisions"].size(), 1u) << decisions.dump();
  }
  Service s(dir_, config_, demo);
  ASSERT_TRUE(s.started());
  std::this_thread::sleep_for(std::chrono::seconds(2));
  auto r = s.Client().Get("/v1/customers?limit=1000", Bearer(admin));
  ASSERT_TRUE(r && r->status == 200);
  EXPECT_EQ(json::parse(r->body)["customers"].size(), 600u);
}

TEST(ServiceStartupTest, ClearErrorsForBadConfiguration) {
  std::string dir = storage::testing::MakeTempDir("kycloud-it");
  std::ofstream(dir + "/bad.toml") << "[server]\nlisen = \"typo\"\n";
  auto r = RunToCompletion({KycloudBinary(), "serve", "--config", dir + "/bad.toml"}, dir);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("unknown key 'server.lisen'"), std::string::npos) << r.err;

  r = RunToCompletion({KycloudBinary(), "serve", "--db", "mysql://x"}, dir);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("unsupported database URI"), std::string::npos) << r.err;

  r = RunToCompletion({KycloudBinary(), "serve", "--db", "postgresql://u:pw@127.0.0.1/x"}, dir);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("must not contain a password"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("pw@"), std::string::npos);

  r = RunToCompletion({KycloudBinary(), "serve", "--config", dir + "/missing.toml"}, dir);
  EXPECT_EQ(r.code, 1);

  r = RunToCompletion({KycloudBinary(), "no-such-command"}, dir);
  EXPECT_NE(r.code, 0);

  // A port already in use.
  std::ofstream(dir + "/ok.toml") << "[storage]\nuri = \"sqlite:" << dir << "/a.db\"\n";
  Service first(dir, dir + "/ok.toml");
  ASSERT_TRUE(first.started());
  r = RunToCompletion({KycloudBinary(), "serve", "--db", "sqlite:" + dir + "/b.db", "--listen",
                       "127.0.0.1:" + std::to_string(first.port())},
                      dir);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("cannot listen"), std::string::npos) << r.err;
  std::filesystem::remove_all(dir);
}

TEST(ListsCommandTest, InfoShowsBundledListsAndFailsClearlyOnBadDirectory) {
  auto r = RunToCompletion({KycloudBinary(), "lists", "info", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = json::parse(r.out);
  EXPECT_EQ(j["hash"].get<std::string>().size(), 64u);
  EXPECT_GT(j["entities"].get<int>(), 25000);
  std::set<std::string> ids;
  for (const auto& l : j["lists"]) ids.insert(l["id"]);
  for (const char* id :
       {"us_ofac_sdn", "us_ofac_cons", "us_bis_entity_list", "us_bis_dpl", "un_sc", "uk_fcdo"}) {
    EXPECT_TRUE(ids.count(id)) << id;
  }
  std::string dir = storage::testing::MakeTempDir("kycloud-lists");
  std::ofstream(dir + "/sdn.csv")
      << "36,\"A\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n"
      << "37,\"B\r\n";
  r = RunToCompletion({KycloudBinary(), "lists", "info", "--lists", dir});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("sdn.csv:2: unterminated quoted field"), std::string::npos) << r.err;
  std::filesystem::remove_all(dir);
}

// A legacy OFAC SDN.CSV with the given (id, name) rows.
void WriteSdnCsv(const std::string& path, const std::vector<std::pair<int, std::string>>& rows) {
  std::ofstream out(path);
  for (const auto& [id, name] : rows) {
    out << id << ",\"" << name
        << "\",\"individual\",\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n";
  }
}

TEST(ListsCommandTest, UpdateReportsChangesAndSwapsAtomically) {
  namespace fs = std::filesystem;
  std::string tmp = storage::testing::MakeTempDir("kycloud-update");
  std::string lists = tmp + "/lists", src = tmp + "/new", bad = tmp + "/bad";
  fs::create_directories(lists + "/ofac");
  fs::create_directories(src);
  fs::create_directories(bad);
  WriteSdnCsv(lists + "/ofac/sdn.csv",
              {{10, "ALPHA, Anna"}, {11, "BRAVO, Boris"}, {12, "CHARLIE, Carl"}});
  WriteSdnCsv(src + "/sdn.csv",
              {{10, "ALPHA, Anna"}, {11, "BRAVO, Boris Borisovich"}, {13, "DELTA, Dora"}});
  auto before = json::parse(
      RunToCompletion({KycloudBinary(), "lists", "info", "--lists", lists, "--json"}).out);

  auto dry = RunToCompletion(
      {KycloudBinary(), "lists", "update", "--from", src, "--lists", lists, "--dry-run", "--json"});
  ASSERT_EQ(dry.code, 0) << dry.err;
  auto d = json::parse(dry.out);
  EXPECT_EQ(d["installed"], false);
  EXPECT_EQ(d["before_hash"], before["hash"]);
  ASSERT_EQ(d["lists"].size(), 1u);
  EXPECT_EQ(d["lists"][0]["id"], "us_ofac_sdn");
  EXPECT_EQ(d["lists"][0]["added"], json::array({"13"}));
  EXPECT_EQ(d["lists"][0]["removed"], json::array({"12"}));
  EXPECT_EQ(d["lists"][0]["modified"], json::array({"11"}));
  auto unchanged = json::parse(
      RunToCompletion({KycloudBinary(), "lists", "info", "--lists", lists, "--json"}).out);
  EXPECT_EQ(unchanged["hash"], before["hash"]);  // a dry run installs nothing
  EXPECT_FALSE(fs::exists(lists + ".staging"));

  auto real =
      RunToCompletion({KycloudBinary(), "lists", "update", "--from", src, "--lists", lists});
  ASSERT_EQ(real.code, 0) << real.err;
  EXPECT_NE(real.out.find("1 added, 1 removed, 1 modified"), std::string::npos) << real.out;
  auto after = json::parse(
      RunToCompletion({KycloudBinary(), "lists", "info", "--lists", lists, "--json"}).out);
  EXPECT_EQ(after["hash"], d["after_hash"]);
  EXPECT_EQ(after["entities"], 3);
  EXPECT_TRUE(fs::exists(lists + ".previous/ofac/sdn.csv"));

  // A source that does not parse changes nothing and names file and line.
  std::ofstream(bad + "/sdn.csv")
      << "36,\"A\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n"
      << "37,\"B\r\n";
  auto broken =
      RunToCompletion({KycloudBinary(), "lists", "update", "--from", bad, "--lists", lists});
  EXPECT_EQ(broken.code, 1);
  EXPECT_NE(broken.err.find("sdn.csv:2:"), std::string::npos) << broken.err;
  auto still = json::parse(
      RunToCompletion({KycloudBinary(), "lists", "info", "--lists", lists, "--json"}).out);
  EXPECT_EQ(still["hash"], after["hash"]);
  auto missing = RunToCompletion(
      {KycloudBinary(), "lists", "update", "--from", tmp + "/nowhere", "--lists", lists});
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("no such directory"), std::string::npos) << missing.err;
  fs::remove_all(tmp);
}

TEST(ScreeningCommandsTest, OfacParityAlgorithm) {
  std::string dir = storage::testing::MakeTempDir("kycloud-ofac");
  std::ofstream(dir + "/pairs.csv") << "name1,name2\n"
                                    << "VLADIMIR PUTIN,\"PUTIN, Vladimir\"\n"
                                    << "GEORGE BUSH,\"HASWANI, George\"\n"
                                    << "ALQAEDA,AL QAEDA\n";
  auto r = RunToCompletion(
      {KycloudBinary(), "match-names", "--algorithm", "ofac", "--input", dir + "/pairs.csv"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("VLADIMIR PUTIN,\"PUTIN, Vladimir\",1.0000,true"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("GEORGE BUSH,\"HASWANI, George\",0.5000,false"), std::string::npos);
  EXPECT_NE(r.out.find("ALQAEDA,AL QAEDA,0.0000,false"), std::string::npos);  // not retrieved

  std::ofstream(dir + "/q.jsonl") << R"({"name": "Banco Nacional de Cuba"})"
                                  << "\n";
  r = RunToCompletion(
      {KycloudBinary(), "screen", "--algorithm", "ofac", "--input", dir + "/q.jsonl"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = json::parse(r.out);
  ASSERT_FALSE(j["hits"].empty()) << r.out;
  EXPECT_EQ(j["hits"][0]["entity_id"], "306");
  EXPECT_EQ(j["hits"][0]["explanation"]["algorithm"], "ofac");
  EXPECT_EQ(j["hits"][0]["explanation"]["ofac_score"], 100);
  auto bad = RunToCompletion(
      {KycloudBinary(), "screen", "--algorithm", "bogus", "--input", dir + "/q.jsonl"});
  EXPECT_NE(bad.code, 0);
  std::filesystem::remove_all(dir);
}

TEST(ScreeningCommandsTest, MatchNamesContract) {
  std::string dir = storage::testing::MakeTempDir("kycloud-match");
  std::ofstream(dir + "/pairs.csv") << "id,name1,name2,schema\n"
                                    << "1,VLADIMIR PUTIN,\"PUTIN, Vladimir\",Person\n"
                                    << "2,John Smith,Maria Garcia,Person\n"
                                    << "3,only one field\n"
                                    << "4,A,B,Martian\n"
                                    << "5,JSCARGUMENT,JSC ARGUMENT,\n";
  auto r = RunToCompletion({KycloudBinary(), "match-names", "--input", dir + "/pairs.csv"});
  ASSERT_EQ(r.code, 0) << r.err;
  std::istringstream out(r.out);
  std::vector<std::string> lines;
  for (std::string l; std::getline(out, l);) lines.push_back(l);
  ASSERT_EQ(lines.size(), 4u) << r.out;  // header + 3 good rows, in input order
  EXPECT_EQ(lines[0], "id,name1,name2,schema,score,match");
  EXPECT_TRUE(lines[1].starts_with("1,VLADIMIR PUTIN,\"PUTIN, Vladimir\",Person,")) << lines[1];
  EXPECT_TRUE(lines[1].ends_with(",true"));
  EXPECT_TRUE(lines[2].ends_with(",false"));
  EXPECT_TRUE(lines[3].starts_with("5,") && lines[3].ends_with(",true"));
  EXPECT_NE(r.err.find("pairs.csv:4: expected 4 fields, got 2"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("pairs.csv:5: unknown schema 'Martian'"), std::string::npos);

  auto strict =
      RunToCompletion({KycloudBinary(), "match-names", "--strict", "--input", dir + "/pairs.csv"});
  EXPECT_EQ(strict.code, 1);
  auto t = RunToCompletion({KycloudBinary(), "match-names", "--threshold", "1.0", "--output",
                            dir + "/out.csv", "--input", dir + "/pairs.csv"});
  EXPECT_EQ(t.code, 0);
  std::ifstream written(dir + "/out.csv");
  std::string header;
  std::getline(written, header);
  EXPECT_EQ(header, "id,name1,name2,schema,score,match");
  std::filesystem::remove_all(dir);
}

TEST(ScreeningCommandsTest, ScreenContract) {
  std::string dir = storage::testing::MakeTempDir("kycloud-screen");
  std::ofstream(dir + "/q.jsonl") << R"({"name": "Banco Nacional de Cuba", "ref": "a"})"
                                  << "\n"
                                  << R"({"full_name": "Ingeborg Abrahamsen", "schema": "Person"})"
                                  << "\n"
                                  << "{not json\n"
                                  << R"({"name": "ERIC BADEGE", "date_of_birth": "1971"})"
                                  << "\n";
  auto r =
      RunToCompletion({KycloudBinary(), "screen", "--input", dir + "/q.jsonl", "--limit", "3"});
  ASSERT_EQ(r.code, 0) << r.err;
  std::istringstream out(r.out);
  std::vector<json> lines;
  for (std::string l; std::getline(out, l);) lines.push_back(json::parse(l));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0]["query"]["ref"], "a");  // the query is echoed with its extra fields
  ASSERT_FALSE(lines[0]["hits"].empty());
  const json& hit = lines[0]["hits"][0];
  EXPECT_EQ(hit["list"], "us_ofac_sdn");
  EXPECT_EQ(hit["entity_id"], "306");
  EXPECT_EQ(hit["name"], "BANCO NACIONAL DE CUBA");
  EXPECT_GE(hit["score"].get<double>(), 0.8);
  EXPECT_TRUE(hit["explanation"]["aligned"].is_array());
  EXPECT_EQ(lines[0]["lists_hash"].get<std::string>().size(), 64u);
  EXPECT_TRUE(lines[1]["hits"].empty());
  EXPECT_TRUE(lines[2].contains("error"));
  EXPECT_NE(r.err.find("q.jsonl:3: malformed JSON"), std::string::npos) << r.err;
  // Listed by the UN and the UK: both lists' entries are hits.
  auto has = [](const json& hits, const std::string& list, const std::string& id) {
    for (const auto& h : hits) {
      if (h["list"] == list && h["entity_id"] == id) return true;
    }
    return false;
  };
  EXPECT_TRUE(has(lines[3]["hits"], "un_sc", "CDi.001")) << lines[3].dump();

  std::ofstream(dir + "/q.csv") << "full_name,date_of_birth,nationality\nERIC BADEGE,1971,cd\n";
  r = RunToCompletion({KycloudBinary(), "screen", "--input", dir + "/q.csv"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = json::parse(r.out);
  EXPECT_EQ(j["query"]["full_name"], "ERIC BADEGE");
  EXPECT_TRUE(has(j["hits"], "un_sc", "CDi.001")) << j.dump();
  std::filesystem::remove_all(dir);
}

TEST(ServiceStartupTest, VersionAndHelp) {
  auto r = RunToCompletion({KycloudBinary(), "version", "--json"});
  ASSERT_EQ(r.code, 0);
  auto j = json::parse(r.out);
  EXPECT_FALSE(j["version"].get<std::string>().empty());
  EXPECT_FALSE(j["commit"].get<std::string>().empty());
  r = RunToCompletion({KycloudBinary(), "--help"});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.out.find("serve"), std::string::npos);
  EXPECT_NE(r.out.find("keys"), std::string::npos);
}

}  // namespace
}  // namespace kycloud::testing
