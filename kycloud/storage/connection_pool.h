// ConnectionPool<C>: a fixed set of connections handed out one transaction at a time. A caller
// blocks while all connections are in use. Used by both backends.
//
// Thread-safety: Acquire()/Release() are safe from any thread.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

namespace kycloud::storage {

template <typename C>
class ConnectionPool {
 public:
  // A checked-out connection, returned to the pool when destroyed.
  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<C> conn) : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (conn_) pool_->Release(std::move(conn_));
    }
    C& operator*() { return *conn_; }
    C* operator->() { return conn_.get(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<C> conn_;
  };

  void Add(std::unique_ptr<C> conn) { Release(std::move(conn)); }

  Lease Acquire() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !idle_.empty(); });
    std::unique_ptr<C> conn = std::move(idle_.back());
    idle_.pop_back();
    return Lease(this, std::move(conn));
  }

 private:
  void Release(std::unique_ptr<C> conn) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      idle_.push_back(std::move(conn));
    }
    cv_.notify_one();
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<C>> idle_;
};

}  // namespace kycloud::storage
