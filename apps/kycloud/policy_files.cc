#include "policy_files.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "kycloud/cip/cip_policy.h"
#include "kycloud/compute/compute_policy.h"
#include "kycloud/policy/policy_data.h"

namespace kycloud::app {

Result<policy::Policy> LoadPolicy(const std::string& dir) {
  std::vector<policy::PolicyFile> files;
  if (dir.empty() || dir == "bundled") {
    files = policy::BundledPolicyFiles();
  } else {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
      return Err(NotFoundError(fmt::format("{}: not a policy directory", dir)));
    }
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      if (!entry.is_regular_file() || entry.path().extension() != ".toml") continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::ostringstream text;
      text << in.rdbuf();
      if (!in.good() && !in.eof()) {
        return Err(InvalidArgumentError(fmt::format("{}: cannot read", entry.path().string())));
      }
      files.push_back({entry.path().filename().string(), text.str()});
    }
  }
  for (const policy::PolicyFile& f : files) {
    if (f.name == "compute-thresholds.toml") {
      KY_ASSIGN_OR_RETURN(auto thresholds, compute::ComputePolicy::Parse(f.text, f.name));
      (void)thresholds;
    }
    if (f.name == "cip.toml") {
      KY_ASSIGN_OR_RETURN(auto cip, cip::CipPolicy::Parse(f.text, f.name));
      (void)cip;
    }
  }
  return policy::Policy::Parse(std::move(files));
}

}  // namespace kycloud::app
