#include "kycloud/storage/memory_disposition_store.h"

#include <set>

namespace kycloud::storage {

Status MemoryDispositionStore::Put(const DispositionRecord& d) {
  std::lock_guard lock(mu_);
  rows_[{d.subject, d.list, d.entity_id}] = d;
  return OkStatus();
}

Result<std::vector<DispositionRecord>> MemoryDispositionStore::ForSubjects(
    const std::vector<std::string>& subjects) {
  std::set<std::string> wanted(subjects.begin(), subjects.end());
  std::lock_guard lock(mu_);
  std::vector<DispositionRecord> out;
  for (const auto& [key, d] : rows_) {
    if (wanted.count(d.subject)) out.push_back(d);
  }
  return out;
}

}  // namespace kycloud::storage
