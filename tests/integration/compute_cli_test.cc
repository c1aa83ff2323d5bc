// End-to-end tests of the `kycloud compute` commands: the catalog, and `compute estimate`'s
// contract (ARCHITECTURE.md) — columns passed through, estimates added, bad rows named in an
// `error` column while the command goes on.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "kycloud/base/csv_reader.h"
#include "support/service.h"
#include "support/subprocess.h"

namespace kycloud::testing {
namespace {

using nlohmann::json;

// The rows of a CSV text as column -> value maps.
std::vector<std::map<std::string, std::string>> ReadCsv(const std::string& text) {
  CsvReader reader(text, "out");
  std::vector<std::string> header, row;
  std::vector<std::map<std::string, std::string>> rows;
  EXPECT_TRUE(reader.Next(header).value_or(false));
  while (reader.Next(row).value_or(false)) {
    EXPECT_EQ(row.size(), header.size());
    std::map<std::string, std::string> m;
    for (size_t i = 0; i < header.size() && i < row.size(); ++i) m[header[i]] = row[i];
    rows.push_back(std::move(m));
  }
  return rows;
}

std::string TempFile(const std::string& name, const std::string& content) {
  auto path =
      std::filesystem::temp_directory_path() / (name + "-" + std::to_string(::getpid()) + ".csv");
  std::ofstream(path) << content;
  return path.string();
}

TEST(ComputeCommandTest, CatalogListsAcceleratorsAndInstanceTypes) {
  auto r = RunToCompletion({KycloudBinary(), "compute", "catalog", "--json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = json::parse(r.out);
  EXPECT_GE(j["accelerators"].size(), 170u);
  bool h100 = false, p5 = false;
  for (const auto& a : j["accelerators"]) {
    if (a["name"] == "NVIDIA H100 SXM5 80GB") {
      h100 = true;
      EXPECT_EQ(a["numeric_class"], "3A090.a");
      EXPECT_EQ(a["dense_peak_ops_per_s"]["fp8"], 1.9789e15);
    }
  }
  for (const auto& t : j["instance_types"]) {
    if (t["instance_type"] == "p5.48xlarge") {
      p5 = true;
      EXPECT_EQ(t["count"], 8);
    }
  }
  EXPECT_TRUE(h100 && p5);
  auto text = RunToCompletion({KycloudBinary(), "compute", "catalog"});
  ASSERT_EQ(text.code, 0);
  EXPECT_NE(text.out.find("v5p-N  Google TPU v5p: N counts tensorcores"), std::string::npos);
}

TEST(ComputeCommandTest, EstimateAddsColumnsAndNamesBadRows) {
  const std::string input = TempFile("runs",
                                     "run,accelerator,count,hours,precision,utilization\n"
                                     "a,h100,8,10,,\n"
                                     "b,NVIDIA A100 SXM4 80 GB,512,625.5,BF16,\n"
                                     "c,p5.48xlarge,2,1,fp8,\n"
                                     "d,quantum-9000,4,1,,\n"
                                     "e,h100,eight,1,,\n"
                                     "f,h100,8,1,fp7,\n"
                                     "g,\"NVIDIA A100,NVIDIA Tesla V100 DGXS 32 GB\",512,1080,,\n"
                                     "h,v5p-128,1,24,Unknown,0.5\n"
                                     "i,h100,8,1,,1.7\n"
                                     "j,h100,8\n");
  auto r = RunToCompletion({KycloudBinary(), "compute", "estimate", "--input", input});
  ASSERT_EQ(r.code, 0) << r.err;
  auto rows = ReadCsv(r.out);
  ASSERT_EQ(rows.size(), 10u) << r.out;
  std::map<std::string, std::map<std::string, std::string>> by_run;
  for (auto& row : rows) by_run[row["run"]] = row;
  for (const char* ok : {"a", "b", "c", "g", "h"}) {
    auto& row = by_run[ok];
    EXPECT_EQ(row["error"], "") << ok;
    double low = std::stod(row["flop_low"]), central = std::stod(row["flop_central"]);
    double high = std::stod(row["flop_high"]), upper = std::stod(row["flop_upper_bound"]);
    EXPECT_GT(low, 0) << ok;
    EXPECT_LE(low, central) << ok;
    EXPECT_LE(central, high) << ok;
    EXPECT_LE(high, upper) << ok;
  }
  // 8 H100 for 10 h: the upper bound is the FP8 dense peak x chip-seconds.
  EXPECT_NEAR(std::stod(by_run["a"]["flop_upper_bound"]), 8 * 36000 * 1.9789e15, 1e20);
  // A declared utilisation of 0.5 on 64 v5p chips (459 TFLOP/s BF16) for a day.
  EXPECT_NEAR(std::stod(by_run["h"]["flop_central"]), 64 * 86400 * 459e12 * 0.5, 1e21);
  for (const char* bad : {"d", "e", "f", "i", "j"}) {
    auto& row = by_run[bad];
    EXPECT_NE(row["error"], "") << bad;
    EXPECT_EQ(row["flop_low"], "") << bad;
    EXPECT_EQ(row["flop_central"], "") << bad;
    EXPECT_EQ(row["flop_high"], "") << bad;
    EXPECT_EQ(row["flop_upper_bound"], "") << bad;
  }
  EXPECT_NE(by_run["d"]["error"].find("quantum-9000"), std::string::npos);
  EXPECT_NE(by_run["e"]["error"].find("count"), std::string::npos);
  EXPECT_NE(by_run["f"]["error"].find("precision"), std::string::npos);
  EXPECT_NE(by_run["i"]["error"].find("utilization"), std::string::npos);
  EXPECT_NE(r.err.find(":5:"), std::string::npos) << r.err;  // the line of row d

  auto explained =
      RunToCompletion({KycloudBinary(), "compute", "estimate", "--input", input, "--explain"});
  ASSERT_EQ(explained.code, 0);
  auto erows = ReadCsv(explained.out);
  ASSERT_EQ(erows.size(), 10u);
  EXPECT_EQ(erows[0]["accelerator_name"], "NVIDIA H100 SXM5 80GB");
  EXPECT_EQ(erows[0]["precision_used"], "bf16");
  EXPECT_EQ(erows[0]["family"], "tensor");
  EXPECT_EQ(erows[2]["chips"], "16");
  EXPECT_EQ(erows[2]["precision_used"], "fp8");
  EXPECT_EQ(erows[7]["method"], "declared");
  std::filesystem::remove(input);
}

TEST(ComputeCommandTest, EstimateRefusesInputWithoutTheContractColumns) {
  const std::string input = TempFile("nocols", "gpu,n\nh100,8\n");
  auto r = RunToCompletion({KycloudBinary(), "compute", "estimate", "--input", input});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("accelerator, count and hours"), std::string::npos) << r.err;
  std::filesystem::remove(input);
  auto missing =
      RunToCompletion({KycloudBinary(), "compute", "estimate", "--input", "/nonexistent/runs.csv"});
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("/nonexistent/runs.csv"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace kycloud::testing
