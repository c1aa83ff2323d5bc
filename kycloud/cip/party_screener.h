// PartyScreener: the seam through which onboarding screens a record's parties — the customer's
// names, its beneficial owners, its ultimate parent (R27) — against the sanctions and export lists,
// in two steps so that a refused record raises nothing: Screen() has no side effect; Record()
// raises the alerts for unsuppressed hits (officers' false-positive dispositions suppress a hit
// until the list entity changes) and writes the audit entry. The service implements it over the
// list index, the dispositions and the case manager (server/party_screening.h).
//
// Thread-safety: implementations are safe from many threads.
#pragma once

#include <string>
#include <vector>

#include "kycloud/base/result.h"
#include "kycloud/screening/screener.h"

namespace kycloud::cip {

struct ScreeningOutcome {
  // clear | pending (unsuppressed hits await an officer) | listed (a confirmed match of the
  // customer's own name on a blocking list: a case closed as a true positive)
  std::string status = "clear";
  bool entity_list = false;  // a confirmed match of the customer's own name on the Entity List
  size_t hits = 0;           // unsuppressed hits
  size_t suppressed = 0;     // hits an officer disposed of as false positives
  std::string lists_hash;
  std::vector<screening::ScreeningQuery> queries;
  std::string results_json;            // the hits per query, for Record()
  std::vector<std::string> alert_ids;  // filled by Record()
};

class PartyScreener {
 public:
  virtual ~PartyScreener() = default;
  // Errors: Unavailable while the lists load.
  virtual Result<ScreeningOutcome> Screen(const std::vector<screening::ScreeningQuery>& q) = 0;
  virtual Status Record(ScreeningOutcome& outcome, const std::string& actor) = 0;
};

}  // namespace kycloud::cip
