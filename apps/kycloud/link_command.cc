// `kycloud link --input RECORDS.csv --fields MAPPING [--output CLUSTERS.csv]`: batch account
// linking (docs/linking.md). Writes `record_id,cluster_id` (a header, then one row per input
// record, in input order; a cluster is named by its smallest record id). Options:
//   --threshold P        match probability at which two records link (default 0.95)
//   --pairs FILE         also write the linked pairs with their evidence (JSON lines)
//   --model FILE         also write the fitted model (m, u and weights per level; JSON)
//   --max-block N        keys held by more records form no candidate pairs (default 200)
//   --generic-min N      identifier values held by more records are generic (default 100)
// Progress and timings go to stderr.
#include <fmt/format.h>

#include <fstream>
#include <iostream>

#include "commands.h"
#include "kycloud/base/csv_reader.h"
#include "kycloud/linking/linker.h"
#include "kycloud/linking/record_reader.h"

namespace kycloud::app {

namespace {

struct LinkFlags {
  std::string input, fields, output, pairs, model;
  double threshold = 0.95;
  size_t max_block = 200, generic_min = 100;
};

void RunLink(const LinkFlags& flags) {
  auto mapping = linking::ParseFieldMapping(flags.fields);
  if (!mapping) Fail(mapping.error());
  const std::string text = flags.input == "-"
                               ? std::string(std::istreambuf_iterator<char>(std::cin), {})
                               : ReadFileOrFail(flags.input, "records");
  auto records = linking::ReadLinkRecords(text, *mapping, flags.input);
  if (!records) Fail(records.error());
  linking::LinkOptions options;
  options.threshold = flags.threshold;
  options.strong = std::max(options.strong, flags.threshold);
  options.max_block = flags.max_block;
  options.generic_min = flags.generic_min;
  options.keep_pairs = !flags.pairs.empty();
  auto result = linking::Link(*records, {}, options);
  if (!result) Fail(result.error());

  std::ofstream file;
  std::ostream& out = OutputOrFail(flags.output, file);
  out << "record_id,cluster_id\n";
  size_t clusters = 0;
  for (size_t i = 0; i < result->records.size(); ++i) {
    const std::uint32_t g = result->group[i];
    clusters += g == i;
    out << CsvQuote(result->records[i].id) << ',' << CsvQuote(result->records[g].id) << '\n';
  }
  if (!out.flush()) Fail(UnavailableError("cannot write " + flags.output));
  if (!flags.pairs.empty()) {
    std::ofstream pairs(flags.pairs);
    for (const auto& p : result->pairs) pairs << linking::ExplainPair(*result, p) << '\n';
    if (!pairs.flush()) Fail(UnavailableError("cannot write " + flags.pairs));
  }
  if (!flags.model.empty()) {
    std::ofstream model(flags.model);
    model << result->model.Json() << '\n';
    if (!model.flush()) Fail(UnavailableError("cannot write " + flags.model));
  }
  fmt::print(stderr,
             "linked {} records into {} clusters: {} candidate pairs from {} keys ({} generic "
             "keys skipped, {} generic values), {} links at p >= {}; lambda {:.3g} ({:.3g} among "
             "candidates)\n"
             "time: normalise {:.2f} s, block {:.2f} s, compare {:.2f} s, train {:.2f} s, "
             "cluster {:.2f} s\n",
             result->records.size(), clusters, result->blocking.pairs, result->blocking.keys,
             result->blocking.skipped_blocks, result->generic_values, result->pairs.size(),
             flags.threshold, result->model.lambda(), result->model.candidate_lambda(),
             result->seconds_normalise, result->seconds_block, result->seconds_compare,
             result->seconds_train, result->seconds_cluster);
}

}  // namespace

void RegisterLinkCommand(CLI::App& app) {
  auto flags = std::make_shared<LinkFlags>();
  auto* cmd = app.add_subcommand("link", "Link records that belong to one party (batch)");
  cmd->add_option("--input", flags->input, "records CSV (- for stdin)")->required();
  cmd->add_option("--fields", flags->fields,
                  "field=column pairs, comma-separated (id required; docs/linking.md)")
      ->required();
  cmd->add_option("--output", flags->output, "record_id,cluster_id CSV (default stdout)");
  cmd->add_option("--threshold", flags->threshold, "match probability to link (default 0.95)")
      ->check(CLI::Range(0.5, 0.999999));
  cmd->add_option("--pairs", flags->pairs, "write linked pairs with evidence (JSON lines)");
  cmd->add_option("--model", flags->model, "write the fitted model (JSON)");
  cmd->add_option("--max-block", flags->max_block, "largest block that forms pairs (200)")
      ->check(CLI::Range(2, 100000));
  cmd->add_option("--generic-min", flags->generic_min,
                  "identifier values shared by more records are generic (100)")
      ->check(CLI::Range(2, 1000000));
  cmd->callback([flags] { RunLink(*flags); });
}

}  // namespace kycloud::app
