// kycloud match-names and kycloud screen: the batch screening contracts of ARCHITECTURE.md.
//
//   match-names --input PAIRS.csv [--output OUT.csv] [--threshold T] [--lists DIR]
//       CSV with header; name1, name2 and optional schema; other columns pass through; adds
//       score (0..1) and match (true/false at the threshold).
//   screen --input QUERIES.csv|.jsonl [--lists DIR] [--threshold T] [--limit N]
//       one JSON line per query, in input order:
//       {"query": {...}, "hits": [{list, entity_id, name, matched_name, score, explanation}],
//        "lists_hash": "..."}
//   --algorithm ofac (both): OFAC Sanctions List Search parity (screening/ofac_scorer.h), name
//       only; score = the SLS score / 100, 0 where SLS would not retrieve the name.
// Both use every core, show progress on stderr, and report a bad row with its line number and go
// on (--strict stops at the first one, exit 1).
#include <algorithm>
#include <cmath>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "commands.h"
#include "kycloud/base/csv_reader.h"
#include "kycloud/base/progress.h"
#include "kycloud/lists/list_loader.h"
#include "kycloud/lists/source_file.h"
#include "kycloud/screening/screener.h"
#include "kycloud/server/screening_batch.h"
#include "kycloud/server/screening_json.h"

namespace kycloud::app {

namespace {

using nlohmann::json;

struct BatchFlags {
  std::string input, output, lists_dir;
  double threshold = screening::kDefaultThreshold;
  size_t limit = 10;
  bool strict = false;
  unsigned threads = 0;
  std::string algorithm = "engine";
  bool ofac() const { return algorithm == "ofac"; }
};

std::shared_ptr<const lists::ListSnapshot> LoadSnapshot(const std::string& dir) {
  auto snap = lists::LoadListDirectory(dir.empty() ? DefaultListsDir() : dir);
  if (!snap) Fail(snap.error());
  return std::make_shared<lists::ListSnapshot>(std::move(*snap));
}

std::shared_ptr<const screening::ScreeningIndex> LoadIndex(const std::string& dir) {
  return screening::ScreeningIndex::Build(LoadSnapshot(dir));
}

// Runs fn(i) for i in [0, n) on `threads` threads, reporting progress.
template <typename Fn>
void ParallelFor(size_t n, unsigned threads, std::string_view label, Fn fn) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  auto progress =
      ProgressReporter::ForStderr({.label = std::string(label), .total = n, .unit = "rows"});
  std::atomic<size_t> next{0};
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (size_t i; (i = next.fetch_add(1)) < n;) {
        fn(i);
        progress.Add();
      }
    });
  }
  for (auto& t : pool) t.join();
  progress.Finish();
}

std::string ReadInputOrFail(const std::string& path) {
  auto data = lists::ReadListFile(path);
  if (!data) Fail(data.error());
  return lists::ToCleanUtf8(std::move(*data));
}

void AddBatchOptions(CLI::App& cmd, BatchFlags& f) {
  cmd.add_option("--input", f.input, "input file")->required();
  cmd.add_option("--lists", f.lists_dir,
                 "load every list file in DIR instead of the bundled lists");
  cmd.add_option("--threshold", f.threshold, "match threshold (default: the engine's recommended)")
      ->check(CLI::Range(0.0, 1.0));
  cmd.add_flag("--strict", f.strict, "stop at the first bad row (exit 1)");
  cmd.add_option("--threads", f.threads, "worker threads (default: all cores)");
  cmd.add_option("--algorithm", f.algorithm,
                 "engine (default) or ofac: reproduce OFAC's Sanctions List Search scores")
      ->check(CLI::IsMember({"engine", "ofac"}));
}

