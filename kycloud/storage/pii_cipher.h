// PiiCipher: encryption at rest of personal data (R14; ARCHITECTURE.md "Storage and scale") with
// libsodium's XChaCha20-Poly1305 (AEAD, random 192-bit nonces). A sealed value is
// "kyc1:" + key id + ":" + base64(nonce || ciphertext+tag); the associated data binds it to where
// it lives (e.g. "customers/c-1"), so a ciphertext copied to another row does not open.
//
// Keys: 32 bytes, given as 64 hex characters (a file or an environment variable). The key id is
// the first 16 hex characters of SHA-256(key); the cipher holds a current key (sealing) and any
// number of older ones (opening values sealed before a rotation).
//
// Thread-safety: immutable after construction; Seal and Open are safe from many threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kycloud/base/result.h"

namespace kycloud::storage {

class PiiCipher {
 public:
  // `current_hex` seals; `older_hex` only open. Errors: InvalidArgument (not 64 hex characters;
  // libsodium failed to initialise).
  static Result<PiiCipher> FromHexKeys(std::string_view current_hex,
                                       const std::vector<std::string>& older_hex = {});
  // A new random key, as 64 hex characters.
  static std::string GenerateHexKey();

  std::string Seal(std::string_view plaintext, std::string_view associated) const;
  // Errors: DataLoss (not a sealed value, wrong associated data, tampered); NotFound (sealed with
  // a key this cipher does not hold — its id in the message).
  Result<std::string> Open(std::string_view sealed, std::string_view associated) const;
  // The key id a sealed value names ("" when malformed).
  static std::string KeyIdOf(std::string_view sealed);

  const std::string& current_key_id() const { return keys_.front().id; }
  // Whether the cipher holds key `id` (current or older).
  bool HasKey(std::string_view id) const;

 private:
  struct Key {
    std::string id;
    std::string bytes;  // 32
  };
  std::vector<Key> keys_;  // the current one first
};

}  // namespace kycloud::storage
