#include "config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace kycloud::app {
namespace {

const char* NoEnv(const char*) { return nullptr; }

TEST(ConfigTest, DefaultsWhenEmpty) {
  auto c = ParseConfig("", "test.toml");
  ASSERT_TRUE(c.has_value()) << c.error();
  EXPECT_EQ(c->server.listen, "127.0.0.1:8080");
  EXPECT_EQ(c->storage.uri, "sqlite:./var/kycloud.db");
  EXPECT_EQ(c->server.max_body_bytes, 1u << 20);
}

TEST(ConfigTest, ReadsEverySection) {
  auto c = ParseConfig(R"(
[server]
listen = "0.0.0.0:9000"
threads = 8
max_in_flight = 4
max_queued_connections = 16
key_rate_per_second = 2.5
key_burst = 10
max_body_bytes = 2048
access_log = false
[cluster]
poll_ms = 250
lease_seconds = 9
feed_retention_hours = 48
[auth]
cache_ttl_ms = 100
[storage]
uri = "postgresql://kyc@db:5432/kycloud"
pool_size = 3
postgres_schema = "kyc"
[log]
level = "debug"
format = "json"
[screening]
lists_poll_seconds = 0
[audit]
origin = "kyc.example.com/audit"
checkpoint_every_entries = 50
[cases]
due_hours_high = 48
cooldown_hours = 0
max_evidence_bytes = 4096
)",
                       "test.toml");
  ASSERT_TRUE(c.has_value()) << c.error();
  EXPECT_EQ(c->server.listen, "0.0.0.0:9000");
  EXPECT_EQ(c->server.threads, 8);
  EXPECT_EQ(c->server.max_in_flight, 4);
  EXPECT_EQ(c->server.max_queued_connections, 16);
  EXPECT_EQ(c->server.key_rate_per_second, 2.5);
  EXPECT_EQ(c->server.key_burst, 10);
  EXPECT_EQ(c->cluster_poll_ms, 250);
  EXPECT_EQ(c->cluster_lease_seconds, 9);
  EXPECT_EQ(c->cluster_feed_retention_hours, 48);
  EXPECT_EQ(c->server.max_body_bytes, 2048u);
  EXPECT_FALSE(c->server.access_log);
  EXPECT_EQ(c->auth.cache_ttl, std::chrono::milliseconds(100));
  EXPECT_EQ(c->storage.pool_size, 3);
  EXPECT_EQ(c->storage.postgres_schema, "kyc");
  EXPECT_EQ(c->log.level, log::Level::kDebug);
  EXPECT_EQ(c->log.format, log::Format::kJson);
  EXPECT_EQ(c->lists_poll_seconds, 0);
  EXPECT_EQ(c->audit.origin, "kyc.example.com/audit");
  EXPECT_EQ(c->audit.checkpoint_every_entries, 50);
  EXPECT_EQ(c->cases.due_high, std::chrono::hours(48));
  EXPECT_EQ(c->cases.due_critical, std::chrono::hours(24));  // default kept
  EXPECT_EQ(c->cases.cooldown, std::chrono::seconds(0));
  EXPECT_EQ(c->cases.max_evidence_bytes, 4096u);
  auto bad = ParseConfig("[cases]\ndue_hours_low = -1\n", "my.toml");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().field(), "cases.due_hours_low");
}

TEST(ConfigTest, ErrorsNameKeyAndLine) {
  auto c = ParseConfig("[server]\nlisten = \"x:1\"\nlisen = \"typo\"\n", "my.toml");
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().field(), "server.lisen");
  EXPECT_NE(c.error().message().find("my.toml:3"), std::string_view::npos) << c.error();

  c = ParseConfig("[server]\nthreads = \"many\"\n", "my.toml");
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().field(), "server.threads");
  EXPECT_NE(c.error().message().find("integer"), std::string_view::npos);

  c = ParseConfig("[servr]\n", "my.toml");
  ASSERT_FALSE(c.has_value());
  EXPECT_NE(c.error().message().find("unknown section"), std::string_view::npos);

  c = ParseConfig("[server\nlisten=", "my.toml");
  ASSERT_FALSE(c.has_value());
  EXPECT_NE(c.error().message().find("my.toml:1"), std::string_view::npos) << c.error();

  EXPECT_EQ(ParseConfig("[log]\nlevel = \"loud\"\n", "x").error().field(), "log.level");
  EXPECT_EQ(ParseConfig("[server]\nthreads = -1\n", "x").error().field(), "server.threads");
  EXPECT_EQ(ParseConfig("[server]\naccess_log = 1\n", "x").error().field(), "server.access_log");
  EXPECT_EQ(ParseConfig("[server]\nkey_rate_per_second = \"fast\"\n", "x").error().field(),
            "server.key_rate_per_second");
  EXPECT_EQ(ParseConfig("[server]\nkey_burst = 0\n", "x").error().field(),
            "server.key_rate_per_second");
  EXPECT_EQ(ParseConfig("[cluster]\npoll_ms = 5\n", "x").error().field(), "cluster.poll_ms");
  EXPECT_EQ(ParseConfig("[server]\ntls_cert_file = \"c.pem\"\n", "x").error().field(),
            "server.tls_key_file");
  auto tls = ParseConfig(
      "[server]\ntls_cert_file = \"c.pem\"\ntls_key_file = \"k.pem\"\n[auth]\n"
      "secure_cookie = false\n",
      "x");
  ASSERT_TRUE(tls.has_value()) << tls.error();
  EXPECT_TRUE(tls->sessions.secure_cookie) << "over HTTPS the session cookie is always Secure";
  EXPECT_EQ(ParseConfig("[cluster]\nlease = 5\n", "x").error().field(), "cluster.lease");
}

TEST(ConfigTest, SecretsOnlyFromEnvironmentOrFile) {
  Config c;
  c.storage.uri = "postgresql://u:secret@h/db";
  EXPECT_EQ(ResolveSecrets(c, NoEnv).field(), "storage.uri");

  c.storage.uri = "postgresql://u@h/db";
  ASSERT_TRUE(ResolveSecrets(c, [](const char* n) -> const char* {
                return std::string_view(n) == "KYCLOUD_DB_PASSWORD" ? "from-env" : nullptr;
              }).ok());
  EXPECT_EQ(c.storage.password, "from-env");

  std::string path = ::testing::TempDir() + "/pw";
  std::ofstream(path) << "from-file\n";
  Config f;
  f.storage.uri = "postgresql://u@h/db";
  f.storage_password_file = path;
  ASSERT_TRUE(ResolveSecrets(f, NoEnv).ok());
  EXPECT_EQ(f.storage.password, "from-file");
  f.storage_password_file = path + ".missing";
  EXPECT_EQ(ResolveSecrets(f, NoEnv).field(), "storage.password_file");
  std::remove(path.c_str());
}

TEST(ConfigTest, LoadsFiles) {
  EXPECT_EQ(LoadConfigFile("/nonexistent/kycloud.toml").error().code(), StatusCode::kNotFound);
  std::string path = ::testing::TempDir() + "/kycloud.toml";
  std::ofstream(path) << "[server]\nlisten = \"127.0.0.1:0\"\n";
  EXPECT_EQ(LoadConfigFile(path)->server.listen, "127.0.0.1:0");
  std::remove(path.c_str());
}

}  // namespace
}  // namespace kycloud::app
