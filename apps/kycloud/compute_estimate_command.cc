// kycloud compute estimate --input RUNS.csv [--output OUT.csv] [--explain]
//
// The stable contract (ARCHITECTURE.md): a CSV with columns accelerator,count,hours and optional
// precision (fp32, tf32, bf16, fp16, fp8, int8; empty, "unknown" or "mixed" = not known) and
// utilization (0..1]; accelerator is an Epoch `Hardware name`, a short name (h100, a100-80gb,
// tpu-v5p …), a cloud instance type (count = instances) or TPU slice, or several accelerator
// names separated by commas (the chips split evenly). Every input column is passed through and
// flop_low,flop_central,flop_high,flop_upper_bound,error are added (P5, P50, P95, and dense
// max-precision peak x time). A row that cannot be estimated (unknown accelerator, bad number)
// gets its reason in `error` and empty estimates; the command goes on and exits 0. --explain
// adds accelerator_name,chips,precision_used,family,peak_flop_per_s,method.
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>

#include "commands.h"
#include "kycloud/base/csv_reader.h"
#include "kycloud/compute/estimate_rows.h"
#include "kycloud/compute/estimator.h"

namespace kycloud::app {

namespace {

struct EstimateFlags {
  std::string input, output;
  bool explain = false;
};

std::string Flop(double v) { return fmt::format("{:.6g}", v); }

void RunEstimate(const EstimateFlags& f) {
  std::string text;
  if (f.input == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    text = ReadFileOrFail(f.input, "usage runs");
  }
  CsvReader reader(text, f.input);
  std::vector<std::string> header;
  auto first = reader.Next(header);
  if (!first) Fail(first.error());
  if (!*first) Fail(InvalidArgumentError(f.input + ": empty file"));
  auto columns = compute::EstimateColumnsOf(header, f.input);
  if (!columns) Fail(columns.error());

  std::ofstream file;
  std::ostream& out = OutputOrFail(f.output, file);
  for (size_t i = 0; i < header.size(); ++i) out << (i ? "," : "") << CsvQuote(header[i]);
  out << ",flop_low,flop_central,flop_high,flop_upper_bound,error";
  if (f.explain) out << ",accelerator_name,chips,precision_used,family,peak_flop_per_s,method";
  out << "\n";

  size_t rows = 0, bad = 0;
  std::vector<std::string> row;
  while (true) {
    auto more = reader.Next(row);
    if (!more) {  // an unterminated quote: the rest of the input is one broken field
      std::cerr << "error: " << more.error().message() << std::endl;
      ++bad;
      break;
    }
    if (!*more) break;
    if (row.size() == 1 && TrimSpace(row[0]).empty()) continue;  // a blank line
    ++rows;
    const int line = reader.line();
    std::string error;
    compute::ResolvedHardware hw;
    std::optional<compute::Estimate> e;
    if (row.size() != header.size()) {
      error = fmt::format("expected {} fields, got {}", header.size(), row.size());
      row.resize(header.size());
    } else {
      auto r = compute::EstimateRow(row, *columns, hw);
      if (r) {
        e = *r;
      } else {
        error = std::string(r.error().message());
      }
    }
    for (size_t i = 0; i < row.size(); ++i) out << (i ? "," : "") << CsvQuote(row[i]);
    if (e) {
      out << ',' << Flop(e->low) << ',' << Flop(e->central) << ',' << Flop(e->high) << ','
          << Flop(e->upper_bound) << ',';
    } else {
      ++bad;
      std::cerr << fmt::format("{}:{}: {}\n", f.input, line, error);
      out << ",,,,," << CsvQuote(error);
    }
    if (f.explain) {
      std::string names;
      for (const auto* a : hw.accelerators) names += (names.empty() ? "" : ";") + a->name;
      if (e) {
        out << ',' << CsvQuote(names) << ',' << fmt::format("{:g}", hw.chips) << ','
            << compute::PrecisionName(e->precision_used) << ',' << e->family << ','
            << Flop(e->peak_ops_per_s) << ',' << e->method;
      } else {
        out << ",,,,,,";
      }
    }
    out << '\n';
  }
  out.flush();
  if (!out) Fail(UnavailableError("cannot write the output"));
  std::cerr << fmt::format("estimated {} of {} rows ({} with errors)\n", rows - std::min(bad, rows),
                           rows, bad);
}

}  // namespace

void RegisterComputeEstimateCommand(CLI::App& compute) {
  auto f = std::make_shared<EstimateFlags>();
  auto* cmd = compute.add_subcommand(
      "estimate", "Estimate training operations (P5/P50/P95 and upper bound) for runs in a CSV");
  cmd->add_option("--input", f->input, "CSV with accelerator,count,hours[,precision,utilization]")
      ->required();
  cmd->add_option("--output", f->output, "output CSV (default: stdout)");
  cmd->add_flag("--explain", f->explain,
                "add the accelerator, chips, precision, family, peak and method used");
  cmd->callback([f] { RunEstimate(*f); });
}

}  // namespace kycloud::app
