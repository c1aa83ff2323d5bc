// Storage benchmarks: one committed write (an API key insert) and one indexed point read per
// iteration, on SQLite (synchronous=full and normal) and on PostgreSQL when
// KYCLOUD_TEST_PG_URI(_FILE) is set (scripts/run-benchmarks starts a throw-away server).
#include <benchmark/benchmark.h>

#include <atomic>

#include "kycloud/base/clock.h"
#include "kycloud/storage/open_database.h"
#include "kycloud/storage/sql_api_key_store.h"
#include "kycloud/storage/testing/test_database.h"

namespace kycloud::storage {
namespace {

std::unique_ptr<testing::TestDatabase> Open(const std::string& backend, const std::string& sync) {
  if (backend == "sqlite") {
    auto t = std::make_unique<testing::TestDatabase>();
    t->cleanup_dir = testing::MakeTempDir("kycloud-bench");
    t->options.uri = "sqlite:" + t->cleanup_dir + "/bench.db";
    t->options.sqlite_synchronous = sync;
    auto db = OpenDatabase(t->options);
    if (!db) return nullptr;
    t->db = std::move(*db);
    return t;
  }
  auto t = testing::MakeTestDatabase(backend);
  return t ? std::move(*t) : nullptr;
}

ApiKeyRecord Record(int64_t i) {
  return ApiKeyRecord{"kyc_" + std::to_string(i), "bench", "officer",   "h" + std::to_string(i),
                      FromUnixMicros(i),          "bench", std::nullopt};
}

void BM_InsertCommitted(benchmark::State& state, std::string backend, std::string sync) {
  auto t = Open(backend, sync);
  if (!t) {
    state.SkipWithError(("cannot open " + backend).c_str());
    return;
  }
  SqlApiKeyStore store(*t->db);
  int64_t i = 0;
  for (auto _ : state) {
    if (!store.Insert(Record(i++)).ok()) state.SkipWithError("insert failed");
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_PointRead(benchmark::State& state, std::string backend) {
  auto t = Open(backend, "normal");
  if (!t) {
    state.SkipWithError(("cannot open " + backend).c_str());
    return;
  }
  SqlApiKeyStore store(*t->db);
  constexpr int kKeys = 10000;
  (void)t->db->Transact(TxMode::kWrite, [&](Session& s) -> Status {
    for (int i = 0; i < kKeys; ++i) {
      const ApiKeyRecord k = Record(i);
      KY_TRY(
          s.Execute("INSERT INTO api_keys (id, name, role, secret_hash, created_at, created_by)"
                    " VALUES (?,?,?,?,?,?)",
                    {k.id, k.name, k.role, k.secret_hash, 0, k.created_by}));
    }
    return OkStatus();
  });
  int64_t i = 0;
  for (auto _ : state) {
    auto r = store.FindBySecretHash("h" + std::to_string(i++ % kKeys));
    if (!r) state.SkipWithError("read failed");
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK_CAPTURE(BM_InsertCommitted, sqlite_full, std::string("sqlite"), std::string("full"))
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_InsertCommitted, sqlite_normal, std::string("sqlite"), std::string("normal"))
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_InsertCommitted, postgresql, std::string("postgresql"), std::string(""))
    ->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_PointRead, sqlite, std::string("sqlite"))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_PointRead, postgresql, std::string("postgresql"))
    ->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace kycloud::storage

BENCHMARK_MAIN();
