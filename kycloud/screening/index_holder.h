// IndexHolder: the screening index currently in force, swapped atomically when lists change.
// Readers take a shared_ptr snapshot for the duration of a request, so a swap never disturbs a
// request in flight and an old index is freed when its last reader is done. Loading happens off
// the request path (LoadInBackground); until the first index is in place, Get() returns null and
// the service reports itself not ready. Reload()/Watch() pick up a list directory whose files
// changed (as `kycloud lists update` does): the new index replaces the old one only when it
// loaded cleanly.
//
// Thread-safety: all methods are safe from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "kycloud/base/result.h"
#include "kycloud/base/status.h"
#include "kycloud/screening/screening_index.h"

namespace kycloud::screening {

class IndexHolder {
 public:
  IndexHolder() = default;
  ~IndexHolder();

  std::shared_ptr<const ScreeningIndex> Get() const { return index_.load(); }
  void Set(std::shared_ptr<const ScreeningIndex> index) { index_.store(std::move(index)); }

  // Called (on the loading thread) with every index that loaded cleanly and replaced another
  // (`before`) or none (null), e.g. to record the list publication in the audit log or to
  // re-screen customers. Set before loading.
  using LoadedFn = std::function<void(std::shared_ptr<const ScreeningIndex> now,
                                      std::shared_ptr<const ScreeningIndex> before)>;
  void OnLoaded(LoadedFn fn) { on_loaded_ = std::move(fn); }

  // Loads every list in `dir` and builds the index on a background thread, then Set()s it.
  // A failure is kept in last_error() and logged; the previous index stays in force.
  void LoadInBackground(std::string dir);
  // Loads synchronously. Errors as LoadListDirectory.
  Status Load(const std::string& dir);
  Status last_error() const;

  // Loads `dir` again when its files (names, sizes, modification times) differ from those of the
  // last load through Reload/Load, or always when `force`. Returns whether a new index was set.
  // Errors as Load; the previous index then stays in force.
  Result<bool> Reload(const std::string& dir, bool force);
  // Polls `dir` every `interval` on a background thread (Reload without force) until the holder
  // is destroyed. Call at most once.
  void Watch(std::string dir, std::chrono::milliseconds interval);

 private:
  static std::string DirectoryStamp(const std::string& dir);
  Status LoadLocked(const std::string& dir);  // requires reload_mu_
  std::atomic<std::shared_ptr<const ScreeningIndex>> index_;
  mutable std::mutex mu_;
  Status last_error_;
  std::string loaded_stamp_;  // DirectoryStamp of the last load attempt; guarded by reload_mu_
  std::mutex reload_mu_;      // one load at a time
  std::thread loader_;
  std::mutex watch_mu_;
  std::condition_variable watch_cv_;
  bool stopping_ = false;
  std::thread watcher_;
  LoadedFn on_loaded_;
};

}  // namespace kycloud::screening
