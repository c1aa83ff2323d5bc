#include "kycloud/server/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace kycloud::server {

RateLimiter::RateLimiter(RateLimitOptions options, const Clock& clock)
    : options_(options), clock_(clock) {
  options_.burst = std::max(1.0, options_.burst);
}

RateLimiter::Decision RateLimiter::Take(const std::string& key) {
  if (options_.rate_per_second <= 0) return {};
  const auto now = clock_.Monotonic();
  Shard& shard = shards_[std::hash<std::string>{}(key) % shards_.size()];
  std::lock_guard lock(shard.mu);
  // A bucket idle for longer than it takes to refill is full: forgetting it changes nothing.
  const auto refill = std::chrono::duration<double>(options_.burst / options_.rate_per_second);
  if (now - shard.swept > refill + std::chrono::seconds(1)) {
    std::erase_if(shard.buckets, [&](const auto& kv) { return now - kv.second.at > refill; });
    shard.swept = now;
  }
  auto [it, added] = shard.buckets.try_emplace(key, Bucket{options_.burst, now});
  Bucket& b = it->second;
  if (!added) {
    const double elapsed = std::chrono::duration<double>(now - b.at).count();
    b.tokens = std::min(options_.burst, b.tokens + elapsed * options_.rate_per_second);
    b.at = now;
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return {};
  }
  const double wait = (1 - b.tokens) / options_.rate_per_second;
  return {false, std::chrono::seconds(std::max<long>(1, static_cast<long>(std::ceil(wait))))};
}

size_t RateLimiter::size() const {
  size_t n = 0;
  for (const Shard& s : shards_) {
    std::lock_guard lock(s.mu);
    n += s.buckets.size();
  }
  return n;
}

}  // namespace kycloud::server
