// End-to-end test of `kycloud simulate`: the files it writes are accepted by the commands they
// are for — `customers import` takes every customer, `link` links accounts.csv with the mapping in
// accounts.fields, `ingest usage` stores every usage record — and the ground truth is consistent.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "kycloud/base/csv_reader.h"
#include "support/service.h"
#include "support/subprocess.h"

namespace kycloud::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string Read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::vector<std::string>> Rows(const std::string& text) {
  CsvReader reader(text, "csv");
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  while (reader.Next(row).value_or(false)) rows.push_back(row);
  return rows;
}

TEST(SimulateCommandTest, WritesAPopulationTheOtherCommandsAccept) {
  const fs::path dir = fs::temp_directory_path() / ("kycloud-sim-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const fs::path out = dir / "pop";
  auto r = RunToCompletion({KycloudBinary(), "simulate", "--customers", "400", "--seed", "5",
                            "--shell-share", "0.1", "--out", out.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  const json summary = json::parse(r.out);
  EXPECT_EQ(summary["customers"], 400);
  EXPECT_GT(summary["shell_networks"].get<int>(), 3);
  EXPECT_GT(summary["usage_records"].get<int>(), 100);
  // The same seed writes the same files.
  const fs::path again = dir / "again";
  r = RunToCompletion({KycloudBinary(), "simulate", "--customers", "400", "--seed", "5",
                       "--shell-share", "0.1", "--out", again.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  for (const char* f : {"customers.jsonl", "usage.jsonl", "accounts.csv", "truth.csv"}) {
    EXPECT_EQ(Read(out / f), Read(again / f)) << f;
  }

  // Every customer is imported.
  const std::string db = "sqlite:" + (dir / "k.db").string();
  const std::map<std::string, std::string> env = {{"KYCLOUD_DATA_KEY", std::string(64, 'b')}};
  r = RunToCompletion({KycloudBinary(), "customers", "import", (out / "customers.jsonl").string(),
                       "--db", db, "--no-screening"},
                      dir.string(), env);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["created"], 400);
  EXPECT_EQ(json::parse(r.out)["errors"], 0);

  // Usage records are ingested.
  r = RunToCompletion({KycloudBinary(), "ingest", "usage", "--format", "jsonl",
                       (out / "usage.jsonl").string(), "--db", db},
                      dir.string(), env);
  ASSERT_EQ(r.code, 0) << r.err;

  // accounts.csv links with its mapping; every shell network's accounts end up together more
  // often than not, and no cluster joins two parties' networks.
  std::string fields = Read(out / "accounts.fields");
  while (!fields.empty() && fields.back() == '\n') fields.pop_back();
  EXPECT_NE(fields.find("beneficial_owner=beneficial_owner"), std::string::npos) << fields;
  r = RunToCompletion(
      {KycloudBinary(), "link", "--input", (out / "accounts.csv").string(), "--fields", fields});
  ASSERT_EQ(r.code, 0) << r.err;
  std::map<std::string, std::string> party, cluster;
  for (const auto& row : Rows(Read(out / "truth.csv"))) {
    ASSERT_EQ(row.size(), 4u);
    if (row[0] != "customer_id") party[row[0]] = row[1];
  }
  const auto clusters = Rows(r.out);
  ASSERT_EQ(clusters.size(), 401u);
  EXPECT_EQ(clusters[0], (std::vector<std::string>{"record_id", "cluster_id"}));
  std::map<std::string, std::set<std::string>> parties_of_cluster;
  size_t shell_linked = 0, shells = 0;
  for (size_t i = 1; i < clusters.size(); ++i) {
    cluster[clusters[i][0]] = clusters[i][1];
    parties_of_cluster[clusters[i][1]].insert(party.at(clusters[i][0]));
  }
  for (const auto& [id, p] : party) {
    if (p == id) continue;  // an independent customer
    ++shells;
    shell_linked +=
        cluster[id] != id || std::count_if(cluster.begin(), cluster.end(),
                                           [&](auto& c) { return c.second == cluster[id]; }) > 1;
  }
  EXPECT_GT(shells, 10u);
  EXPECT_GT(shell_linked * 10, shells * 8) << shell_linked << " of " << shells;
  for (const auto& [c, ps] : parties_of_cluster) EXPECT_EQ(ps.size(), 1u) << c;
  fs::remove_all(dir);
}

TEST(SimulateCommandTest, BadOptionsAreNamed) {
  auto r = RunToCompletion({KycloudBinary(), "simulate", "--customers", "0"});
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("customers"), std::string::npos) << r.err;
  r = RunToCompletion(
      {KycloudBinary(), "simulate", "--customers", "5", "--as-of", "soon", "--out", "/tmp/x"});
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("as_of"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace kycloud::testing
