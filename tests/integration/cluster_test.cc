// Several `kycloud serve` instances on one PostgreSQL database (docs/operations.md "Several
// instances"): what one writes, the other serves; a policy published on one takes effect on the
// other within a bounded time; one instance leads the background duties and another takes over
// when it dies; an instance with other keys refuses to start.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "kycloud/base/random.h"
#include "kycloud/storage/testing/test_database.h"
#include "support/records.h"
#include "support/service.h"
#include "support/subprocess.h"

namespace kycloud::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

httplib::Headers Bearer(const std::string& key) { return {{"Authorization", "Bearer " + key}}; }

// How long a change on one instance may take to show on the other: a few polls of the change
// feed (poll_ms = 200 below) with room for a loaded CI machine.
constexpr milliseconds kBound(10000);

class ClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto pg = storage::testing::TestPostgresUri();
    ASSERT_TRUE(pg.has_value()) << pg.error();
    uri_ = *pg;
    schema_ = "cl_" + RandomAlphanumeric(10);
    root_ = storage::testing::MakeTempDir("kycloud-cluster");
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  // An instance's own working directory, config and lists (the same list file on every node).
  std::string MakeNode(const std::string& name) {
    const std::string dir = root_ + "/" + name;
    std::filesystem::create_directories(dir + "/lists");
    std::ofstream(dir + "/lists/sdn.csv")
        << "306,\"BANCO NACIONAL DE CUBA\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"
           "\"a.k.a. 'BNC'.\"\r\n";
    std::ofstream(dir + "/kycloud.toml")
        << "[storage]\nuri = \"" << uri_ << "\"\npostgres_schema = \"" << schema_ << "\"\n"
        << "[server]\naccess_log = false\n"
        << "[screening]\nlists_dir = \"" << dir << "/lists\"\n"
        << "[cluster]\npoll_ms = 200\nlease_seconds = 3\n";
    return dir;
  }
  // Gives node `to` the key files node `from` made at its first start.
  void CopyKeys(const std::string& from, const std::string& to) {
    std::filesystem::create_directories(to + "/var");
    for (const char* f : {"data.key", "audit-signing.key"}) {
      std::filesystem::copy_file(from + "/var/" + f, to + "/var/" + f,
                                 std::filesystem::copy_options::overwrite_existing);
    }
  }

  std::string uri_, schema_, root_;
};

struct Api {
  httplib::Client client;
  std::string key;
  std::pair<int, json> Get(const std::string& path) {
    auto r = client.Get(path.c_str(), Bearer(key));
    if (!r) return {0, json()};
    return {r->status, json::parse(r->body, nullptr, false)};
  }
  std::pair<int, json> Send(const char* method, const std::string& path, const json& body) {
    httplib::Result r =
        std::string(method) == "PATCH"
            ? client.Patch(path.c_str(), Bearer(key), body.dump(), "application/json")
            : client.Post(path.c_str(), Bearer(key), body.dump(), "application/json");
    if (!r) return {0, json()};
    return {r->status, json::parse(r->body, nullptr, false)};
  }
};

// Polls `probe` until it holds or kBound passes; returns how long it took (kBound+ if never).
milliseconds Within(const std::function<bool()>& probe) {
  const auto start = steady_clock::now();
  while (steady_clock::now() - start < kBound) {
    if (probe()) return std::chrono::duration_cast<milliseconds>(steady_clock::now() - start);
    std::this_thread::sleep_for(milliseconds(50));
  }
  return kBound + milliseconds(1);
}

json Company(const std::string& id, const std::string& name, const std::string& phone) {
  return SingaporeCompany(id, name, phone, "fp_" + id);
}

std::string Decision(Api& api, const std::string& customer) {
  auto [st, d] = api.Send("POST", "/v1/authorize",
                          {{"customer_id", customer}, {"accelerator", "h100"}, {"count", 8}});
  return st == 200 ? d.value("decision", "") : "http " + std::to_string(st);
}

