// `kycloud customers import FILE.jsonl|-` and `kycloud customers export`: CIP records in bulk
// (docs/cip.md). Import runs every line through onboarding — validation, classification,
// screening against the lists (the configured or bundled ones), sealing, the decision — with
// several workers preparing chunks of lines while the previous chunk is committed in one database
// batch; a bad line is reported as "FILE:LINE: /field: message (rule)" on stderr and the
// others go on. Each line carries the idempotency key "import:<sha256 of the line>", so running
// the same file again (after an interruption) skips what was imported: the import is resumable.
// The summary is one JSON object on stdout. Export writes every record (opened) as JSON lines to
// stdout — personal data: the export is an audit entry.
#include <fmt/format.h>

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <time.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "commands.h"
#include "data_key.h"
#include "kycloud/base/progress.h"
#include "kycloud/base/sha256.h"
#include "kycloud/cip/customer_json.h"
#include "kycloud/cip/onboarding.h"
#include "kycloud/lists/list_loader.h"
#include "kycloud/server/party_screening.h"
#include "kycloud/storage/sql_audit_store.h"
#include "kycloud/storage/sql_case_store.h"
#include "kycloud/storage/sql_customer_store.h"
#include "kycloud/storage/sql_disposition_store.h"
#include "kycloud/storage/sql_policy_store.h"

namespace kycloud::app {

namespace {

struct ImportFlags {
  CommonFlags common;
  std::string file;
  int workers = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  bool no_screening = false;
};

void RunImport(const ImportFlags& flags) {
  Opened opened = OpenOrFail(flags.common);
  const std::string text = flags.file == "-"
                               ? std::string(std::istreambuf_iterator<char>(std::cin), {})
                               : ReadFileOrFail(flags.file, "customers file");
  std::vector<std::string_view> lines;
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.emplace_back(text.data() + start, end - start);
    start = end + 1;
  }
  auto cipher = LoadDataCipher(opened.config);
  if (!cipher) Fail(cipher.error());
  const Clock& clock = SystemClock::Default();
  storage::SqlCustomerStore customers(*opened.db);
  storage::SqlPolicyStore policies(*opened.db);
  storage::SqlCaseStore case_store(*opened.db);
  storage::SqlDispositionStore dispositions(*opened.db);
  cases::CaseManager cases(case_store, clock, nullptr, &dispositions);
  provisioning::ProvisioningService provisioning(policies, &cases, clock,
                                                 compute::Estimator::Bundled());
  if (Status s = provisioning.Load(); !s.ok()) Fail(s);
  cip::Onboarding onboarding(customers, *cipher, provisioning, &cases, clock);
  screening::IndexHolder holder;
  std::unique_ptr<server::ServicePartyScreener> screener;
  if (!flags.no_screening) {
    const std::string dir =
        opened.config.lists_dir.empty() ? DefaultListsDir() : opened.config.lists_dir;
    auto snap = lists::LoadListDirectory(dir);
    if (!snap) Fail(snap.error().Annotate("lists"));
    holder.Set(
        screening::ScreeningIndex::Build(std::make_shared<lists::ListSnapshot>(std::move(*snap))));
    screener =
        std::make_unique<server::ServicePartyScreener>(holder, dispositions, &cases, nullptr);
    onboarding.SetScreener(screener.get());
  }

