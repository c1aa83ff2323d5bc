// ConnectionQueue: the HTTP server's worker pool with a bounded wait. A connection is handled by
// one worker for its whole life (keep-alive included); when every worker is busy, new
// connections wait in a queue of at most `max_queued`. Past that the server sheds load instead of
// letting waits grow without bound: the connection goes to a small shedding lane whose requests
// (Shedding() is true on its threads) are answered at once with 429, Retry-After and
// "Connection: close" (health checks and metrics are still answered). When even the shedding
// lane is backed up, the connection is handled on the accepting thread, which stops accepting
// meanwhile: the kernel's listen backlog then pushes back on clients.
//
// Thread-safety: as httplib::TaskQueue (enqueue from the accepting thread, shutdown once).
#pragma once

#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace kycloud::server {

class ConnectionQueue final : public httplib::TaskQueue {
 public:
  // `workers` threads, at most `max_queued` connections waiting for one, and `shed_threads`
  // threads answering the overflow (each with at most `max_queued` waiting too).
  ConnectionQueue(size_t workers, size_t max_queued, size_t shed_threads = 2);
  ~ConnectionQueue() override;

  void enqueue(std::function<void()> fn) override;
  void shutdown() override;

  // True on a thread answering shed connections.
  static bool Shedding();
  // Connections shed since start.
  std::uint64_t shed() const { return shed_.load(); }

 private:
  struct Lane {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<std::function<void()>> jobs;
    std::vector<std::thread> threads;
  };
  void Run(Lane& lane, bool shedding);

  size_t max_queued_;
  Lane work_, shed_lane_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> shed_{0};
};

}  // namespace kycloud::server
