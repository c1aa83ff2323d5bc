#include "kycloud/base/random.h"

#include <sys/random.h>

#include <cerrno>

#include "kycloud/base/check.h"

namespace kycloud {

std::string SecureRandomBytes(size_t n) {
  std::string out(n, '\0');
  size_t filled = 0;
  while (filled < n) {
    ssize_t got = getrandom(out.data() + filled, n - filled, 0);
    if (got < 0 && errno == EINTR) continue;
    KY_CHECK(got > 0) << "getrandom failed, errno " << errno;
    filled += static_cast<size_t>(got);
  }
  return out;
}

std::string RandomAlphanumeric(size_t length) {
  static constexpr char kAlphabet[] =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string out;
  out.reserve(length);
  while (out.size() < length) {
    std::string bytes = SecureRandomBytes(length * 2);
    for (unsigned char b : bytes) {
      if (b >= 248) continue;  // 248 = 4 * 62: rejection keeps the distribution uniform
      out += kAlphabet[b % 62];
      if (out.size() == length) break;
    }
  }
  return out;
}

}  // namespace kycloud
