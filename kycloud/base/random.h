// Cryptographically secure randomness from the kernel (getrandom(2)), for API keys, ids and
// salts. Not for simulations: use <random> with an explicit seed there.
//
// Thread-safety: safe from any thread.
#pragma once

#include <cstddef>
#include <string>

namespace kycloud {

// Fills `out` with `n` random bytes. Aborts if the kernel cannot supply them (it always can on
// Linux >= 3.17 once the pool is initialised).
std::string SecureRandomBytes(size_t n);

// A random string of `length` characters from [0-9A-Za-z] (about 5.95 bits each), unbiased.
std::string RandomAlphanumeric(size_t length);

}  // namespace kycloud
