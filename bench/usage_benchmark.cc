// Usage ingestion benchmark (issue 5), one thread throughout:
//   1. JSON lines: parse only, in 8 MiB chunks drained after each (as `kycloud ingest usage`
//      streams a file), records/s;
//   2. JSON lines: parse + meter (resolve the instance type, estimate P5/P50/P95/upper bound);
//   3. AWS CUR CSV (legacy headers): parse, records/s;
//   4. streaming N records over A accounts through parse + meter + per-account totals (what the
//      ledger keeps per account, never per event), with the peak RSS after 1/10 of the records
//      and at the end: memory independent of the record count;
//   5. the durable path: UsageLedger::Apply into a SQLite file (WAL, synchronous=FULL) in
//      batches of 10,000, with threshold checks, records/s.
//
//   usage_benchmark [RECORDS=10000000] [ACCOUNTS=100000] [WORKDIR=/tmp]
#include <fmt/format.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <unordered_map>
#include <vector>

#include "kycloud/base/clock.h"
#include "kycloud/compute/metered_usage.h"
#include "kycloud/compute/usage_parsers.h"
#include "kycloud/metering/usage_ledger.h"
#include "kycloud/storage/open_database.h"
#include "kycloud/storage/sql_usage_store.h"

namespace {

using namespace kycloud;
using Steady = std::chrono::steady_clock;

double Seconds(Steady::time_point since) {
  return std::chrono::duration<double>(Steady::now() - since).count();
}

double PeakRssMb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024.0;
}

constexpr const char* kTypes[] = {
    "p5.48xlarge",  "p4d.24xlarge", "g5.xlarge", "a3-highgpu-8g", "Standard_ND96isr_H100_v5",
    "BM.GPU.H100.8"};

// Record i as one JSON line: a mix of instance types and bare accelerators, RFC 3339 and Unix
// times, optional fields present or not.
void AppendJsonLine(std::string& out, std::uint64_t i, std::uint64_t accounts) {
  const std::int64_t start = 1'767'225'600 + static_cast<std::int64_t>(i % 8'000'000) * 60;
  const std::uint64_t account = (i * 2654435761u) % accounts;
  if (i % 4 == 3) {
    fmt::format_to(std::back_inserter(out),
                   R"({{"record_id":"r{}","account_id":"acct-{}","accelerator":"h100",)"
                   R"("accelerator_count":8,"start":{},"end":{}}})"
                   "\n",
                   i, account, start, start + 3600);
    return;
  }
  fmt::format_to(std::back_inserter(out),
                 R"({{"record_id":"r{}","account_id":"acct-{}","payer_id":"payer-{}",)"
                 R"("instance_type":"{}","instance_count":{},"start":"{}","end":"{}",)"
                 R"("region":"us-east-1","cluster":"pg-{}"}})"
                 "\n",
                 i, account, account / 7, kTypes[i % std::size(kTypes)], 1 + i % 4,
                 FormatRfc3339(FromUnixMicros(start * 1'000'000)),
                 FormatRfc3339(FromUnixMicros((start + 3600) * 1'000'000)), account % 13);
}

std::string CurCsv(std::uint64_t n) {
  std::string out =
      "identity/LineItemId,bill/PayerAccountId,lineItem/UsageAccountId,lineItem/LineItemType,"
      "lineItem/UsageStartDate,lineItem/UsageEndDate,lineItem/ProductCode,lineItem/UsageType,"
      "lineItem/Operation,lineItem/ResourceId,lineItem/UsageAmount,product/instanceType,"
      "product/region\n";
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::int64_t start = 1'767'225'600 + static_cast<std::int64_t>(i % 720) * 3600;
    const std::string type = i % 3 == 0 ? "p4d.24xlarge" : "p5.48xlarge";
    fmt::format_to(std::back_inserter(out),
                   "li{},111122223333,{},Usage,{},{},AmazonEC2,USE1-BoxUsage:{},RunInstances,"
                   "i-{:012x},1,{},us-east-1\n",
                   i, 200000000000 + i % 5000, FormatRfc3339(FromUnixMicros(start * 1'000'000)),
                   FormatRfc3339(FromUnixMicros((start + 3600) * 1'000'000)), type, i, type);
  }
  return out;
}

