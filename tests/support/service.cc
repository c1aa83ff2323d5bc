#include "service.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <thread>

namespace kycloud::testing {

std::string KycloudBinary() {
  const char* bin = std::getenv("KYCLOUD_BIN");
  return bin ? bin : "kycloud";
}

Service::Service(const std::string& dir, const std::string& config_path,
                 const std::vector<std::string>& extra_args) {
  std::vector<std::string> args = {KycloudBinary(), "serve",    "--config",
                                   config_path,     "--listen", "127.0.0.1:0"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  process_ = std::make_unique<Subprocess>(std::move(args), dir);
  auto m =
      process_->WaitForStdout(R"(serving on http://127\.0\.0\.1:(\d+))", std::chrono::seconds(60));
  if (!m) {
    ADD_FAILURE() << "kycloud serve did not start\nstdout:\n"
                  << process_->stdout_text() << "\nstderr:\n"
                  << process_->stderr_text();
    return;
  }
  port_ = std::stoi((*m)[1].str());
  if (auto key =
          process_->WaitForStdout(R"((kyc_[A-Za-z0-9]{40}))", std::chrono::milliseconds(0))) {
    bootstrap_key_ = (*key)[1].str();
  }
}

Service::~Service() {
  process_->Signal(SIGTERM);
  process_->Wait(std::chrono::seconds(30));
}

bool Service::WaitReady(std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto c = Client();
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = c.Get("/readyz");
    if (r && r->status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

httplib::Client Service::Client() const {
  httplib::Client c("127.0.0.1", port_);
  c.set_connection_timeout(std::chrono::seconds(2));
  c.set_read_timeout(std::chrono::seconds(10));
  return c;
}

}  // namespace kycloud::testing
