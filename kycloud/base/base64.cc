#include "kycloud/base/base64.h"

#include <openssl/evp.h>

#include <cctype>

namespace kycloud {

std::string Base64Encode(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(n);
  return out;
}

Result<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0)
    return Err(InvalidArgumentError("base64 length is not a multiple of 4"));
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool padding_place = i + 2 >= text.size() && (i + 1 == text.size() || text.back() == '=');
    if (c == '=' && !padding_place) return Err(InvalidArgumentError("base64 padding inside"));
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=')) {
      return Err(InvalidArgumentError("bad base64 character"));
    }
  }
  std::string out(text.size() / 4 * 3 + 1, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  if (n < 0) return Err(InvalidArgumentError("bad base64"));
  size_t pad = 0;
  if (!text.empty() && text.back() == '=') ++pad;
  if (text.size() > 1 && text[text.size() - 2] == '=') ++pad;
  out.resize(n - pad);
  return out;
}

}  // namespace kycloud
