// Screening benchmark (make bench): against all bundled lists,
//   - time to parse every list file and to build the index;
//   - per-query latency on one core over the first 20,000 of the 50,000 synthetic negatives
//     (names that must not match: the realistic case, each query still scores its candidates),
//     p50 / p99 / max, and queries per second on one core;
//   - batch throughput with every core;
//   - peak resident memory.
// Usage: screening_benchmark SOURCE_DIR [queries]
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "kycloud/base/csv_reader.h"
#include "kycloud/lists/list_loader.h"
#include "kycloud/lists/source_file.h"
#include "kycloud/screening/screener.h"

using namespace kycloud;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  std::string root = argc > 1 ? argv[1] : ".";
  size_t max_queries = argc > 2 ? std::stoul(argv[2]) : 20000;

  auto t0 = Clock::now();
  auto snap = lists::LoadListDirectory(root + "/data/lists");
  if (!snap) {
    std::fprintf(stderr, "%s\n", snap.error().ToString().c_str());
    return 1;
  }
  auto t1 = Clock::now();
  auto index =
      screening::ScreeningIndex::Build(std::make_shared<lists::ListSnapshot>(std::move(*snap)));
  auto t2 = Clock::now();

  auto data = lists::ReadListFile(root + "/testdata/eval/yente/negatives_us.csv.gz");
  std::string text = lists::ToCleanUtf8(std::move(*data));
  CsvReader reader(text, "negatives");
  std::vector<std::string> f;
  (void)reader.Next(f);
  std::vector<screening::ScreeningQuery> queries;
  while (queries.size() < max_queries && *reader.Next(f)) {
    queries.push_back({.name = f[0], .schema = lists::Schema::kPerson, .date_of_birth = f[5]});
  }

  std::vector<double> lat;
  lat.reserve(queries.size());
  size_t hits = 0;
  auto t3 = Clock::now();
  for (const auto& q : queries) {
    auto s = Clock::now();
    hits += !screening::Screen(*index, q).empty();
    lat.push_back(std::chrono::duration<double, std::milli>(Clock::now() - s).count());
  }
  double one_core_s = std::chrono::duration<double>(Clock::now() - t3).count();
  std::sort(lat.begin(), lat.end());
  auto pct = [&](double p) { return lat[std::min(lat.size() - 1, size_t(p * lat.size()))]; };

  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::atomic<size_t> next{0};
  auto t4 = Clock::now();
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (size_t i; (i = next.fetch_add(1)) < queries.size();)
        (void)screening::Screen(*index, queries[i]);
    });
  }
  for (auto& t : pool) t.join();
  double batch_s = std::chrono::duration<double>(Clock::now() - t4).count();
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);

  std::printf("screening_benchmark: %zu entities, %zu indexed names, lists hash %.12s\n",
              index->snapshot().entities().size(), index->names().size(),
              index->snapshot().hash().c_str());
  std::printf("  parse all lists        %8.0f ms\n",
              std::chrono::duration<double, std::milli>(t1 - t0).count());
  std::printf("  build index            %8.0f ms\n",
              std::chrono::duration<double, std::milli>(t2 - t1).count());
  std::printf("  queries (negatives)    %8zu   (%zu with a hit at the default threshold)\n",
              queries.size(), hits);
  std::printf("  latency one core       p50 %.3f ms, p99 %.3f ms, max %.3f ms\n", pct(0.5),
              pct(0.99), lat.back());
  std::printf("  throughput one core    %8.0f queries/s\n", queries.size() / one_core_s);
  std::printf("  throughput %u threads   %8.0f queries/s\n", threads, queries.size() / batch_s);
  std::printf("  peak RSS               %8.0f MB\n", ru.ru_maxrss / 1024.0);
  return 0;
}
