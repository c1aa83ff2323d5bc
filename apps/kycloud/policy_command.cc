// `kycloud policy validate|show|diff|simulate`: the policy files as versioned data
// (docs/policy.md).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "kycloud/compute/compute_policy.h"
#include "kycloud/policy/authorizer.h"
#include "kycloud/policy/policy_data.h"
#include "kycloud/policy/policy_diff.h"
#include "kycloud/policy/reevaluation.h"
#include "kycloud/provisioning/provisioning_service.h"
#include "policy_files.h"

namespace kycloud::app {

namespace {

using json = nlohmann::json;

policy::Date DateOrFail(const std::string& text) {
  if (text.empty()) return std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
  auto d = policy::ParseDate(text);
  if (!d) Fail(d.error().WithField("--at"), 2);
  return *d;
}

void Show(const policy::Policy& p, policy::Date at, bool as_json) {
  if (as_json) {
    std::cout << json::parse(provisioning::PolicyJson(p, at)).dump(2) << "\n";
    return;
  }
  std::cout << fmt::format("policy {} (sha256 {}) on {}\n\n", p.Id(), p.hash(),
                           policy::FormatDate(at));
  std::cout << fmt::format("{:<28} {:<10} {:<24} {}\n", "REGIME", "EFFECTIVE", "ON THAT DATE",
                           "TITLE");
  for (const auto& r : p.regimes()) {
    std::cout << fmt::format("{:<28} {:<10} {:<24} {}\n", r.id, policy::FormatDate(r.effective),
                             r.StatusAt(at), r.title);
  }
  std::cout << "\nCOUNTRY GROUPS\n";
  for (const auto& g : p.groups()) {
    std::cout << fmt::format("  {:<20} {}\n", g.id, fmt::join(g.countries, " "));
  }
  std::cout << "\nEMBARGOES\n";
  for (const auto& e : p.embargoes()) {
    std::cout << fmt::format("  {:<16} {}{} {}\n", e.id, e.country,
                             e.region.empty() ? "" : "/" + e.region,
                             e.ActiveAt(at) ? "active" : "not active");
  }
  std::cout << fmt::format("\nSPECIAL MEASURES ({})\n", p.special_measures().size());
  for (const auto& m : p.special_measures()) {
    std::cout << fmt::format(
        "  {:<16} {} {} {}..{} {}\n", m.id, policy::ActionName(m.action),
        m.jurisdiction.empty() ? fmt::format("{}", fmt::join(m.persons, ",")) : m.jurisdiction,
        policy::FormatDate(m.effective), policy::FormatDate(m.expires),
        m.ActiveAt(at) ? "active" : "not active");
  }
  std::cout << "\nACCELERATOR LEGAL STATUS (overrides the numeric test)\n";
  for (const auto& a : p.accelerator_statuses()) {
    std::cout << fmt::format("  {:<32} {}\n", a.name, a.eccn);
  }
}

// Parties from JSON lines; a bad line is reported with its number and skipped.
policy::PartyDirectory ReadParties(const std::string& path, size_t* bad) {
  const std::string text = ReadFileOrFail(path, "customers");
  policy::PartyDirectory dir;
  size_t line_no = 0, start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + start, end - start);
    start = end + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    auto p = policy::ParsePartyFacts(line);
    if (!p) {
      fmt::print(stderr, "{}:{}: {}\n", path, line_no, p.error().message());
      ++*bad;
      continue;
    }
    dir.Put(std::move(*p));
  }
  return dir;
}

}  // namespace

void RegisterPolicyCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("policy", "Policy versions: validate, show, diff, simulate");
  cmd->require_subcommand(1);

  auto dir = std::make_shared<std::string>();
  auto* validate = cmd->add_subcommand(
      "validate", "Check a policy directory (default: the bundled policy); exit 1 on an error");
  validate->add_option("DIR", *dir, "a directory of policy *.toml files");
  validate->callback([dir] {
    auto p = LoadPolicy(*dir);
    if (!p) Fail(p.error());
    fmt::print(
        "ok: policy {} — {} regimes, {} country groups, {} embargoes, {} special measures, "
        "{} accelerator statuses, {} regions\n",
        p->Id(), p->regimes().size(), p->groups().size(), p->embargoes().size(),
        p->special_measures().size(), p->accelerator_statuses().size(), p->regions().size());
  });

  auto show_dir = std::make_shared<std::string>();
  auto at = std::make_shared<std::string>();
  auto as_json = std::make_shared<bool>(false);
  auto* show = cmd->add_subcommand("show", "Print a policy version and what applies on a date");
  show->add_option("DIR", *show_dir, "a policy directory (default: the bundled policy)");
  show->add_option("--at", *at, "the date (YYYY-MM-DD; default today)");
  show->add_flag("--json", *as_json, "one JSON document");
  show->callback([show_dir, at, as_json] {
    auto p = LoadPolicy(*show_dir);
    if (!p) Fail(p.error());
    Show(*p, DateOrFail(*at), *as_json);
  });

  auto a = std::make_shared<std::string>(), b = std::make_shared<std::string>();
  auto* diff = cmd->add_subcommand("diff", "What changes from policy A to policy B");
  diff->add_option("A", *a, "a policy directory, or 'bundled'")->required();
  diff->add_option("B", *b, "a policy directory, or 'bundled'")->required();
  diff->callback([a, b] {
    auto pa = LoadPolicy(*a);
    if (!pa) Fail(pa.error());
    auto pb = LoadPolicy(*b);
    if (!pb) Fail(pb.error());
    fmt::print("policy {} -> {}\n", pa->Id(), pb->Id());
    auto lines = policy::DiffPolicies(*pa, *pb);
    for (const std::string& l : lines) fmt::print("{}\n", l);
    fmt::print(stderr, "{} change(s)\n", lines.size());
  });

  struct SimFlags {
    std::string policy, base, customers, at;
  };
  auto sim = std::make_shared<SimFlags>();
  auto* simulate = cmd->add_subcommand(
      "simulate",
      "Shadow mode: which customers' standing a new policy would change, before publishing it");
  simulate->add_option("--policy", sim->policy, "the new policy directory")->required();
  simulate->add_option("--base", sim->base, "the policy in force (default: the bundled policy)");
  simulate->add_option("--customers", sim->customers, "customers' facts, JSON lines")->required();
  simulate->add_option("--at", sim->at, "the date (YYYY-MM-DD; default today)");
  simulate->callback([sim] {
    auto base = LoadPolicy(sim->base);
    if (!base) Fail(base.error());
    auto next = LoadPolicy(sim->policy);
    if (!next) Fail(next.error());
    size_t bad = 0;
    const policy::PartyDirectory parties = ReadParties(sim->customers, &bad);
    const policy::Date date = DateOrFail(sim->at);
    auto changes = policy::Reevaluate(*base, *next, parties, date);
    for (const auto& c : changes) std::cout << provisioning::StandingChangeJson(c) << "\n";
    fmt::print(stderr, "{} -> {} on {}: {} of {} customers change ({} bad lines)\n", base->Id(),
               next->Id(), policy::FormatDate(date), changes.size(), parties.size(), bad);
    if (bad > 0) throw CLI::RuntimeError(1);
  });
}

}  // namespace kycloud::app