// Generates records [from, to) as JSON lines in chunks of about 8 MiB and calls fn(chunk).
template <typename Fn>
void Chunks(std::uint64_t from, std::uint64_t to, std::uint64_t accounts, Fn fn) {
  std::string chunk;
  chunk.reserve(9 << 20);
  for (std::uint64_t i = from; i < to; ++i) {
    AppendJsonLine(chunk, i, accounts);
    if (chunk.size() >= (8 << 20) || i + 1 == to) {
      fn(chunk);
      chunk.clear();
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint64_t records = argc > 1 ? std::stoull(argv[1]) : 10'000'000;
  const std::uint64_t accounts = argc > 2 ? std::stoull(argv[2]) : 100'000;
  const std::string workdir = argc > 3 ? argv[3] : "/tmp";
  const auto& estimator = compute::Estimator::Bundled();

  // 4 (run first, so that nothing else has grown the heap): streaming all records through parse +
  // meter + per-account totals.
  {
    struct Totals {
      double chip_seconds = 0, central = 0, high = 0, upper = 0;
    };
    std::unordered_map<std::string, Totals> per_account;
    per_account.reserve(accounts);
    std::uint64_t done = 0;
    double rss_tenth = 0;
    auto t0 = Steady::now();
    compute::ParsedUsage out;
    Chunks(0, records, accounts, [&](const std::string& c) {
      compute::ParseUsageJsonLines(c, 1, out);
      for (const auto& r : out.records) {
        auto m = compute::Meter(r, estimator);
        if (!m) continue;
        Totals& t = per_account[m->account_id];
        t.chip_seconds += m->ChipSeconds();
        t.central += m->central;
        t.high += m->high;
        t.upper += m->upper_bound;
      }
      done += out.records.size();
      out.records.clear();
      if (rss_tenth == 0 && done >= records / 10) rss_tenth = PeakRssMb();
    });
    const double s = Seconds(t0);
    std::printf(
        "stream %llu records over %zu accounts (generate + parse + meter + totals): "
        "%.1f s, %.0f records/s; peak RSS %.0f MB after %llu records, %.0f MB at the "
        "end\n",
        static_cast<unsigned long long>(done), per_account.size(), s, done / s, rss_tenth,
        static_cast<unsigned long long>(records / 10), PeakRssMb());
  }

  // 1 and 2: a fixed 1,000,000-record input, parsed in drained chunks.
  const std::uint64_t n = std::min<std::uint64_t>(records, 1'000'000);
  std::vector<std::string> chunks;
  Chunks(0, n, accounts, [&](const std::string& c) { chunks.push_back(c); });
  std::size_t bytes = 0;
  for (const auto& c : chunks) bytes += c.size();
  {
    std::uint64_t parsed = 0, errors = 0;
    auto t0 = Steady::now();
    compute::ParsedUsage out;
    for (const auto& c : chunks) {
      compute::ParseUsageJsonLines(c, 1, out);
      parsed += out.records.size();
      errors += out.errors.size();
      out.records.clear();
      out.errors.clear();
    }
    const double s = Seconds(t0);
    std::printf(
        "json lines, parse:          %9.0f records/s  (%llu records, %.0f MB/s, %llu "
        "errors)\n",
        parsed / s, static_cast<unsigned long long>(parsed), bytes / s / 1e6,
        static_cast<unsigned long long>(errors));
  }
  {
    std::uint64_t metered = 0;
    auto t0 = Steady::now();
    compute::ParsedUsage out;
    for (const auto& c : chunks) {
      compute::ParseUsageJsonLines(c, 1, out);
      for (const auto& r : out.records) metered += compute::Meter(r, estimator).has_value();
      out.records.clear();
    }
    const double s = Seconds(t0);
    std::printf("json lines, parse + meter:  %9.0f records/s  (%llu metered)\n", metered / s,
                static_cast<unsigned long long>(metered));
  }
  chunks.clear();
  chunks.shrink_to_fit();

  // 3: AWS CUR CSV.
  {
    const std::string cur = CurCsv(n);
    auto t0 = Steady::now();
    compute::ParsedUsage out;
    compute::ParseAwsCur(cur, out);
    const double s = Seconds(t0);
    std::printf(
        "AWS CUR CSV, parse:         %9.0f records/s  (%zu records, %.0f MB/s, %zu "
        "errors)\n",
        out.records.size() / s, out.records.size(), cur.size() / s / 1e6, out.errors.size());
  }

  // 5: the durable path into SQLite.
  {
    const std::uint64_t durable = std::min<std::uint64_t>(records, 200'000);
    const std::string path = workdir + "/usage_benchmark.db";
    std::filesystem::remove(path);
    std::filesystem::remove(path + "-wal");
    std::filesystem::remove(path + "-shm");
    storage::StorageOptions options;
    options.uri = "sqlite:" + path;
    auto db = storage::OpenDatabase(options);
    if (!db) {
      std::fprintf(stderr, "cannot open %s: %s\n", path.c_str(), db.error().ToString().c_str());
      return 1;
    }
    storage::SqlUsageStore store(**db);
    metering::UsageLedger ledger(store, nullptr, nullptr, estimator,
                                 compute::ComputePolicy::Bundled(), SystemClock::Default());
    std::uint64_t accepted = 0;
    auto t0 = Steady::now();
    compute::ParsedUsage out;
    std::vector<compute::UsageRecord> batch;
    Chunks(0, durable, std::min<std::uint64_t>(accounts, 2000), [&](const std::string& c) {
      compute::ParseUsageJsonLines(c, 1, out);
      for (size_t at = 0; at < out.records.size(); at += 10000) {
        batch.assign(
            out.records.begin() + static_cast<long>(at),
            out.records.begin() + static_cast<long>(std::min(at + 10000, out.records.size())));
        auto r = ledger.Apply(batch, "bench");
        if (r) accepted += r->accepted;
      }
      out.records.clear();
    });
    const double s = Seconds(t0);
    std::printf(
        "ledger into SQLite (batches of 10,000, thresholds checked): %.0f records/s "
        "(%llu stored in %.1f s)\n",
        accepted / s, static_cast<unsigned long long>(accepted), s);
    std::filesystem::remove(path);
    std::filesystem::remove(path + "-wal");
    std::filesystem::remove(path + "-shm");
  }
  return 0;
}
