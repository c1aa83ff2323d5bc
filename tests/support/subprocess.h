// Subprocess: runs a program for integration tests, capturing its stdout and stderr, with
// helpers to wait for output, send signals and collect the exit status.
//
// Output is drained continuously by a reader thread, so a chatty child never blocks on a full pipe.
// Thread-safety: one thread drives a Subprocess.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <thread>
#include <vector>

namespace kycloud::testing {

class Subprocess {
 public:
  // Starts `argv[0]` (a path) with `argv`, in `cwd` if not empty, with extra `env` entries.
  Subprocess(std::vector<std::string> argv, std::string cwd = "",
             std::map<std::string, std::string> env = {});
  ~Subprocess();  // kills the process if still running
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  // Waits until stdout matches `pattern` (ECMAScript); returns the first match's groups.
  std::optional<std::smatch> WaitForStdout(const std::string& pattern,
                                           std::chrono::milliseconds timeout);
  void Signal(int sig);
  // Waits for exit; returns the exit code, 128+signal if killed, nullopt on timeout.
  std::optional<int> Wait(std::chrono::milliseconds timeout);

  std::string stdout_text();
  std::string stderr_text();
  pid_t pid() const { return pid_; }

 private:
  void ReadLoop();
  pid_t pid_ = -1;
  int out_fd_ = -1, err_fd_ = -1;
  std::mutex mu_;
  std::string out_, err_;
  std::thread reader_;
  std::optional<int> status_;
};

// Runs a command to completion and returns {exit code, stdout, stderr}.
struct RunResult {
  int code;
  std::string out, err;
};
RunResult RunToCompletion(std::vector<std::string> argv, std::string cwd = "",
                          std::map<std::string, std::string> env = {},
                          std::chrono::milliseconds timeout = std::chrono::seconds(60));

}  // namespace kycloud::testing
