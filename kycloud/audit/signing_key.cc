#include "kycloud/audit/signing_key.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "kycloud/base/sha256.h"

namespace kycloud::audit {

struct SigningKey::Impl {
  EVP_PKEY* pkey = nullptr;
  ~Impl() { EVP_PKEY_free(pkey); }
};

namespace {

Result<std::string> RawPublicKey(EVP_PKEY* pkey) {
  std::string pub(32, '\0');
  size_t len = pub.size();
  if (EVP_PKEY_get_raw_public_key(pkey, reinterpret_cast<unsigned char*>(pub.data()), &len) != 1 ||
      len != 32) {
    return Err(InternalError("cannot read the Ed25519 public key"));
  }
  return pub;
}

}  // namespace

SigningKey::SigningKey(std::unique_ptr<Impl> impl, std::string name)
    : impl_(std::move(impl)), name_(std::move(name)) {
  public_key_ = RawPublicKey(impl_->pkey).value_or("");
}
SigningKey::SigningKey(SigningKey&&) noexcept = default;
SigningKey& SigningKey::operator=(SigningKey&&) noexcept = default;
SigningKey::~SigningKey() = default;

Result<SigningKey> SigningKey::Generate(std::string name) {
  EVP_PKEY* pkey = nullptr;
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr);
  bool ok = ctx && EVP_PKEY_keygen_init(ctx) == 1 && EVP_PKEY_keygen(ctx, &pkey) == 1;
  EVP_PKEY_CTX_free(ctx);
  if (!ok) return Err(InternalError("Ed25519 key generation failed"));
  auto impl = std::make_unique<Impl>();
  impl->pkey = pkey;
  return SigningKey(std::move(impl), std::move(name));
}

Result<SigningKey> SigningKey::Load(const std::string& path, std::string name) {
  std::ifstream in(path);
  if (!in) return Err(UnavailableError(fmt::format("cannot read signing key {}", path)));
  std::stringstream ss;
  ss << in.rdbuf();
  std::string pem = ss.str();
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!pkey || EVP_PKEY_get_id(pkey) != EVP_PKEY_ED25519) {
    EVP_PKEY_free(pkey);
    return Err(InvalidArgumentError(
        fmt::format("{} is not an Ed25519 private key in PEM (PKCS #8)", path)));
  }
  auto impl = std::make_unique<Impl>();
  impl->pkey = pkey;
  return SigningKey(std::move(impl), std::move(name));
}

Result<SigningKey> SigningKey::LoadOrCreate(const std::string& path, std::string name) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return Load(path, std::move(name));
  KY_ASSIGN_OR_RETURN(SigningKey key, Generate(std::move(name)));
  KY_ASSIGN_OR_RETURN(std::string pem, key.PrivateKeyPem());
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  std::string tmp = path + ".tmp";
  {
    mode_t old = umask(077);
    std::ofstream out(tmp, std::ios::trunc);
    umask(old);
    out << pem;
    out.flush();
    if (!out) return Err(UnavailableError(fmt::format("cannot write signing key {}", tmp)));
  }
  std::filesystem::permissions(
      tmp, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write, ec);
  std::filesystem::rename(tmp, path, ec);
  if (ec)
    return Err(
        UnavailableError(fmt::format("cannot write signing key {}: {}", path, ec.message())));
  return key;
}

Result<std::string> SigningKey::PrivateKeyPem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  bool ok = PEM_write_bio_PrivateKey(bio, impl_->pkey, nullptr, nullptr, 0, nullptr, nullptr) == 1;
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string pem = ok ? std::string(data, n) : "";
  BIO_free(bio);
  if (!ok) return Err(InternalError("cannot encode the signing key"));
  return pem;
}

std::uint32_t SigningKey::key_id() const { return KeyId(name_, public_key_); }

std::string SigningKey::VerifierKey() const {
  return fmt::format("{}+{:08x}+{}", name_, key_id(), Base64Encode("\x01" + public_key_));
}

Result<std::string> SigningKey::Sign(std::string_view message) const {
  std::string sig(64, '\0');
  size_t len = sig.size();
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok =
      ctx && EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, impl_->pkey) == 1 &&
      EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok || len != 64) return Err(InternalError("Ed25519 signing failed"));
  return sig;
}

std::string SigningKey::DerivedSecret(std::string_view purpose) const {
  std::string raw(32, '\0');
  size_t len = raw.size();
  EVP_PKEY_get_raw_private_key(impl_->pkey, reinterpret_cast<unsigned char*>(raw.data()), &len);
  auto d = Sha256("kycloud derived secret\n" + std::string(purpose) + "\n" + raw);
  return std::string(reinterpret_cast<const char*>(d.data()), d.size());
}

std::uint32_t VerifierKey::key_id() const { return KeyId(name, public_key); }

std::uint32_t KeyId(std::string_view name, std::string_view public_key) {
  auto d = Sha256(std::string(name) + "\n\x01" + std::string(public_key));
  return (std::uint32_t{d[0]} << 24) | (std::uint32_t{d[1]} << 16) | (std::uint32_t{d[2]} << 8) |
         d[3];
}

Result<VerifierKey> ParseVerifierKey(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  auto p1 = text.find('+');
  auto p2 = p1 == std::string_view::npos ? p1 : text.find('+', p1 + 1);
  if (p2 == std::string_view::npos) {
    return Err(InvalidArgumentError("a verifier key reads <name>+<key id>+<base64 key>"));
  }
  VerifierKey key{std::string(text.substr(0, p1)), ""};
  auto raw = Base64Decode(text.substr(p2 + 1));
  if (!raw.has_value() || raw->size() != 33 || (*raw)[0] != 0x01) {
    return Err(InvalidArgumentError("the verifier key is not an Ed25519 key (type 0x01)"));
  }
  key.public_key = raw->substr(1);
  std::string id(text.substr(p1 + 1, p2 - p1 - 1));
  if (id != fmt::format("{:08x}", key.key_id())) {
    return Err(InvalidArgumentError("the verifier key's id does not match its name and key"));
  }
  return key;
}

bool VerifyEd25519(std::string_view public_key, std::string_view message,
                   std::string_view signature) {
  if (public_key.size() != 32 || signature.size() != 64) return false;
  EVP_PKEY* pkey = EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(public_key.data()), 32);
  if (!pkey) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok =
      ctx && EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, pkey) == 1 &&
      EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()), 64,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(pkey);
  return ok;
}

}  // namespace kycloud::audit
