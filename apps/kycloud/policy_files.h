// Reading a policy version from disk: every *.toml file of a directory, or the bundled policy.
#pragma once

#include <string>

#include "kycloud/base/result.h"
#include "kycloud/policy/policy.h"

namespace kycloud::app {

// `dir` empty or "bundled": the compiled-in policy. Otherwise every *.toml file in `dir`; the
// policy is parsed and validated, and compute-thresholds.toml and cip.toml (when present) with
// it. Errors:
// NotFound (no such directory), InvalidArgument "FILE:LINE: reason" from the parsers.
Result<policy::Policy> LoadPolicy(const std::string& dir);

}  // namespace kycloud::app
