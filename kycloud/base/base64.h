// Base64 (RFC 4648, standard alphabet, with padding), through OpenSSL.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "kycloud/base/result.h"

namespace kycloud {

std::string Base64Encode(std::string_view bytes);
// Errors: InvalidArgument on bad characters, length or padding.
Result<std::string> Base64Decode(std::string_view text);

}  // namespace kycloud
