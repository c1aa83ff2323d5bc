#include "kycloud/server/connection_queue.h"

namespace kycloud::server {

namespace {
thread_local bool t_shedding = false;
}  // namespace

ConnectionQueue::ConnectionQueue(size_t workers, size_t max_queued, size_t shed_threads)
    : max_queued_(max_queued) {
  for (size_t i = 0; i < std::max<size_t>(1, workers); ++i) {
    work_.threads.emplace_back([this] { Run(work_, false); });
  }
  for (size_t i = 0; i < std::max<size_t>(1, shed_threads); ++i) {
    shed_lane_.threads.emplace_back([this] { Run(shed_lane_, true); });
  }
}

ConnectionQueue::~ConnectionQueue() { shutdown(); }

bool ConnectionQueue::Shedding() { return t_shedding; }

void ConnectionQueue::enqueue(std::function<void()> fn) {
  {
    std::lock_guard lock(work_.mu);
    if (work_.jobs.size() < max_queued_) {
      work_.jobs.push_back(std::move(fn));
      work_.cv.notify_one();
      return;
    }
  }
  shed_.fetch_add(1, std::memory_order_relaxed);
  {
    std::lock_guard lock(shed_lane_.mu);
    if (shed_lane_.jobs.size() < max_queued_) {
      shed_lane_.jobs.push_back(std::move(fn));
      shed_lane_.cv.notify_one();
      return;
    }
  }
  // Both lanes full: answer here, on the accepting thread (which stops accepting meanwhile).
  t_shedding = true;
  fn();
  t_shedding = false;
}

void ConnectionQueue::Run(Lane& lane, bool shedding) {
  t_shedding = shedding;
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(lane.mu);
      lane.cv.wait(lock, [&] { return stopping_ || !lane.jobs.empty(); });
      if (lane.jobs.empty()) return;  // stopping, and the queue is drained
      job = std::move(lane.jobs.front());
      lane.jobs.pop_front();
    }
    job();
  }
}

void ConnectionQueue::shutdown() {
  for (Lane* lane : {&work_, &shed_lane_}) {
    {
      std::lock_guard lock(lane->mu);
      stopping_ = true;
    }
    lane->cv.notify_all();
  }
  for (Lane* lane : {&work_, &shed_lane_}) {
    for (std::thread& t : lane->threads) {
      if (t.joinable()) t.join();
    }
  }
}

}  // namespace kycloud::server
