// MemoryDispositionStore: an in-memory DispositionStore for tests. It passes the same conformance
// suite as SqlDispositionStore.
//
// Thread-safety: as DispositionStore (one mutex).
#pragma once

#include <map>
#include <mutex>
#include <tuple>

#include "kycloud/storage/disposition_store.h"

namespace kycloud::storage {

class MemoryDispositionStore final : public DispositionStore {
 public:
  Status Put(const DispositionRecord& d) override;
  Result<std::vector<DispositionRecord>> ForSubjects(
      const std::vector<std::string>& subjects) override;

 private:
  std::mutex mu_;
  std::map<std::tuple<std::string, std::string, std::string>, DispositionRecord> rows_;
};

}  // namespace kycloud::storage