  auto progress =
      ProgressReporter::ForStderr({.label = "import", .total = lines.size(), .unit = "records"});
  // A pipeline of chunks: workers prepare chunk k+1 (validation, classification, screening,
  // sealing: the CPU) while this thread commits chunk k in one database batch (one disk flush per
  // chunk instead of several per record).
  constexpr size_t kChunk = 512;
  using Prepared = std::optional<Result<cip::PreparedCustomer>>;  // nullopt: a blank line
  const size_t n_chunks = (lines.size() + kChunk - 1) / kChunk;
  const size_t workers = static_cast<size_t>(std::max(1, flags.workers));
  // Persistent workers (their thread-local caches — ICU transliterators, scratch buffers — are
  // built once), each preparing whole chunks, at most workers + 1 chunks ahead of the commit.
  std::mutex mu;
  std::condition_variable cv;
  std::map<size_t, std::vector<Prepared>> ready;
  size_t next_chunk = 0, committed = 0;
  bool stop = false;
  auto worker = [&] {
    // Below the committing thread: the commit is the serial part of the pipeline.
    (void)setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), 5);
    for (;;) {
      size_t k;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] {
          return stop || next_chunk >= n_chunks || next_chunk < committed + workers + 1;
        });
        if (stop || next_chunk >= n_chunks) return;
        k = next_chunk++;
      }
      const size_t begin = k * kChunk, end = std::min(lines.size(), begin + kChunk);
      std::vector<Prepared> out(end - begin);
      for (size_t i = begin; i < end; ++i) {
        std::string_view line = lines[i];
        if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
        out[i - begin] = onboarding.Prepare(line, "import:" + Sha256Hex(line));
      }
      {
        std::lock_guard lock(mu);
        ready.emplace(k, std::move(out));
      }
      cv.notify_all();
    }
  };
  std::vector<std::thread> pool;
  for (size_t w = 0; w < workers; ++w) pool.emplace_back(worker);
  auto stop_workers = [&] {
    {
      std::lock_guard lock(mu);
      stop = true;
    }
    cv.notify_all();
    for (auto& t : pool) {
      if (t.joinable()) t.join();
    }
  };
  size_t created = 0, replayed = 0, failed = 0, blank = 0;
  std::map<std::string, size_t> decisions;
  auto report_error = [&](size_t i, const Status& e) {
    ++failed;
    fmt::print(stderr, "{}:{}: {}{}{}\n", flags.file, i + 1,
               e.field().empty() ? "" : std::string(e.field()) + ": ", e.message(),
               e.reason().empty() ? "" : fmt::format(" [{}]", e.reason()));
  };
  std::chrono::steady_clock::duration waiting{}, committing{};
  for (size_t k = 0; k < n_chunks; ++k) {
    const size_t begin = k * kChunk;
    auto t0 = std::chrono::steady_clock::now();
    std::vector<Prepared> chunk;
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return ready.count(k) > 0; });
      chunk = std::move(ready[k]);
      ready.erase(k);
    }
    auto t1 = std::chrono::steady_clock::now();
    waiting += t1 - t0;
    std::vector<std::optional<Result<cip::OnboardingResult>>> results;
    Status batch = opened.db->Batch([&]() -> Status {
      results.assign(chunk.size(), std::nullopt);  // repeatable: a retry starts over
      for (size_t k = 0; k < chunk.size(); ++k) {
        if (!chunk[k] || !chunk[k]->has_value()) continue;
        results[k] = onboarding.Commit(**chunk[k], "cli");
      }
      return OkStatus();
    });
    committing += std::chrono::steady_clock::now() - t1;
    {
      std::lock_guard lock(mu);
      committed = k + 1;
    }
    cv.notify_all();
    if (!batch.ok()) {
      stop_workers();
      Fail(
          batch.Annotate(fmt::format("lines {}-{} were not stored (run the import again to "
                                     "continue)",
                                     begin + 1, begin + chunk.size())));
    }
    for (size_t k = 0; k < chunk.size(); ++k) {
      progress.Add();
      if (!chunk[k]) {
        ++blank;
      } else if (!chunk[k]->has_value()) {
        report_error(begin + k, chunk[k]->error());
      } else if (!results[k]->has_value()) {
        report_error(begin + k, results[k]->error());
      } else {
        ((*results[k])->created ? created : replayed)++;
        decisions[(*results[k])->row.decision]++;
      }
    }
  }
  stop_workers();
  progress.Finish();
  timespec cpu{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu);
  fmt::print(stderr,
             "import: {:.1f} s committing ({:.1f} s CPU in this thread, loading included), {:.1f} "
             "s waiting for prepared records\n",
             std::chrono::duration<double>(committing).count(), cpu.tv_sec + cpu.tv_nsec / 1e9,
             std::chrono::duration<double>(waiting).count());
  std::cout << nlohmann::json{{"lines", lines.size() - blank},
                              {"created", created},
                              {"already_imported", replayed},
                              {"errors", failed},
                              {"decisions", decisions}}
                   .dump()
            << std::endl;
  if (failed > 0) throw CLI::RuntimeError(1);
}

void RunExport(const CommonFlags& flags) {
  Opened opened = OpenOrFail(flags);
  auto cipher = LoadDataCipher(opened.config);
  if (!cipher) Fail(cipher.error());
  const Clock& clock = SystemClock::Default();
  storage::SqlCustomerStore customers(*opened.db);
  storage::SqlPolicyStore policies(*opened.db);
  provisioning::ProvisioningService provisioning(policies, nullptr, clock,
                                                 compute::Estimator::Bundled());
  cip::Onboarding onboarding(customers, *cipher, provisioning, nullptr, clock);
  storage::SqlAuditStore audit_store(*opened.db);
  audit::AuditLog audit(audit_store, clock, nullptr, opened.config.audit);
  storage::CustomerFilter f;
  f.limit = 1000;
  size_t n = 0;
  while (true) {
    auto page = customers.List(f);
    if (!page) Fail(page.error());
    for (const auto& row : *page) {
      auto got = onboarding.Get(row.id);
      if (!got) Fail(got.error().Annotate(row.id));
      nlohmann::json j = nlohmann::json::parse(cip::CustomerJson(got->second));
      j["decision"] = row.decision;
      j["verification"] = row.verification;
      j["policy_version"] = row.policy_id;
      std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
      ++n;
    }
    if (page->size() < f.limit) break;
    f.after_id = page->back().id;
  }
  auto entry = audit.Append(
      {"pii.export", "cli", nlohmann::json{{"resource", "customers"}, {"records", n}}.dump()});
  if (!entry) Fail(entry.error().Annotate("audit"));
  fmt::print(stderr, "exported {} customers\n", n);
}

}  // namespace

void RegisterCustomersCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("customers", "CIP records in bulk: import, export");
  cmd->require_subcommand(1);
  auto flags = std::make_shared<ImportFlags>();
  auto* import = cmd->add_subcommand(
      "import", "Onboard every record of a JSON-lines file (resumable: rerun to continue)");
  flags->common.AddTo(*import);
  import->add_option("FILE", flags->file, "JSON lines, one CIP record per line; - for stdin")
      ->required();
  import->add_option("--workers", flags->workers,
                     "threads preparing records (default: one per core)");
  import->add_flag("--no-screening", flags->no_screening,
                   "skip screening (records are screened later; not for production)");
  import->callback([flags] { RunImport(*flags);
});
auto export_flags = std::make_shared<CommonFlags>();
auto* exp = cmd->add_subcommand("export", "Every CIP record as JSON lines on stdout (audited)");
export_flags->AddTo(*exp);
exp->callback([export_flags] { RunExport(*export_flags); });
}  // namespace kycloud::app

}  // namespace kycloud::app
