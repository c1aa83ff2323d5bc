#include "kycloud/screening/index_holder.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <vector>

#include "kycloud/base/log.h"
#include "kycloud/lists/list_loader.h"

namespace kycloud::screening {

IndexHolder::~IndexHolder() {
  {
    std::lock_guard<std::mutex> lock(watch_mu_);
    stopping_ = true;
  }
  watch_cv_.notify_all();
  if (watcher_.joinable()) watcher_.join();
  if (loader_.joinable()) loader_.join();
}

std::string IndexHolder::DirectoryStamp(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<std::string> rows;
  for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code file_ec;
    if (!it->is_regular_file(file_ec)) continue;
    auto size = it->file_size(file_ec);
    auto mtime = it->last_write_time(file_ec).time_since_epoch().count();
    rows.push_back(
        fmt::format("{}\t{}\t{}", fs::relative(it->path(), dir, file_ec).string(), size, mtime));
  }
  if (ec) rows.push_back("error: " + ec.message());
  std::sort(rows.begin(), rows.end());
  std::string stamp;
  for (const auto& r : rows) stamp += r + "\n";
  return stamp;
}

Result<bool> IndexHolder::Reload(const std::string& dir, bool force) {
  std::lock_guard<std::mutex> lock(reload_mu_);
  std::string stamp = DirectoryStamp(dir);
  if (!force && stamp == loaded_stamp_) return false;
  std::string before = Get() ? Get()->snapshot().hash() : "";
  KY_LOG_INFO("list directory {} changed; reloading", dir);
  loaded_stamp_ = stamp;  // a broken directory is not retried until it changes again
  KY_TRY(LoadLocked(dir));
  return Get()->snapshot().hash() != before;
}

void IndexHolder::Watch(std::string dir, std::chrono::milliseconds interval) {
  watcher_ = std::thread([this, dir = std::move(dir), interval] {
    std::unique_lock<std::mutex> lock(watch_mu_);
    while (!watch_cv_.wait_for(lock, interval, [this] { return stopping_; })) {
      lock.unlock();
      (void)Reload(dir, false);
      lock.lock();
    }
  });
}

Status IndexHolder::Load(const std::string& dir) {
  std::lock_guard<std::mutex> lock(reload_mu_);
  loaded_stamp_ = DirectoryStamp(dir);
  return LoadLocked(dir);
}

Status IndexHolder::LoadLocked(const std::string& dir) {
  auto start = std::chrono::steady_clock::now();
  auto snap = lists::LoadListDirectory(dir);
  Status st = snap.has_value() ? OkStatus() : snap.error();
  if (st.ok()) {
    auto index = ScreeningIndex::Build(std::make_shared<lists::ListSnapshot>(std::move(*snap)));
    double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    KY_LOG_EVENT(kInfo, "lists loaded",
                 {{"directory", dir},
                  {"hash", index->snapshot().hash()},
                  {"entities", std::to_string(index->snapshot().entities().size())},
                  {"ms", fmt::format("{:.0f}", ms)}});
    auto previous = Get();
    bool changed = !previous || previous->snapshot().hash() != index->snapshot().hash();
    Set(index);
    if (changed && on_loaded_) on_loaded_(index, previous);
  } else {
    KY_LOG_ERROR("loading lists from {} failed: {}", dir, st.ToString());
  }
  std::lock_guard<std::mutex> lock(mu_);
  last_error_ = st;
  return st;
}

void IndexHolder::LoadInBackground(std::string dir) {
  if (loader_.joinable()) loader_.join();
  loader_ = std::thread([this, dir = std::move(dir)] { (void)Load(dir); });
}

Status IndexHolder::last_error() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_error_;
}

}  // namespace kycloud::screening