void RunMatchNames(const BatchFlags& f) {
  std::string text = ReadInputOrFail(f.input);
  auto read = server::ReadNamePairs(text, f.input);
  if (!read) Fail(read.error());
  const std::vector<std::string>& header = read->header;
  const int c1 = read->name1, c2 = read->name2;
  struct Row {
    server::NamePairRow in;
    double score = 0;
  };
  std::vector<Row> rows;
  for (server::NamePairRow& r : read->rows) {
    if (!r.error.empty()) {
      std::cerr << "error: " << r.error << std::endl;
      if (f.strict) throw CLI::RuntimeError(1);
    }
    // An unterminated quote: the rest of the file was one broken field, reported above.
    if (read->truncated && &r == &read->rows.back()) break;
    rows.push_back({std::move(r)});
  }
  // The OFAC-parity scorer needs no lists (no token weights).
  auto index = f.ofac() ? nullptr : LoadIndex(f.lists_dir);
  ParallelFor(rows.size(), f.threads, "match-names", [&](size_t i) {
    Row& r = rows[i];
    if (!r.in.error.empty()) return;
    if (f.ofac()) {
      r.score = std::max(0, screening::OfacScore(r.in.fields[c1], r.in.fields[c2])) / 100.0;
    } else {
      r.score = screening::MatchNames(*index, r.in.fields[c1], r.in.fields[c2], r.in.schema).score;
    }
  });
  std::ofstream file;
  std::ostream& out = OutputOrFail(f.output, file);
  for (size_t i = 0; i < header.size(); ++i) out << (i ? "," : "") << CsvQuote(header[i]);
  out << ",score,match\n";
  size_t bad = 0;
  for (const Row& r : rows) {
    if (!r.in.error.empty()) {
      ++bad;
      continue;
    }
    for (size_t i = 0; i < r.in.fields.size(); ++i) {
      out << (i ? "," : "") << CsvQuote(r.in.fields[i]);
    }
    out << fmt::format(",{:.4f},{}\n", r.score, r.score >= f.threshold ? "true" : "false");
  }
  out.flush();
  if (bad > 0) std::cerr << bad << " bad rows skipped" << std::endl;
}

struct Query : server::BatchQuery {
  std::vector<screening::Hit> hits;
};

std::vector<Query> ReadQueries(const BatchFlags& f) {
  std::string text = ReadInputOrFail(f.input);
  const bool jsonl = f.input.ends_with(".jsonl") || f.input.ends_with(".jsonl.gz") ||
                     f.input.ends_with(".ndjson") || (!text.empty() && text[0] == '{');
  auto read = server::ReadBatchQueries(text, f.input, jsonl);
  if (!read) Fail(read.error());
  std::vector<Query> out;
  out.reserve(read->size());
  for (server::BatchQuery& q : *read) out.push_back(Query{std::move(q), {}});
  return out;
}

void RunScreen(const BatchFlags& f) {
  std::vector<Query> queries = ReadQueries(f);
  size_t bad = 0;
  for (const auto& q : queries) {
    if (q.error.empty()) continue;
    ++bad;
    std::cerr << "error: " << q.error << std::endl;
    if (f.strict) throw CLI::RuntimeError(1);
  }
  std::shared_ptr<const screening::ScreeningIndex> index;
  std::shared_ptr<const screening::OfacIndex> ofac;
  if (f.ofac()) {
    ofac = screening::OfacIndex::Build(LoadSnapshot(f.lists_dir));
  } else {
    index = LoadIndex(f.lists_dir);
  }
  screening::ScreenOptions options{.threshold = f.threshold, .limit = f.limit};
  int min_ofac_score = static_cast<int>(std::ceil(f.threshold * 100 - 1e-9));
  std::vector<std::vector<screening::OfacIndex::Hit>> ofac_hits(f.ofac() ? queries.size() : 0);
  ParallelFor(queries.size(), f.threads, "screen", [&](size_t i) {
    if (!queries[i].error.empty()) return;
    if (ofac) {
      ofac_hits[i] = ofac->Search(queries[i].query.name, min_ofac_score, f.limit);
    } else {
      queries[i].hits = screening::Screen(*index, queries[i].query, options);
    }
  });
  const std::string& hash = ofac ? ofac->snapshot().hash() : index->snapshot().hash();
  for (size_t i = 0; i < queries.size(); ++i) {
    const Query& q = queries[i];
    json line = {{"query", q.original}};
    if (!q.error.empty()) {
      line["error"] = q.error;
    } else {
      json hits = json::array();
      if (ofac) {
        for (const auto& h : ofac_hits[i]) hits.push_back(server::OfacHitJson(*ofac, h));
      } else {
        for (const auto& h : q.hits) hits.push_back(server::HitJson(*index, h));
      }
      line["hits"] = std::move(hits);
    }
    line["lists_hash"] = hash;
    std::cout << line.dump(-1, ' ', false, json::error_handler_t::replace) << "\n";
  }
  std::cout.flush();
  if (bad > 0) std::cerr << bad << " bad rows reported" << std::endl;
}

}  // namespace

void RegisterScreeningCommands(CLI::App& app) {
  auto match = std::make_shared<BatchFlags>();
  auto* m = app.add_subcommand("match-names", "Score name pairs from a CSV (name1,name2[,schema])");
  AddBatchOptions(*m, *match);
  m->add_option("--output", match->output, "output CSV (default: stdout)");
  m->callback([match] { RunMatchNames(*match); });

  auto screen = std::make_shared<BatchFlags>();
  auto* s = app.add_subcommand("screen", "Screen parties (CSV or JSON lines) against the lists");
  AddBatchOptions(*s, *screen);
  s->add_option("--limit", screen->limit, "most hits per query (default 10)");
  s->callback([screen] { RunScreen(*screen); });
}

}  // namespace kycloud::app
