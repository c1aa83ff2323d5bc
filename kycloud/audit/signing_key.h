// SigningKey: the Ed25519 key that signs audit checkpoints (OpenSSL), kept in a PEM (PKCS #8)
// file readable only by its owner, and the verifier key an auditor holds outside the database.
//
// Key names and verifier keys follow C2SP signed-note: the key id is the first 4 bytes of
// SHA-256(name || "\n" || 0x01 || public key), and a verifier key is written
// "<name>+<key id, 8 hex digits>+<base64(0x01 || public key)>".
//
// Thread-safety: a SigningKey may be used from many threads once built.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "kycloud/base/base64.h"
#include "kycloud/base/result.h"

namespace kycloud::audit {

class SigningKey {
 public:
  // Reads the key at `path`; creates it (mode 0600, parent directories too) when missing.
  // Errors: InvalidArgument (not an Ed25519 private key, with the path), Unavailable (I/O).
  static Result<SigningKey> LoadOrCreate(const std::string& path, std::string name);
  static Result<SigningKey> Load(const std::string& path, std::string name);
  static Result<SigningKey> Generate(std::string name);

  SigningKey(SigningKey&&) noexcept;
  SigningKey& operator=(SigningKey&&) noexcept;
  ~SigningKey();

  const std::string& name() const { return name_; }
  const std::string& public_key() const { return public_key_; }  // 32 bytes
  std::uint32_t key_id() const;
  std::string VerifierKey() const;  // "<name>+<id hex>+<base64>"
  // 64-byte Ed25519 signature of `message`.
  Result<std::string> Sign(std::string_view message) const;
  // A secret derived from the private key for keyed hashes (PII digests); 32 bytes.
  std::string DerivedSecret(std::string_view purpose) const;
  // The private key as PEM (PKCS #8), for writing it out.
  Result<std::string> PrivateKeyPem() const;

 private:
  struct Impl;
  SigningKey(std::unique_ptr<Impl> impl, std::string name);
  std::unique_ptr<Impl> impl_;
  std::string name_;
  std::string public_key_;
};

// A verifier key: name and 32-byte Ed25519 public key.
struct VerifierKey {
  std::string name;
  std::string public_key;
  std::uint32_t key_id() const;
};
// Parses "<name>+<hex id>+<base64>" (checking the id). Errors: InvalidArgument.
Result<VerifierKey> ParseVerifierKey(std::string_view text);
std::uint32_t KeyId(std::string_view name, std::string_view public_key);
bool VerifyEd25519(std::string_view public_key, std::string_view message,
                   std::string_view signature);

}  // namespace kycloud::audit
