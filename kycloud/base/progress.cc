#include "kycloud/base/progress.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>

namespace kycloud {
namespace {
std::int64_t Micros(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}
}  // namespace

ProgressReporter::ProgressReporter(ProgressOptions options, const Clock& clock, bool terminal,
                                   WriteFn write)
    : options_(std::move(options)),
      clock_(&clock),
      terminal_(terminal),
      write_(std::move(write)),
      start_(clock.Monotonic()) {
  auto interval = terminal_ ? options_.terminal_interval : options_.line_interval;
  next_report_us_ =
      Micros(start_) + std::chrono::duration_cast<std::chrono::microseconds>(interval).count();
}

ProgressReporter ProgressReporter::ForStderr(ProgressOptions options, const Clock& clock) {
  bool tty = ::isatty(STDERR_FILENO) == 1;
  return ProgressReporter(std::move(options), clock, tty, [](std::string_view text) {
    std::fwrite(text.data(), 1, text.size(), stderr);
    std::fflush(stderr);
  });
}

ProgressReporter::ProgressReporter(ProgressReporter&& o) noexcept
    : options_(std::move(o.options_)),
      clock_(o.clock_),
      terminal_(o.terminal_),
      write_(std::move(o.write_)),
      start_(o.start_),
      done_(o.done_.load()),
      next_report_us_(o.next_report_us_.load()),
      finished_(o.finished_) {
  o.finished_ = true;  // the moved-from reporter prints nothing
}

ProgressReporter::~ProgressReporter() { Finish(); }

void ProgressReporter::Add(std::uint64_t n) {
  std::uint64_t done = done_.fetch_add(n) + n;
  auto now = clock_->Monotonic();
  std::int64_t now_us = Micros(now);
  std::int64_t due = next_report_us_.load(std::memory_order_relaxed);
  if (now_us < due) return;
  auto interval = terminal_ ? options_.terminal_interval : options_.line_interval;
  std::int64_t next =
      now_us + std::chrono::duration_cast<std::chrono::microseconds>(interval).count();
  if (!next_report_us_.compare_exchange_strong(due, next)) return;  // another thread reports
  std::lock_guard<std::mutex> lock(write_mu_);
  if (finished_) return;
  std::string line = Render(done, now);
  write_(terminal_ ? "\r" + line + "\x1b[K" : line + "\n");
}

void ProgressReporter::Finish() {
  std::lock_guard<std::mutex> lock(write_mu_);
  if (finished_) return;
  finished_ = true;
  std::string line = Render(done_.load(), clock_->Monotonic()) + " done";
  write_(terminal_ ? "\r" + line + "\x1b[K\n" : line + "\n");
}

std::string ProgressReporter::Render(std::uint64_t done,
                                     std::chrono::steady_clock::time_point now) const {
  double secs = std::chrono::duration<double>(now - start_).count();
  double rate = secs > 0 ? static_cast<double>(done) / secs : 0.0;
  std::string out = options_.label + ": ";
  if (options_.total > 0) {
    double frac = std::min(1.0, static_cast<double>(done) / static_cast<double>(options_.total));
    if (terminal_) {
      constexpr int kWidth = 30;
      int filled = static_cast<int>(frac * kWidth);
      out += '[' + std::string(filled, '#') + std::string(kWidth - filled, '.') + "] ";
    }
    out += fmt::format("{}/{} {} ({:.1f}%)", done, options_.total, options_.unit, frac * 100.0);
  } else {
    out += fmt::format("{} {}", done, options_.unit);
  }
  out += fmt::format(", {:.0f} {}/s, {:.1f} s", rate, options_.unit, secs);
  return out;
}

}  // namespace kycloud
