// IndexHolder: the screening index currently in force, swapped atomically when lists change.
// Readers take a shared_ptr snapshot for the duration of a request, so a swap never disturbs a
// request in flight and an old index is freed when its last reader is done. Loading happens off
// the request path (LoadInBackground); until the first index is in place, Get() returns null and
// the service reports itself not ready.
//
// Thread-safety: all methods are safe from any thread.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "kycloud/base/status.h"
#include "kycloud/screening/screening_index.h"

namespace kycloud::screening {

class IndexHolder {
 public:
  IndexHolder() = default;
  ~IndexHolder();

  std::shared_ptr<const ScreeningIndex> Get() const { return index_.load(); }
  void Set(std::shared_ptr<const ScreeningIndex> index) { index_.store(std::move(index)); }

  // Loads every list in `dir` and builds the index on a background thread, then Set()s it.
  // A failure is kept in last_error() and logged; the previous index stays in force.
  void LoadInBackground(std::string dir);
  // Loads synchronously. Errors as LoadListDirectory.
  Status Load(const std::string& dir);
  Status last_error() const;

 private:
  std::atomic<std::shared_ptr<const ScreeningIndex>> index_;
  mutable std::mutex mu_;
  Status last_error_;
  std::thread loader_;
};

}  // namespace kycloud::screening
