// Audit log benchmark on SQLite (the embedded default, synchronous = full):
//   1. append throughput: one writer appending one entry per call, then 16 concurrent writers
//      (group commit batches them into shared transactions); each call returns after its commit;
//   2. proof generation at scale: a log of N entries (default 10,000,000) is built in batches,
//      then random inclusion and consistency proofs are generated (and verified) and their
//      p50/p99 latency printed.
// Usage: audit_benchmark [N entries for the proof run] [DIR for the database files]
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <random>
#include <thread>
#include <vector>

#include "kycloud/audit/audit_log.h"
#include "kycloud/storage/open_database.h"
#include "kycloud/storage/sql_audit_store.h"

using namespace kycloud;
using Steady = std::chrono::steady_clock;

namespace {

double Seconds(Steady::time_point a, Steady::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

std::unique_ptr<storage::Database> Open(const std::string& path) {
  std::filesystem::remove(path);
  std::filesystem::remove(path + "-wal");
  std::filesystem::remove(path + "-shm");
  storage::StorageOptions o;
  o.uri = "sqlite:" + path;
  auto db = storage::OpenDatabase(o);
  if (!db) {
    fmt::print(stderr, "cannot open {}: {}\n", path, db.error().ToString());
    std::exit(1);
  }
  return std::move(*db);
}

audit::AuditEvent Event(std::int64_t i) {
  return {
      "screening.result", "kyc_bench",
      fmt::format(
          R"({{"lists_hash":"4750c59b62ca79e4","queries":[{{"subject":"hmac-sha256:{:064x}","hits":[]}}],"threshold":0.8}})",
          i)};
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

}  // namespace

int main(int argc, char** argv) {
  std::int64_t n = argc > 1 ? std::atoll(argv[1]) : 10'000'000;
  std::string dir = argc > 2 ? argv[2] : std::filesystem::temp_directory_path().string();
  auto key = audit::SigningKey::Generate("kycloud-bench");

  {  // 1. Append throughput.
    auto db = Open(dir + "/audit-append.db");
    storage::SqlAuditStore store(*db);
    audit::AuditLog log(store, SystemClock::Default(), &*key);
    const int single = 2000;
    auto t0 = Steady::now();
    for (int i = 0; i < single; ++i) {
      if (!log.Append(Event(i)).has_value()) return 1;
    }
    auto t1 = Steady::now();
    fmt::print("append, 1 writer, 1 entry per call (one commit each): {:.0f} entries/s\n",
               single / Seconds(t0, t1));
    const int threads = 16, each = 6000;
    std::atomic<int> failed{0};
    std::vector<std::thread> ts;
    t0 = Steady::now();
    for (int t = 0; t < threads; ++t) {
      ts.emplace_back([&, t] {
        for (int i = 0; i < each; ++i) {
          if (!log.Append(Event(t * each + i)).has_value()) ++failed;
        }
      });
    }
    for (auto& t : ts) t.join();
    t1 = Steady::now();
    fmt::print(
        "append, {} writers, 1 entry per call (group commit): {:.0f} entries/s ({} failed)\n",
        threads, threads * each / Seconds(t0, t1), failed.load());
    std::vector<audit::AuditEvent> batch;
    for (int i = 0; i < 1000; ++i) batch.push_back(Event(i));
    t0 = Steady::now();
    for (int r = 0; r < 50; ++r) {
      if (!log.AppendAll(batch).has_value()) return 1;
    }
    t1 = Steady::now();
    fmt::print("append, 1 writer, 1,000 entries per call: {:.0f} entries/s\n",
               50'000 / Seconds(t0, t1));
  }

  {  // 2. Proofs at scale.
    std::string path = dir + "/audit-proofs.db";
    auto db = Open(path);
    storage::SqlAuditStore store(*db);
    audit::AuditLog log(store, SystemClock::Default(), &*key,
                        audit::AuditLogOptions{.max_batch = 20000});
    auto t0 = Steady::now();
    const std::int64_t chunk = 20000;
    for (std::int64_t done = 0; done < n; done += chunk) {
      std::vector<audit::AuditEvent> batch;
      for (std::int64_t i = done; i < std::min(n, done + chunk); ++i) batch.push_back(Event(i));
      if (!log.AppendAll(std::move(batch)).has_value()) return 1;
      if ((done / chunk) % 50 == 0) {
        fmt::print(stderr, "built {} of {} entries\n", done + chunk, n);
      }
    }
    auto t1 = Steady::now();
    fmt::print("built a log of {} entries in {:.0f} s ({:.0f} entries/s); database {:.2f} GB\n", n,
               Seconds(t0, t1), n / Seconds(t0, t1), std::filesystem::file_size(path) / 1e9);
    auto head = log.Head();
    std::mt19937_64 rng(42);
    std::vector<double> incl, cons;
    for (int i = 0; i < 2000; ++i) {
      std::int64_t leaf = std::uniform_int_distribution<std::int64_t>(0, n - 1)(rng);
      auto a = Steady::now();
      auto p = log.ProveInclusion(leaf, n);
      auto b = Steady::now();
      if (!p || !audit::VerifyInclusion(leaf, n, audit::LeafHash(p->entry), p->proof, head->root)) {
        fmt::print(stderr, "inclusion proof of {} failed\n", leaf);
        return 1;
      }
      incl.push_back(Seconds(a, b) * 1e3);
      std::int64_t from = std::uniform_int_distribution<std::int64_t>(1, n)(rng);
      a = Steady::now();
      auto c = log.ProveConsistency(from, n);
      b = Steady::now();
      if (!c) return 1;
      cons.push_back(Seconds(a, b) * 1e3);
    }
    fmt::print(
        "inclusion proof at {} entries: p50 {:.3f} ms, p99 {:.3f} ms (2,000 random leaves)\n", n,
        Percentile(incl, 0.5), Percentile(incl, 0.99));
    fmt::print("consistency proof at {} entries: p50 {:.3f} ms, p99 {:.3f} ms\n", n,
               Percentile(cons, 0.5), Percentile(cons, 0.99));
    db.reset();
    std::filesystem::remove(path);
  }
  return 0;
}
