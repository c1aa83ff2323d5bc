// `kycloud customers import|export` end to end on SQLite: per-line errors with the line, the field
// and the rule; a rerun imports nothing twice (resumable); export opens every record; then
// `kycloud cip due|purge` and `kycloud report cip-certification` on the same database.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "support/service.h"
#include "support/subprocess.h"

namespace kycloud::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string Line(int i, const std::string& country = "DE") {
  json j = {{"id", "imp-" + std::to_string(i)},
            {"kind", "individual"},
            {"names", {{{"full", "Person Number " + std::to_string(i)}}}},
            {"addresses", {{{"lines", {"1 Main St"}}, {"country", country}}}},
            {"emails", {"p" + std::to_string(i) + "@example.org"}},
            {"phones", {"+49 30 901820"}},
            {"payment_instruments", {{{"type", "card"}, {"fingerprint", "fp"}}}}};
  return j.dump();
}

TEST(CustomersCommandTest, ImportIsResumableAndNamesBadLines) {
  const fs::path dir = fs::temp_directory_path() / ("kycloud-import-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string db = "sqlite:" + (dir / "k.db").string();
  const fs::path file = dir / "customers.jsonl";
  {
    std::ofstream out(file);
    out << Line(1) << "\n" << Line(2, "CU") << "\n";
    out << R"({"id": "bad", "kind": "individual", "phones": ["x"]})"
        << "\n\n";
    out << Line(3) << "\n";
  }
  const std::map<std::string, std::string> env = {{"KYCLOUD_DATA_KEY", std::string(64, 'a')}};
  auto r = RunToCompletion(
      {KycloudBinary(), "customers", "import", file.string(), "--db", db, "--no-screening"},
      dir.string(), env);
  EXPECT_EQ(r.code, 1) << r.err;  // one bad line
  EXPECT_NE(r.err.find("customers.jsonl:3: /names: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("[cip.required]"), std::string::npos) << r.err;
  auto summary = json::parse(r.out);
  EXPECT_EQ(summary["created"], 3);
  EXPECT_EQ(summary["errors"], 1);
  EXPECT_EQ(summary["decisions"]["reject"], 1);  // located in Cuba: embargoed
  // Again: nothing imported twice.
  r = RunToCompletion(
      {KycloudBinary(), "customers", "import", file.string(), "--db", db, "--no-screening"},
      dir.string(), env);
  summary = json::parse(r.out);
  EXPECT_EQ(summary["created"], 0);
  EXPECT_EQ(summary["already_imported"], 3);
  // Export opens every record.
  r = RunToCompletion({KycloudBinary(), "customers", "export", "--db", db}, dir.string(), env);
  ASSERT_EQ(r.code, 0) << r.err;
  std::istringstream lines(r.out);
  std::string l;
  int n = 0;
  while (std::getline(lines, l)) {
    auto j = json::parse(l);
    EXPECT_TRUE(j["names"][0]["full"].get<std::string>().starts_with("Person Number"));
    ++n;
  }
  EXPECT_EQ(n, 3);

  // The CIP's scheduled duties on the same database: nothing due yet; a certification with the
  // imported records (JSON and HTML); a purge plan that deletes nothing (no account is closed).
  r = RunToCompletion({KycloudBinary(), "cip", "due", "--db", db, "--json"}, dir.string(), env);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(json::parse(r.out)["reverification"].empty());
  r = RunToCompletion({KycloudBinary(), "report", "cip-certification", "--initial", "--db", db,
                       "--provider", "Acme Cloud"},
                      dir.string(), env);
  ASSERT_EQ(r.code, 0) << r.err;
  auto cert = json::parse(r.out);
  EXPECT_EQ(cert["type"], "initial");
  EXPECT_EQ(cert["customers"]["total"], 3);
  EXPECT_EQ(cert["customers"]["by_country"]["DE"], 2);
  EXPECT_EQ(cert["unverified_foreign_accounts"]["total"], 3);
  r = RunToCompletion(
      {KycloudBinary(), "report", "cip-certification", "--annual", "--as-of", "2026-12-31",
       "--html", "--output", (dir / "cert.html").string(), "--db", db},
      dir.string(), env);
  ASSERT_EQ(r.code, 0) << r.err;
  std::ifstream html(dir / "cert.html");
  std::string page((std::istreambuf_iterator<char>(html)), {});
  EXPECT_NE(page.find("CIP certification (annual) as of 2026-12-31"), std::string::npos);
  r = RunToCompletion({KycloudBinary(), "report", "cip-certification", "--db", db}, dir.string(),
                      env);
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("exactly one of --initial"), std::string::npos) << r.err;
  r = RunToCompletion(
      {KycloudBinary(), "cip", "purge", "--dry-run", "--as-of", "2031-01-01", "--db", db},
      dir.string(), env);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(json::parse(r.out)["would_purge"].empty());
  r = RunToCompletion({KycloudBinary(), "cip", "purge", "--as-of", "2031-01-01", "--db", db},
                      dir.string(), env);
  EXPECT_NE(r.code, 0);  // later than now only as a dry run

  // R17: a request for the provider's CIP, on the due list, produced to a file.
  r = RunToCompletion({KycloudBinary(), "cip", "request", "open", "--requester", "BIS OEE",
                       "--reference", "OEE-117", "--db", db},
                      dir.string(), env);
  ASSERT_EQ(r.code, 0) << r.err;
  const std::string request_id = json::parse(r.out)["id"];
  EXPECT_EQ(json::parse(r.out)["days_left"], 10);
  r = RunToCompletion({KycloudBinary(), "cip", "request", "open", "--requester", "BIS",
                       "--reseller", "nobody", "--db", db},
                      dir.string(), env);
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("/resellers/0"), std::string::npos) << r.err;
  r = RunToCompletion({KycloudBinary(), "cip", "due", "--db", db, "--json"}, dir.string(), env);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(json::parse(r.out)["cip_requests"][0]["id"], request_id);
  r = RunToCompletion({KycloudBinary(), "cip", "request", "produce", request_id, "--output",
                       (dir / "cip.json").string(), "--db", db},
                      dir.string(), env);
  ASSERT_EQ(r.code, 0) << r.err;
  std::ifstream produced(dir / "cip.json");
  json package = json::parse(produced);
  EXPECT_EQ(package["request"]["reference"], "OEE-117");
  EXPECT_EQ(package["provider_cip"]["file"], "cip.toml");
  r = RunToCompletion({KycloudBinary(), "cip", "request", "list", "--db", db}, dir.string(), env);
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find(request_id + "  received"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("produced"), std::string::npos) << r.out;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace kycloud::testing
