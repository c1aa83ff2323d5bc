// Population simulator: a synthetic but realistic customer base of a GPU cloud, with its ground
// truth, for demos (`kycloud serve --demo`), tests and benchmarks at any scale
// (`kycloud simulate`, docs/simulation.md).
//
// What it makes, from one seed (the same options give the same population, byte for byte):
//   - independent customers: organisations in 14 countries (names from word lists with each
//     country's legal forms, street addresses, phones valid for the country, corporate e-mail
//     domains, a card or bank account, a beneficial owner) and individuals (names of the
//     country's culture, date of birth, free-mail addresses, a passport number);
//   - shell networks (`shell_share`): a hidden party — most often in China, Hong Kong or Macau —
//     behind 3 to 8 accounts, each a differently named company incorporated elsewhere, each
//     sharing two or more of the party's phone, card, bank account, e-mail domain, office (a
//     virtual office's one address, or suites in one building), IP network and nominee owner;
//   - resellers with end users (`reseller_share`): the reseller declares its end users'
//     countries; some end users are really in China (access from Chinese networks, cards issued
//     there) — the intermediary pattern;
//   - generic values: formation agents' addresses shared by many unrelated companies, a payment
//     processor's token, a cloud NAT address;
//   - access events (login, api, admin) from each customer's networks over `days` days;
//   - usage: ordinary GPU use by some customers, and one split training run per shell network
//     with `split_runs` — the party's accounts each train on one cluster at the same time, each
//     below the first reporting tier, together above it.
//
// Phones are valid for their country (libphonenumber), addresses' countries and IPs agree with
// the bundled geolocation database (tests check both), so `kycloud customers import` accepts
// every record and access countries come out as intended.
//
// Thread-safety: Simulate is a pure function of its options.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kycloud/base/result.h"
#include "kycloud/base/time.h"
#include "kycloud/cip/customer.h"

namespace kycloud::simulation {

struct SimulationOptions {
  size_t customers = 1000;
  std::uint64_t seed = 42;
  std::string as_of = "2026-12-01";  // activity ends at the start of this day (UTC)
  int days = 90;                     // activity spans this many days before `as_of`
  double shell_share = 0.03;         // share of customers in shell networks
  double reseller_share = 0.01;      // share of customers that are resellers' end users
  // How many of the party's identifiers each shell account (after the first) shares with an
  // earlier account of its network: 2 (default: its tie to the network is two facts, which
  // tell it from a co-tenant or a neighbour on the same /24) or 1 (a single shared office or
  // /24 may be all there is: such accounts are indistinguishable from strangers).
  int network_ties = 2;
  bool access_events = true;
  bool usage = true;
  bool split_runs = true;  // one split training run per shell network (with `usage`)
};

enum class Role {
  kIndependent,  // a customer on its own
  kShell,        // one of a hidden party's accounts
  kReseller,     // a reseller
  kEndUser,      // a reseller's declared end user
};
std::string_view RoleName(Role r);

struct SimulatedCustomer {
  cip::Customer record;
  Role role = Role::kIndependent;
  // Ground truth: the hidden party behind the account — its own id unless it is one of a shell
  // network's accounts (then the network's id, shared by all of them).
  std::string party;
  // Where the party really is (ISO alpha-2): a shell network's or a hidden end user's country;
  // else the customer's own.
  std::string true_country;
  std::vector<std::string> ips;  // the addresses it connects from (in its access events)
};

struct AccessEvent {
  std::string customer_id;
  std::string ip;
  Timestamp at;
  std::string action;  // login | api | admin
};

struct UsageEvent {  // one kycloud usage record (docs/usage-records.md)
  std::string record_id, account_id, instance_type, region, cluster;
  int instance_count = 1;
  Timestamp start, end;
};

struct Population {
  std::vector<SimulatedCustomer> customers;  // in id order
  std::vector<AccessEvent> access_events;    // by time
  std::vector<UsageEvent> usage;             // by start
  size_t shell_networks = 0;
  size_t resellers = 0;
};

// Errors: InvalidArgument naming the option (customers 0 or over 100,000,000, shares outside
// [0, 0.5], a bad date, days outside [1, 3650]).
Result<Population> Simulate(const SimulationOptions& options);

// One usage record as a JSON line (no newline), ready for `kycloud ingest usage --format jsonl`.
std::string UsageJson(const UsageEvent& u);
// One access event as a JSON object (`customer_id`, `ip`, `at`, `action`).
std::string AccessEventJson(const AccessEvent& e);

}  // namespace kycloud::simulation
