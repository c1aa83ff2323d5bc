// ProgressReporter: the one progress display for long CLI jobs (list loading, batch screening,
// usage ingestion, linking). On a terminal it redraws a bar in place; otherwise (CI, pipes, log
// files) it writes a plain line at a fixed interval. It always writes to its output (stderr in
// the CLI), never to stdout, which carries results.
//
// Thread-safety: Add() may be called from many threads at once; Finish() once, at the end.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "kycloud/base/clock.h"

namespace kycloud {

struct ProgressOptions {
  // Shown before the figures, e.g. "screening". Default: "progress".
  std::string label = "progress";
  // Expected number of units; 0 when unknown (then no percentage or bar is shown).
  std::uint64_t total = 0;
  // Unit name for the rate, e.g. "rows". Default: "items".
  std::string unit = "items";
  // Minimum time between bar redraws on a terminal. Default: 100 ms.
  std::chrono::milliseconds terminal_interval{100};
  // Time between plain lines when the output is not a terminal. Default: 5 s.
  std::chrono::milliseconds line_interval{5000};
};

class ProgressReporter {
 public:
  using WriteFn = std::function<void(std::string_view)>;

  // `terminal` selects the bar (true) or plain lines (false). `write` receives the text.
  ProgressReporter(ProgressOptions options, const Clock& clock, bool terminal, WriteFn write);
  // Writes to stderr, detecting whether it is a terminal.
  static ProgressReporter ForStderr(ProgressOptions options,
                                    const Clock& clock = SystemClock::Default());

  ProgressReporter(ProgressReporter&& other) noexcept;
  ~ProgressReporter();

  void Add(std::uint64_t n = 1);
  // Writes the final figures (always, once). Called by the destructor if not called before.
  void Finish();

  std::uint64_t done() const { return done_.load(); }

 private:
  std::string Render(std::uint64_t done, std::chrono::steady_clock::time_point now) const;

  ProgressOptions options_;
  const Clock* clock_;
  bool terminal_;
  WriteFn write_;
  std::chrono::steady_clock::time_point start_;
  std::atomic<std::uint64_t> done_{0};
  std::atomic<std::int64_t> next_report_us_{0};
  std::mutex write_mu_;
  bool finished_ = false;
};

}  // namespace kycloud
