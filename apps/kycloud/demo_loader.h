// The demonstration data of `kycloud serve --demo`: a simulated population (simulation/
// population.h: independent customers, shell networks with split training runs, resellers whose
// end users are really in China) onboarded through the service's own paths — CIP onboarding with
// screening and account linking, the access log, the usage ledger — so that a new user sees alerts,
// cases, linked groups and compute crossings on first start. Two organisations take the names of
// listed organisations (true hits) and two individuals the names of listed persons with their own
// birth dates (hits an officer can dispose of as false positives).
//
// Loaded only into a database without customers; a database that has any is left as it is.
//
// Thread-safety: runs on one thread; the targets are the service's, safe from many.
#pragma once

#include <functional>
#include <string>

#include "kycloud/base/clock.h"
#include "kycloud/base/result.h"
#include "kycloud/cip/access_log.h"
#include "kycloud/cip/onboarding.h"
#include "kycloud/metering/usage_ledger.h"
#include "kycloud/provisioning/provisioning_service.h"
#include "kycloud/screening/index_holder.h"
#include "kycloud/storage/customer_store.h"

namespace kycloud::app {

struct DemoTargets {
  cip::Onboarding& onboarding;
  cip::AccessLog& access;
  metering::UsageLedger& ledger;
  const screening::IndexHolder& lists;
  storage::CustomerStore& customers;
  const Clock& clock;
  // Asked once per account with usage for more of the accelerators it used, so that customers
  // have an authorization history (recorded through the service's decision log).
  const provisioning::ProvisioningService& provisioning;
};

struct DemoSummary {
  bool loaded = false;  // false: the database already had customers
  size_t customers = 0;
  size_t listed_names = 0;  // customers named as list entities
  size_t access_events = 0;
  size_t usage_records = 0;
  size_t crossings = 0;       // compute tiers crossed
  size_t authorizations = 0;  // provisioning decisions asked for
  size_t errors = 0;          // records refused (logged)
};

// Simulates `customers` customers (seed 42, activity ending today) and onboards them. Waits for
// the lists (screening needs them) and returns early when `stop` says so. Errors: the
// simulation's; Unavailable when the lists never load before `stop`.
Result<DemoSummary> LoadDemo(const DemoTargets& t, size_t customers,
                             const std::function<bool()>& stop);

}  // namespace kycloud::app