TEST_F(ClusterTest, TwoInstancesServeOneDatabaseAsOne) {
  const std::string dir_a = MakeNode("a"), dir_b = MakeNode("b"), dir_c = MakeNode("c");
  auto a = std::make_unique<Service>(dir_a, dir_a + "/kycloud.toml");
  ASSERT_TRUE(a->started());
  const std::string admin = a->bootstrap_key();
  ASSERT_FALSE(admin.empty());

  // An instance made without the first one's key files would make its own: it refuses to start.
  RunResult refused = RunToCompletion(
      {KycloudBinary(), "serve", "--config", dir_c + "/kycloud.toml", "--listen", "127.0.0.1:0"},
      dir_c, {}, std::chrono::seconds(60));
  EXPECT_NE(refused.code, 0);
  EXPECT_NE(refused.err.find("signing_key_file"), std::string::npos) << refused.err;

  CopyKeys(dir_a, dir_b);
  auto b = std::make_unique<Service>(dir_b, dir_b + "/kycloud.toml");
  ASSERT_TRUE(b->started());
  EXPECT_TRUE(b->bootstrap_key().empty()) << "the database's first start made the admin key";
  ASSERT_TRUE(a->WaitReady());
  ASSERT_TRUE(b->WaitReady());
  Api on_a{a->Client(), admin}, on_b{b->Client(), admin};

  // A customer created through A is visible and decided through B.
  ASSERT_EQ(on_a.Send("POST", "/v1/customers",
                      Company("c-front", "Front Trading Pte Ltd", "+65 6123 4567"))
                .first,
            201);
  const std::string on_a_decision = Decision(on_a, "c-front");
  EXPECT_EQ(on_a_decision, "allow");
  auto [got, front] = on_b.Get("/v1/customers/c-front");
  ASSERT_EQ(got, 200) << front.dump();
  EXPECT_EQ(front["record"]["names"][0]["full"], "Front Trading Pte Ltd")
      << "opened with the shared key";
  milliseconds took = Within([&] { return Decision(on_b, "c-front") == on_a_decision; });
  EXPECT_LT(took, kBound) << "B's decision: " << Decision(on_b, "c-front");
  std::printf("customer created on A decided alike on B after %lld ms\n",
              static_cast<long long>(took.count()));

  // A linked account created through A: B's linking index and standings follow.
  json hq = Company("c-hq", "Harbour Star Holdings Pte Ltd", "+65 6123 4567");
  hq["headquarters_country"] = "CN";
  ASSERT_EQ(on_a.Send("POST", "/v1/customers", hq).first, 201);
  took = Within([&] {
    auto [st, links] = on_b.Get("/v1/customers/c-front/links");
    return st == 200 && links["members"] == json::array({"c-front", "c-hq"});
  });
  EXPECT_LT(took, kBound) << on_b.Get("/v1/customers/c-front/links").second.dump();
  took = Within([&] {
    return on_b.Get("/v1/customers/c-front/standing")
               .second.dump()
               .find("ear.headquarters-inferred") != std::string::npos;
  });
  EXPECT_LT(took, kBound) << on_b.Get("/v1/customers/c-front/standing").second.dump();
  EXPECT_EQ(Decision(on_b, "c-front"), Decision(on_a, "c-front"));

  // A customer created through A and changed through B is screened and decided on B, and A
  // sees it.
  ASSERT_EQ(on_a.Send("POST", "/v1/customers",
                      Company("c-renamed", "Quiet Harbour Pte Ltd", "+65 6999 0001"))
                .first,
            201);
  EXPECT_EQ(on_b.Get("/v1/customers/c-renamed").second["decision"], "verify");
  {
    auto [st, none] = on_a.Get("/v1/cases?subject=c-renamed");
    ASSERT_EQ(st, 200);
    EXPECT_TRUE(none["cases"].is_array() && none["cases"].empty()) << none.dump();
  }
  json renamed = {{"names", {{{"full", "Banco Nacional de Cuba"}}}}};
  auto [patched, after] = on_b.Send("PATCH", "/v1/customers/c-renamed", renamed);
  ASSERT_EQ(patched, 200) << after.dump();
  EXPECT_EQ(after["decision"], "review") << after.dump();
  EXPECT_EQ(after["screening"]["status"], "pending") << "the listed name's hit awaits an officer";
  auto [cases_st, cases] = on_a.Get("/v1/cases?subject=c-renamed");
  ASSERT_EQ(cases_st, 200) << cases.dump();
  EXPECT_FALSE(cases["cases"].empty()) << "the screening alert is in the shared database";
  EXPECT_EQ(on_a.Get("/v1/customers/c-renamed").second["record"]["names"][0]["full"],
            "Banco Nacional de Cuba");

  // A policy published on A takes effect on B within the bound: a prohibition on Singapore.
  json files = json::array();
  const std::string policy_dir = std::string(std::getenv("KYCLOUD_SOURCE_DIR")) + "/policy";
  for (const auto& entry : std::filesystem::directory_iterator(policy_dir)) {
    const std::string name = entry.path().filename().string();
    if (!name.ends_with(".toml")) continue;
    std::stringstream text;
    text << std::ifstream(entry.path()).rdbuf();
    std::string t = text.str();
    if (name == "special-measures.toml") {
      t += "\n[[measure]]\nid = \"SM-CLUSTER\"\njurisdiction = \"SG\"\nmeasure = \"prohibit\"\n"
           "effective = 2026-01-01\nsource = \"cluster test\"\n";
    }
    if (name == "policy.toml") t.replace(t.find("version = \""), 11, "version = \"c.");
    files.push_back({{"name", name}, {"text", t}});
  }
  ASSERT_EQ(on_a.Send("POST", "/v1/customers",
                      Company("c-clean", "Clear Water Analytics Pte Ltd", "+65 6999 0002"))
                .first,
            201);
  EXPECT_LT(Within([&] { return Decision(on_b, "c-clean") == "allow"; }), kBound);
  const auto published_at = steady_clock::now();
  auto [pub, published] = on_a.Send("POST", "/v1/policy/versions", {{"files", files}});
  ASSERT_EQ(pub, 201) << published.dump();
  EXPECT_EQ(Decision(on_a, "c-clean"), "deny");
  took = Within([&] { return Decision(on_b, "c-clean") == "deny"; });
  EXPECT_LT(took, kBound);
  EXPECT_EQ(on_b.Get("/v1/policy").second["policy_version"], published["policy_version"]);
  std::printf(
      "policy published on A in force on B after %lld ms\n",
      static_cast<long long>(
          std::chrono::duration_cast<milliseconds>(steady_clock::now() - published_at).count()));

  // One instance leads; when it dies the other takes over within the lease (3 s) and a tick.
  auto [ca_st, ca] = on_a.Get("/v1/cluster");
  auto [cb_st, cb] = on_b.Get("/v1/cluster");
  ASSERT_EQ(ca_st, 200);
  ASSERT_EQ(cb_st, 200);
  EXPECT_NE(ca["instance"], cb["instance"]);
  auto leadership_log = [](Service& s) {
    std::string out, line;
    std::istringstream in(s.process().stderr_text());
    while (std::getline(in, line)) {
      if (line.find("leadership") != std::string::npos) out += line + "\n";
    }
    return out;
  };
  EXPECT_NE(ca["leader"], cb["leader"]) << ca.dump() << cb.dump() << "\nA:\n"
                                        << leadership_log(*a) << "B:\n"
                                        << leadership_log(*b);
  EXPECT_GT(cb["change_feed"]["applied"].get<int>(), 0) << cb.dump();
  EXPECT_EQ(cb["change_feed"]["failed_polls"], 0);
  const bool a_led = ca["leader"].get<bool>();
  std::unique_ptr<Service>& leader = a_led ? a : b;
  Api& survivor = a_led ? on_b : on_a;
  leader->process().Signal(SIGKILL);
  leader->process().Wait(std::chrono::seconds(10));
  took = Within([&] { return survivor.Get("/v1/cluster").second.value("leader", false); });
  EXPECT_LT(took, kBound);
  std::printf("leadership taken over %lld ms after the leader was killed\n",
              static_cast<long long>(took.count()));
  EXPECT_EQ(Decision(survivor, "c-clean"), "deny") << "the survivor serves on";
}

}  // namespace
}  // namespace kycloud::testing
