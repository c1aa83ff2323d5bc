// RateLimiter: a token bucket per API key, so that one integrator's runaway loop cannot starve
// the others. Each key may make `burst` requests at once and `rate` per second on average; a
// request over it is refused with 429 and Retry-After: the seconds until a token is back. Each
// instance keeps its own buckets: behind a load balancer of N instances a key gets up to N
// times the rate (docs/operations.md).
//
// Buckets idle long enough to be full again are dropped, so memory follows the keys active in
// the last minute or so, not all keys ever seen.
//
// Thread-safety: safe from many threads (sharded locks).
#pragma once

#include <array>
#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

#include "kycloud/base/clock.h"

namespace kycloud::server {

struct RateLimitOptions {
  double rate_per_second = 100;  // <= 0: no limit
  double burst = 200;
};

class RateLimiter {
 public:
  // `clock` must outlive the limiter (its monotonic time is used).
  RateLimiter(RateLimitOptions options, const Clock& clock);

  struct Decision {
    bool allowed = true;
    std::chrono::seconds retry_after{0};  // when refused: at least 1
  };
  Decision Take(const std::string& key);
  // Buckets held now (for tests and metrics).
  size_t size() const;

 private:
  struct Bucket {
    double tokens = 0;
    std::chrono::steady_clock::time_point at;
  };
  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<std::string, Bucket> buckets;
    std::chrono::steady_clock::time_point swept;
  };
  RateLimitOptions options_;
  const Clock& clock_;
  std::array<Shard, 16> shards_;
};

}  // namespace kycloud::server
