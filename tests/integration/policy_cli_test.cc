// End-to-end tests of `kycloud policy validate|show|diff|simulate`: a malformed policy fails with
// file, line and reason; a diff names the changed facts; shadow mode lists exactly the customers a
// new special measure reaches, and names a bad customer line.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "support/service.h"
#include "support/subprocess.h"

namespace kycloud::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string SourceDir() {
  const char* d = std::getenv("KYCLOUD_SOURCE_DIR");
  return d ? d : ".";
}

// A copy of the repository's policy/ in a fresh directory, with `append` added to `file`.
fs::path PolicyCopy(const std::string& name, const std::string& file, const std::string& append) {
  fs::path dir = fs::temp_directory_path() / (name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (const auto& e : fs::directory_iterator(fs::path(SourceDir()) / "policy")) {
    fs::copy_file(e.path(), dir / e.path().filename());
  }
  if (!file.empty()) std::ofstream(dir / file, std::ios::app) << append;
  return dir;
}

TEST(PolicyCommandTest, ValidateAcceptsTheBundledPolicyAndNamesErrors) {
  auto r = RunToCompletion({KycloudBinary(), "policy", "validate", SourceDir() + "/policy"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("ok: policy "), std::string::npos);
  fs::path bad = PolicyCopy("policy-bad", "special-measures.toml",
                            "[[measure]]\nid = \"m\"\njurisdiction = \"XX\"\nmeasure = \"ban\"\n"
                            "effective = 2027-01-01\nsource = \"s\"\n");
  r = RunToCompletion({KycloudBinary(), "policy", "validate", bad.string()});
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("special-measures.toml:"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("'ban' is not prohibit or condition"), std::string::npos) << r.err;
  fs::path bad_thresholds =
      PolicyCopy("policy-bad-thresholds", "compute-thresholds.toml", "\n[extra\n");
  r = RunToCompletion({KycloudBinary(), "policy", "validate", bad_thresholds.string()});
  EXPECT_NE(r.code, 0);
  EXPECT_NE(r.err.find("compute-thresholds.toml:"), std::string::npos) << r.err;
}

TEST(PolicyCommandTest, ShowDiffAndSimulate) {
  auto r = RunToCompletion({KycloudBinary(), "policy", "show", "--json", "--at", "2026-11-09"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto doc = json::parse(r.out);
  for (const auto& regime : doc["regimes"]) {
    if (regime["id"] == "affiliates-rule") {
      EXPECT_EQ(regime["status"], "suspended");
    }
  }
  fs::path next = PolicyCopy("policy-next", "special-measures.toml",
                             "[[measure]]\nid = \"SM-SG\"\njurisdiction = \"SG\"\n"
                             "measure = \"prohibit\"\neffective = 2026-12-01\nsource = \"t\"\n");
  r = RunToCompletion({KycloudBinary(), "policy", "diff", "bundled", next.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("+ special measure SM-SG: deny SG from 2026-12-01 until 2027-12-01"),
            std::string::npos)
      << r.out;
  fs::path customers = fs::temp_directory_path() / ("customers-" + std::to_string(::getpid()));
  std::ofstream(customers)
      << R"({"id": "sg-1", "country": "SG"})"
      << "\n"
      << R"({"id": "us-1", "country": "US", "us_person": true})"
      << "\n"
      << R"({"id": "rs-1", "country": "US", "reseller": true, "end_user_countries": ["SG"]})"
      << "\n"
      << R"({"id": "bad", "country": "Singapore"})"
      << "\n";
  r = RunToCompletion({KycloudBinary(), "policy", "simulate", "--policy", next.string(),
                       "--customers", customers.string(), "--at", "2026-12-01"});
  EXPECT_EQ(r.code, 1);  // a bad line
  EXPECT_NE(r.err.find(":4: /country:"), std::string::npos) << r.err;
  std::set<std::string> changed;
  size_t start = 0;
  while (start < r.out.size()) {
    size_t end = r.out.find('\n', start);
    auto line = json::parse(r.out.substr(start, end - start));
    changed.insert(line["customer_id"].get<std::string>());
    EXPECT_EQ(line["after"], "deny");
    start = end + 1;
  }
  EXPECT_EQ(changed, (std::set<std::string>{"rs-1", "sg-1"}));
}

}  // namespace
}  // namespace kycloud::testing
