#include "kycloud/screening/index_holder.h"

#include <chrono>

#include "kycloud/base/log.h"
#include "kycloud/lists/list_loader.h"

namespace kycloud::screening {

IndexHolder::~IndexHolder() {
  if (loader_.joinable()) loader_.join();
}

Status IndexHolder::Load(const std::string& dir) {
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
    Set(std::move(index));
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
