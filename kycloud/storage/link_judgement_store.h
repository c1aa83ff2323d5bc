// LinkJudgementStore: officers' judgements on account links (linking/, R33). A judgement says
// that two customers are the same party ("same") or not, with a reason; it overrides the
// linker's scores and survives every re-link. A later judgement of the same pair replaces the
// earlier one (the audit log keeps the history). Pairs are stored with a < b.
//
// Thread-safety: implementations are safe to use from many threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kycloud/base/result.h"
#include "kycloud/base/time.h"

namespace kycloud::storage {

struct LinkJudgementRecord {
  std::string a, b;  // customer ids, a < b
  bool same = false;
  std::string reason;      // the officer's words
  std::string decided_by;  // API key id (or "cli")
  Timestamp decided_at;
  friend bool operator==(const LinkJudgementRecord&, const LinkJudgementRecord&) = default;
};

class LinkJudgementStore {
 public:
  virtual ~LinkJudgementStore() = default;
  // Inserts or replaces the judgement of (a, b). Errors: InvalidArgument unless a < b.
  virtual Status Put(const LinkJudgementRecord& j) = 0;
  // Every judgement, by (a, b).
  virtual Result<std::vector<LinkJudgementRecord>> All() = 0;
  // The judgements that involve `id`, by (a, b).
  virtual Result<std::vector<LinkJudgementRecord>> Of(std::string_view id) = 0;
};

}  // namespace kycloud::storage
