// `kycloud simulate --customers N [--seed S] [--out DIR]`: writes a synthetic population with its
// ground truth (simulation/population.h, docs/simulation.md) into DIR (default ./simulation):
//   customers.jsonl      CIP records (`kycloud customers import`)
//   access_events.jsonl  {customer_id, ip, at, action} (POST /v1/customers/{id}/access-events)
//   usage.jsonl          usage records (`kycloud ingest usage --format jsonl`)
//   accounts.csv         what linking sees of each customer (`kycloud link`), and
//   accounts.fields      the --fields mapping for it
//   truth.csv            customer_id,party_id,role,true_country
// Prints a JSON summary on stdout. The same options give the same files.
#include <fmt/format.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "kycloud/base/csv_reader.h"
#include "kycloud/cip/customer_json.h"
#include "kycloud/cip/customer_link_record.h"
#include "kycloud/simulation/population.h"

namespace kycloud::app {

namespace {

constexpr size_t kMaxColumnsPerField = 3;

struct SimulateFlags {
  simulation::SimulationOptions options;
  std::string out = "simulation";
};

std::ofstream OpenOrFail(const std::filesystem::path& path) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f) Fail(UnavailableError("cannot write " + path.string()));
  return f;
}

void Close(std::ofstream& f, const std::filesystem::path& path) {
  f.close();
  if (f.fail()) Fail(UnavailableError("cannot write " + path.string()));
}

// accounts.csv: one column per field value (field, field_2, field_3), and its mapping.
std::string WriteAccounts(const simulation::Population& p, const std::filesystem::path& dir) {
  std::vector<linking::LinkRecord> records;
  records.reserve(p.customers.size());
  std::array<size_t, linking::kFieldCount> width{};
  for (const auto& c : p.customers) {
    records.push_back(cip::CustomerLinkRecord(c.record, c.ips));
    for (size_t f = 0; f < linking::kFieldCount; ++f) {
      width[f] = std::max(width[f], std::min(records.back().values[f].size(), kMaxColumnsPerField));
    }
  }
  std::string header = "id", mapping = "id=id";
  for (size_t f = 0; f < linking::kFieldCount; ++f) {
    const std::string name(linking::FieldName(static_cast<linking::Field>(f)));
    for (size_t k = 0; k < width[f]; ++k) {
      const std::string column = k == 0 ? name : fmt::format("{}_{}", name, k + 1);
      header += "," + column;
      mapping += "," + name + "=" + column;
    }
  }
  const auto path = dir / "accounts.csv";
  std::ofstream out = OpenOrFail(path);
  out << header << '\n';
  for (const auto& r : records) {
    out << CsvQuote(r.id);
    for (size_t f = 0; f < linking::kFieldCount; ++f) {
      for (size_t k = 0; k < width[f]; ++k) {
        out << ',';
        if (k < r.values[f].size()) out << CsvQuote(r.values[f][k]);
      }
    }
    out << '\n';
  }
  Close(out, path);
  const auto fields_path = dir / "accounts.fields";
  std::ofstream fields = OpenOrFail(fields_path);
  fields << mapping << '\n';
  Close(fields, fields_path);
  return mapping;
}

void RunSimulate(const SimulateFlags& flags) {
  const std::filesystem::path dir(flags.out);
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) Fail(UnavailableError("cannot create " + dir.string() + ": " + ec.message()));
  auto population = simulation::Simulate(flags.options);
  if (!population) Fail(population.error());

  const auto customers_path = dir / "customers.jsonl";
  std::ofstream customers = OpenOrFail(customers_path);
  const auto truth_path = dir / "truth.csv";
  std::ofstream truth = OpenOrFail(truth_path);
  truth << "customer_id,party_id,role,true_country\n";
  for (const auto& c : population->customers) {
    customers << cip::CustomerJson(c.record) << '\n';
    truth << CsvQuote(c.record.id) << ',' << CsvQuote(c.party) << ',' << RoleName(c.role) << ','
          << c.true_country << '\n';
  }
  Close(customers, customers_path);
  Close(truth, truth_path);
  const auto access_path = dir / "access_events.jsonl";
  std::ofstream access = OpenOrFail(access_path);
  for (const auto& e : population->access_events) access << AccessEventJson(e) << '\n';
  Close(access, access_path);
  const auto usage_path = dir / "usage.jsonl";
  std::ofstream usage = OpenOrFail(usage_path);
  for (const auto& u : population->usage) usage << UsageJson(u) << '\n';
  Close(usage, usage_path);
  const std::string mapping = WriteAccounts(*population, dir);

  nlohmann::json summary = {{"out", dir.string()},
                            {"seed", flags.options.seed},
                            {"customers", population->customers.size()},
                            {"shell_networks", population->shell_networks},
                            {"resellers", population->resellers},
                            {"access_events", population->access_events.size()},
                            {"usage_records", population->usage.size()},
                            {"link_fields", mapping}};
  std::cout << summary.dump(2) << '\n';
}

}  // namespace

void RegisterSimulateCommand(CLI::App& app) {
  auto flags = std::make_shared<SimulateFlags>();
  auto* cmd = app.add_subcommand(
      "simulate",
      "Write a synthetic customer population with its ground truth (docs/simulation.md)");
  cmd->add_option("--customers", flags->options.customers, "number of customers")
      ->required()
      ->check(CLI::Range(size_t{1}, size_t{100'000'000}));
  cmd->add_option("--seed", flags->options.seed, "random seed (default 42)");
  cmd->add_option("--out", flags->out, "output directory (default ./simulation)");
  cmd->add_option("--as-of", flags->options.as_of, "activity ends on this date (2026-12-01)");
  cmd->add_option("--days", flags->options.days, "days of activity (90)")
      ->check(CLI::Range(1, 3650));
  cmd->add_option("--shell-share", flags->options.shell_share,
                  "share of customers in shell networks (0.03)")
      ->check(CLI::Range(0.0, 0.5));
  cmd->add_option("--reseller-share", flags->options.reseller_share,
                  "share of customers that are resellers' end users (0.01)")
      ->check(CLI::Range(0.0, 0.5));
  cmd->add_option("--network-ties", flags->options.network_ties,
                  "identifiers each shell account shares with another of its network: 2 "
                  "(default) or 1 (a single shared office or /24 may be all there is)")
      ->check(CLI::Range(1, 2));
  cmd->add_flag("!--no-usage", flags->options.usage, "write no usage records");
  cmd->add_flag("!--no-access-events", flags->options.access_events, "write no access events");
  cmd->callback([flags] { RunSimulate(*flags); });
}

}  // namespace kycloud::app
