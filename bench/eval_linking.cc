// Account-linking evaluation (scripts/eval-linking): FEBRL 1-3 and Splink's fake_1000 from
// testdata/eval/er/, pairwise precision / recall / F1 and B-cubed, with timings.
// Usage: eval_linking SOURCE_DIR [threshold]
#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "kycloud/base/csv_reader.h"
#include "kycloud/linking/evaluation.h"
#include "kycloud/linking/linker.h"
#include "kycloud/linking/record_reader.h"

using namespace kycloud;
using namespace kycloud::linking;

namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string FebrlEntity(const std::string& id) {
  const size_t a = id.find('-'), b = id.find('-', a + 1);
  return id.substr(a + 1, b - a - 1);
}

int Run(const std::string& name, const std::string& csv, const std::string& mapping,
        const std::function<std::string(size_t, const std::string&)>& truth, double threshold) {
  auto m = ParseFieldMapping(mapping);
  auto records = ReadLinkRecords(csv, *m, name);
  if (!records) {
    std::fprintf(stderr, "%s: %s\n", name.c_str(), records.error().ToString().c_str());
    return 1;
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto r = Link(*records, {}, {.threshold = threshold, .keep_pairs = false});
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!r) {
    std::fprintf(stderr, "%s: %s\n", name.c_str(), r.error().ToString().c_str());
    return 1;
  }
  std::vector<std::string> predicted, labels;
  for (size_t i = 0; i < r->records.size(); ++i) {
    predicted.push_back(r->records[r->group[i]].id);
    labels.push_back(truth(i, r->records[i].id));
  }
  LinkingScores s = ScoreLinking(predicted, labels);
  std::printf("%-14s %7zu %8zu %9zu  %9.4f %7.4f %7.4f   %7.4f %7.4f  %6.2f s\n", name.c_str(),
              r->records.size(), s.true_pairs, r->blocking.pairs, s.precision, s.recall, s.f1,
              s.bcubed_precision, s.bcubed_recall, secs);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string root = argc > 1 ? argv[1] : ".";
  const double threshold = argc > 2 ? std::stod(argv[2]) : 0.95;
  const std::string febrl_fields =
      "id=rec_id,given_name=given_name,family_name=surname,street_number=street_number,"
      "address_line=address_1,address_line=address_2,locality=suburb,postcode=postcode,"
      "region=state,date_of_birth=date_of_birth,national_id=soc_sec_id";
  std::printf("kycloud account-linking evaluation (match probability >= %.2f)\n\n", threshold);
  std::printf("%-14s %7s %8s %9s  %9s %7s %7s   %7s %7s  %8s\n", "set", "records", "true prs",
              "compared", "precision", "recall", "F1", "B3 prec", "B3 rec", "time");
  int rc = 0;
  for (const char* f : {"dataset1.csv", "dataset2.csv", "dataset3.csv"}) {
    rc |= Run(
        std::string("febrl/") + f, Slurp(root + "/testdata/eval/er/febrl/" + f), febrl_fields,
        [](size_t, const std::string& id) { return FebrlEntity(id); }, threshold);
  }
  // fake_1000: the truth is the `cluster` column.
  const std::string fake = Slurp(root + "/testdata/eval/er/splink/fake_1000.csv");
  std::map<std::string, std::string> cluster_of;
  {
    kycloud::CsvReader reader(fake, "fake_1000");
    std::vector<std::string> row;
    (void)reader.Next(row);
    while (*reader.Next(row)) {
      if (row.size() >= 7) cluster_of[row[0]] = row[6];
    }
  }
  rc |= Run(
      "splink/fake_1000", fake,
      "id=unique_id,given_name=first_name,family_name=surname,date_of_birth=dob,"
      "locality=city,email=email",
      [&](size_t, const std::string& id) { return cluster_of[id]; }, threshold);
  return rc;
}
