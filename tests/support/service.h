// A running `kycloud serve` for integration tests: started on a free port with a config file,
// stopped gracefully (SIGTERM) or killed (SIGKILL).
#pragma once

#include <httplib.h>

#include <memory>
#include <string>

#include "subprocess.h"

namespace kycloud::testing {

// The kycloud binary under test ($KYCLOUD_BIN, set by CTest).
std::string KycloudBinary();

class Service {
 public:
  // Starts `kycloud serve --config config_path --listen 127.0.0.1:0` in `dir` and waits until it
  // serves (or fails the current test).
  Service(const std::string& dir, const std::string& config_path,
          const std::vector<std::string>& extra_args = {});
  ~Service();

  int port() const { return port_; }
  // The admin key printed at first start ("" when none was printed).
  const std::string& bootstrap_key() const { return bootstrap_key_; }
  httplib::Client Client() const;
  // Polls /readyz until it answers 200 (database up, lists loaded); false after `timeout`.
  bool WaitReady(std::chrono::milliseconds timeout = std::chrono::seconds(120)) const;
  Subprocess& process() { return *process_; }
  bool started() const { return port_ != 0; }

 private:
  std::unique_ptr<Subprocess> process_;
  int port_ = 0;
  std::string bootstrap_key_;
};

}  // namespace kycloud::testing
