#include "kycloud/storage/pii_cipher.h"

#include <fmt/format.h>
#include <sodium.h>

#include "kycloud/base/base64.h"
#include "kycloud/base/sha256.h"

namespace kycloud::storage {

namespace {

constexpr std::string_view kPrefix = "kyc1:";

Result<std::string> FromHex(std::string_view hex) {
  std::string bytes(crypto_aead_xchacha20poly1305_ietf_KEYBYTES, '\0');
  size_t len = 0;
  if (hex.size() != 2 * bytes.size() ||
      sodium_hex2bin(reinterpret_cast<unsigned char*>(bytes.data()), bytes.size(), hex.data(),
                     hex.size(), nullptr, &len, nullptr) != 0 ||
      len != bytes.size()) {
    return Err(InvalidArgumentError("a data key is 64 hexadecimal characters (32 bytes)"));
  }
  return bytes;
}

}  // namespace

Result<PiiCipher> PiiCipher::FromHexKeys(std::string_view current_hex,
                                         const std::vector<std::string>& older_hex) {
  if (sodium_init() < 0) return Err(InvalidArgumentError("libsodium failed to initialise"));
  PiiCipher c;
  std::vector<std::string_view> all{current_hex};
  for (const auto& k : older_hex) all.push_back(k);
  for (std::string_view hex : all) {
    KY_ASSIGN_OR_RETURN(std::string bytes, FromHex(hex));
    c.keys_.push_back(Key{Sha256Hex(bytes).substr(0, 16), std::move(bytes)});
  }
  return c;
}

std::string PiiCipher::GenerateHexKey() {
  if (sodium_init() < 0) return "";
  unsigned char key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
  crypto_aead_xchacha20poly1305_ietf_keygen(key);
  char hex[2 * sizeof(key) + 1];
  sodium_bin2hex(hex, sizeof(hex), key, sizeof(key));
  sodium_memzero(key, sizeof(key));
  return hex;
}

std::string PiiCipher::Seal(std::string_view plaintext, std::string_view associated) const {
  const Key& k = keys_.front();
  std::string out(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + plaintext.size() +
                      crypto_aead_xchacha20poly1305_ietf_ABYTES,
                  '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  unsigned long long clen = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &clen,
      reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
      reinterpret_cast<const unsigned char*>(associated.data()), associated.size(), nullptr, nonce,
      reinterpret_cast<const unsigned char*>(k.bytes.data()));
  out.resize(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + clen);
  return fmt::format("{}{}:{}", kPrefix, k.id, Base64Encode(out));
}

bool PiiCipher::HasKey(std::string_view id) const {
  for (const Key& k : keys_) {
    if (k.id == id) return true;
  }
  return false;
}

std::string PiiCipher::KeyIdOf(std::string_view sealed) {
  if (!sealed.starts_with(kPrefix)) return "";
  sealed.remove_prefix(kPrefix.size());
  const size_t colon = sealed.find(':');
  return colon == std::string_view::npos ? "" : std::string(sealed.substr(0, colon));
}

Result<std::string> PiiCipher::Open(std::string_view sealed, std::string_view associated) const {
  const std::string id = KeyIdOf(sealed);
  if (id.empty()) return Err(DataLossError("not a sealed value"));
  const Key* key = nullptr;
  for (const Key& k : keys_) {
    if (k.id == id) key = &k;
  }
  if (!key) return Err(NotFoundError(fmt::format("no data key with id {} is configured", id)));
  auto raw = Base64Decode(sealed.substr(kPrefix.size() + id.size() + 1));
  if (!raw || raw->size() < crypto_aead_xchacha20poly1305_ietf_NPUBBYTES +
                                crypto_aead_xchacha20poly1305_ietf_ABYTES) {
    return Err(DataLossError("a sealed value is truncated or not base64"));
  }
  const auto* nonce = reinterpret_cast<const unsigned char*>(raw->data());
  const size_t clen = raw->size() - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  std::string plain(clen, '\0');
  unsigned long long plen = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plain.data()), &plen, nullptr,
          nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, clen,
          reinterpret_cast<const unsigned char*>(associated.data()), associated.size(), nonce,
          reinterpret_cast<const unsigned char*>(key->bytes.data())) != 0) {
    return Err(DataLossError("a sealed value does not open: tampered, or bound to another record"));
  }
  plain.resize(plen);
  return plain;
}

}  // namespace kycloud::storage
