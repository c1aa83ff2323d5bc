// Facts about this build, fixed when the binary is built.
#pragma once

#include <string_view>

namespace kycloud {

std::string_view Version();    // "0.1.0"
std::string_view GitCommit();  // short hash, with "-dirty" for uncommitted changes; "unknown"
std::string_view BuildType();  // CMAKE_BUILD_TYPE

}  // namespace kycloud
