#include "kycloud/server/api_key_auth.h"

#include <gtest/gtest.h>

#include "kycloud/storage/memory_api_key_store.h"

namespace kycloud::server {
namespace {

// Counts lookups, to observe the authenticator's cache.
class CountingStore : public storage::ApiKeyStore {
 public:
  Status Insert(const storage::ApiKeyRecord& k) override { return inner.Insert(k); }
  Result<bool> InsertBootstrapKey(const storage::ApiKeyRecord& k) override {
    return inner.InsertBootstrapKey(k);
  }
  Result<storage::ApiKeyRecord> FindBySecretHash(std::string_view h) override {
    ++lookups;
    return inner.FindBySecretHash(h);
  }
  Result<storage::ApiKeyRecord> Get(std::string_view id) override { return inner.Get(id); }
  Result<std::vector<storage::ApiKeyRecord>> List() override { return inner.List(); }
  Status Revoke(std::string_view id, Timestamp at) override { return inner.Revoke(id, at); }

  storage::MemoryApiKeyStore inner;
  int lookups = 0;
};

TEST(ApiKeyTest, GeneratedKeysHaveFormatAndHash) {
  FakeClock clock;
  auto key = GenerateApiKey("ci", "integrator", "cli", clock);
  ASSERT_TRUE(key.has_value());
  EXPECT_TRUE(key->plaintext.starts_with("kyc_"));
  EXPECT_EQ(key->plaintext.size(), 44u);
  EXPECT_EQ(key->record.id, key->plaintext.substr(0, 12));
  EXPECT_EQ(key->record.secret_hash, HashApiKey(key->plaintext));
  EXPECT_EQ(key->record.secret_hash.find(key->plaintext), std::string::npos);
  EXPECT_EQ(key->record.created_at, clock.Now());
  EXPECT_NE(GenerateApiKey("ci", "integrator", "cli", clock)->plaintext, key->plaintext);
}

TEST(ApiKeyTest, ValidatesNameAndRole) {
  FakeClock clock;
  EXPECT_EQ(GenerateApiKey("", "admin", "cli", clock).error().field(), "/name");
  EXPECT_EQ(GenerateApiKey(std::string(101, 'x'), "admin", "cli", clock).error().field(), "/name");
  EXPECT_EQ(GenerateApiKey("a\nb", "admin", "cli", clock).error().field(), "/name");
  EXPECT_EQ(GenerateApiKey("ok", "root", "cli", clock).error().field(), "/role");
  for (auto role : kRoles) EXPECT_TRUE(GenerateApiKey("ok", role, "cli", clock).has_value());
}

TEST(ApiKeyAuthenticatorTest, AcceptsValidRejectsOthers) {
  FakeClock clock;
  CountingStore store;
  ApiKeyAuthenticator auth(store, clock);
  auto key = CreateApiKey(store, "officer-1", "officer", "cli", clock);
  ASSERT_TRUE(key.has_value());

  auto p = auth.Authenticate("Bearer " + key->plaintext);
  ASSERT_TRUE(p.has_value()) << p.error();
  EXPECT_EQ(p->role, "officer");
  EXPECT_EQ(p->key_id, key->record.id);
  EXPECT_TRUE(auth.Authenticate("bearer  " + key->plaintext + " ").has_value());

  for (std::string bad : {std::string(""), std::string("Basic abc"), std::string("Bearer"),
                          std::string("Bearer kyc_short"), "Bearer " + key->plaintext + "x",
                          "Bearer kyc_" + std::string(40, 'A')}) {
    auto r = auth.Authenticate(bad);
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_EQ(r.error().code(), StatusCode::kUnauthenticated) << bad;
  }
}

TEST(ApiKeyAuthenticatorTest, CachesAndSeesRevocation) {
  FakeClock clock;
  CountingStore store;
  ApiKeyAuthenticator auth(store, clock, {.cache_ttl = std::chrono::seconds(5)});
  auto key = CreateApiKey(store, "k", "admin", "cli", clock);
  std::string header = "Bearer " + key->plaintext;
  ASSERT_TRUE(auth.Authenticate(header).has_value());
  ASSERT_TRUE(auth.Authenticate(header).has_value());
  EXPECT_EQ(store.lookups, 1);

  // Revoked elsewhere (another instance): seen once the cache entry expires.
  ASSERT_TRUE(store.Revoke(key->record.id, clock.Now()).ok());
  EXPECT_TRUE(auth.Authenticate(header).has_value());
  clock.Advance(std::chrono::seconds(6));
  auto r = auth.Authenticate(header);
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().message().find("revoked"), std::string_view::npos);
}

TEST(ApiKeyAuthenticatorTest, InvalidateTakesEffectAtOnce) {
  FakeClock clock;
  CountingStore store;
  ApiKeyAuthenticator auth(store, clock);
  auto key = CreateApiKey(store, "k", "admin", "cli", clock);
  std::string header = "Bearer " + key->plaintext;
  ASSERT_TRUE(auth.Authenticate(header).has_value());
  ASSERT_TRUE(store.Revoke(key->record.id, clock.Now()).ok());
  auth.Invalidate(key->record.id);
  EXPECT_FALSE(auth.Authenticate(header).has_value());
}

}  // namespace
}  // namespace kycloud::server
