#include "demo_loader.h"

#include <fmt/format.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "kycloud/base/log.h"
#include "kycloud/cip/customer_json.h"
#include "kycloud/compute/usage_parsers.h"
#include "kycloud/policy/authorizer.h"
#include "kycloud/simulation/population.h"

namespace kycloud::app {

namespace {

using json = nlohmann::json;

// The primary names of the first `n` entities of `list` with a schema `person` or not.
std::vector<std::string> ListedNames(const screening::ScreeningIndex& index,
                                     const std::string& list, bool person, size_t n) {
  std::vector<std::string> out;
  for (const lists::ListEntity& e : index.snapshot().entities()) {
    if (out.size() >= n) break;
    if (e.list != list || e.names.empty()) continue;
    const bool is_person = e.schema == lists::Schema::kPerson;
    if (is_person == person && e.primary_name().size() >= 8) out.push_back(e.primary_name());
  }
  return out;
}

}  // namespace

Result<DemoSummary> LoadDemo(const DemoTargets& t, size_t customers,
                             const std::function<bool()>& stop) {
  DemoSummary s;
  KY_ASSIGN_OR_RETURN(auto existing, t.customers.List({.limit = 1}));
  if (!existing.empty()) return s;
  while (!t.lists.Get()) {
    if (stop()) return Err(UnavailableError("the lists did not load; no demo data"));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const auto index = t.lists.Get();
  simulation::SimulationOptions o;
  o.customers = customers;
  o.seed = 42;
  o.as_of = policy::FormatDate(policy::Today(t.clock));
  o.days = 90;
  o.shell_share = 0.05;
  o.reseller_share = 0.05;
  KY_ASSIGN_OR_RETURN(simulation::Population p, simulation::Simulate(o));

  // Two organisations named as listed organisations, two individuals as listed persons.
  std::vector<std::string> orgs = ListedNames(*index, "us_ofac_sdn", false, 2);
  std::vector<std::string> persons = ListedNames(*index, "us_ofac_sdn", true, 2);
  for (simulation::SimulatedCustomer& c : p.customers) {
    if (c.role != simulation::Role::kIndependent || c.record.names.empty()) continue;
    std::vector<std::string>& names = c.record.kind == "individual" ? persons : orgs;
    if (names.empty()) continue;
    c.record.names[0].full = names.back();
    names.pop_back();
    ++s.listed_names;
  }

  const auto started = std::chrono::steady_clock::now();
  for (const simulation::SimulatedCustomer& c : p.customers) {
    if (stop()) return s;
    auto r = t.onboarding.Create(cip::CustomerJson(c.record), "demo-" + c.record.id, "demo");
    if (!r.has_value()) {
      ++s.errors;
      KY_LOG_WARN("demo: customer {} refused: {}", c.record.id, r.error().ToString());
      continue;
    }
    ++s.customers;
  }
  std::map<std::string, json> events;  // customer -> {"events": [...]}
  for (const simulation::AccessEvent& e : p.access_events) {
    events[e.customer_id]["events"].push_back(
        {{"ip", e.ip}, {"at", FormatRfc3339(e.at)}, {"action", e.action}});
  }
  for (const auto& [id, body] : events) {
    if (stop()) return s;
    auto r = t.access.Record(id, body.dump(), "demo");
    if (!r.has_value()) {
      ++s.errors;
      KY_LOG_WARN("demo: access events of {} refused: {}", id, r.error().ToString());
      continue;
    }
    s.access_events += r->accepted;
  }
  std::string lines;
  for (const simulation::UsageEvent& u : p.usage) lines += simulation::UsageJson(u) + "\n";
  compute::ParsedUsage parsed;
  compute::ParseUsageJsonLines(lines, 1, parsed);
  s.errors += parsed.errors.size();
  constexpr size_t kBatch = 5000;
  for (size_t at = 0; at < parsed.records.size(); at += kBatch) {
    if (stop()) return s;
    std::vector<compute::UsageRecord> batch(
        parsed.records.begin() + static_cast<long>(at),
        parsed.records.begin() + static_cast<long>(std::min(at + kBatch, parsed.records.size())));
    KY_ASSIGN_OR_RETURN(auto applied, t.ledger.Apply(batch, "demo"));
    s.usage_records += applied.accepted;
    s.crossings += applied.crossings.size();
  }
  // One request for more chips per account that trained, in the region it used.
  std::map<std::string, const compute::UsageRecord*> first_use;
  for (const auto& r : parsed.records) first_use.emplace(r.account_id, &r);
  for (const auto& [account, r] : first_use) {
    if (stop()) return s;
    provisioning::AuthorizeInput in;
    in.customer_id = account;
    if (!r->instance_type.empty()) {
      in.instance_type = r->instance_type;
    } else {
      in.accelerator = r->accelerator;
      in.count = 8;
    }
    in.region = r->region;
    auto decided = t.provisioning.Authorize(in);
    if (decided.has_value()) {
      ++s.authorizations;
    } else {
      ++s.errors;
      KY_LOG_WARN("demo: authorizing {} failed: {}", account, decided.error().ToString());
    }
  }
  s.loaded = true;
  KY_LOG_EVENT(
      kInfo, "demo data loaded",
      {{"customers", std::to_string(s.customers)},
       {"shell_networks", std::to_string(p.shell_networks)},
       {"resellers", std::to_string(p.resellers)},
       {"listed_names", std::to_string(s.listed_names)},
       {"access_events", std::to_string(s.access_events)},
       {"usage_records", std::to_string(s.usage_records)},
       {"crossings", std::to_string(s.crossings)},
       {"authorizations", std::to_string(s.authorizations)},
       {"errors", std::to_string(s.errors)},
       {"seconds",
        fmt::format(
            "{:.1f}",
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count())}});
  return s;
}

}  // namespace kycloud::app
