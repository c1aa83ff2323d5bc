// The policy files of policy/ (*.toml), compiled in: the bundled policy version.
#pragma once

#include <vector>

#include "kycloud/policy/policy.h"

namespace kycloud::policy {

std::vector<PolicyFile> BundledPolicyFiles();

}  // namespace kycloud::policy
