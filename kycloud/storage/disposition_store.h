// DispositionStore: officers' decisions about screening hits. A disposition says that a hit — a
// screened subject against one list entity — is a false positive, with a reason; the same hit is
// then reported as suppressed (still visible, not alerting) for as long as the list entity keeps
// the content it had when the decision was taken (its fingerprint, lists::ListSnapshot::
// EntityFingerprint). A later disposition of the same hit replaces the earlier one.
//
// Thread-safety: implementations are safe to use from many threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kycloud/base/result.h"
#include "kycloud/base/time.h"

namespace kycloud::storage {

struct DispositionRecord {
  std::string subject;             // screening::SubjectKey of the screened party
  std::string list;                // list id, e.g. "us_ofac_sdn"
  std::string entity_id;           // the entity's id within the list
  std::string entity_fingerprint;  // the entity's content when decided
  std::string decision;            // "false_positive" | "true_match" (a case closed as a true
                                   // positive, four-eyes: the subject is listed)
  std::string reason;              // the officer's words
  std::string decided_by;          // API key id (or "cli")
  Timestamp decided_at;
  friend bool operator==(const DispositionRecord&, const DispositionRecord&) = default;
};

class DispositionStore {
 public:
  virtual ~DispositionStore() = default;
  // Inserts or replaces the disposition of (subject, list, entity_id).
  virtual Status Put(const DispositionRecord& d) = 0;
  // The dispositions of these subjects (any order of input; output by subject, list, entity).
  virtual Result<std::vector<DispositionRecord>> ForSubjects(
      const std::vector<std::string>& subjects) = 0;
};

}  // namespace kycloud::storage
