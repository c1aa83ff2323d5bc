// Data-key rotation over what CIP really seals: after re-sealing, a cipher without the old key
// opens every record, access IP and verification, and nothing else changed.
#include "kycloud/cip/sealed_columns.h"

#include <gtest/gtest.h>

#include "kycloud/cip/access_log.h"
#include "kycloud/cip/onboarding_fixture.h"

namespace kycloud::cip {
namespace {

class SealedColumnsTest : public OnboardingFixture {};

TEST_P(SealedColumnsTest, RotationReSealsEverythingUnderTheNewKey) {
  AccessLog access(*customers_, *cipher_, nullptr, *onboarding_);
  for (const char* id : {"c-1", "c-2", "c-3"}) {
    Create(Org(id));
    auto r = access.Record(
        id,
        R"({"events": [{"at": "2026-11-30T10:00:00Z", "ip": "203.0.113.7", "action": "login"},
                       {"at": "2026-11-30T11:00:00Z", "ip": "2001:db8::1", "action": "api"}]})",
        "test");
    ASSERT_TRUE(r.has_value()) << r.error();
  }
  ASSERT_TRUE(onboarding_
                  ->Verify("c-2",
                           R"({"outcome": "verified", "method": "documentary",
                               "evidence": ["idv://vendor/check/1"], "note": "passport"})",
                           "officer")
                  .has_value());
  const std::string revision_before = std::to_string(customers_->Get("c-2")->revision);

  // The operator makes a new key; the old one is kept to open what it sealed.
  const std::string new_key = storage::PiiCipher::GenerateHexKey();
  auto rotated = storage::PiiCipher::FromHexKeys(new_key, {key_hex_});
  ASSERT_TRUE(rotated.has_value()) << rotated.error();
  storage::SealedValues sealed(*db_->db, *rotated, SealedColumns());
  auto before = sealed.Count();
  ASSERT_TRUE(before.has_value()) << before.error();
  ASSERT_EQ(before->size(), 3u);
  EXPECT_EQ((*before)[0].older, 3) << "customers";
  EXPECT_EQ((*before)[1].older, 6) << "access events";
  EXPECT_EQ((*before)[2].older, 1) << "verifications";
  EXPECT_EQ(sealed.CountOlder().value(), 10);

  std::int64_t total = 0;
  for (bool done = false; !done;) {
    auto n = sealed.ResealBatch(4);  // small batches: resumes where it stopped
    ASSERT_TRUE(n.has_value()) << n.error();
    EXPECT_EQ(n->unopened, 0);
    total += n->resealed;
    done = n->pass_complete;
  }
  EXPECT_EQ(total, 10) << "one pass reads each row once";
  const auto after = sealed.Count();
  ASSERT_TRUE(after.has_value());
  for (const storage::SealedCount& c : *after) EXPECT_EQ(c.older, 0) << c.column;
  EXPECT_EQ(sealed.CountOlder().value(), 0);

  // Only the new key now: every value opens, as before.
  auto only_new = storage::PiiCipher::FromHexKeys(new_key);
  ASSERT_TRUE(only_new.has_value());
  Onboarding reader(*customers_, *only_new, *provisioning_, cases_.get(), clock_);
  for (const char* id : {"c-1", "c-2", "c-3"}) {
    auto got = reader.Get(id);
    ASSERT_TRUE(got.has_value()) << id << ": " << got.error();
    EXPECT_EQ(got->second.names[0].full, "Zephyrine Compute Pte Ltd");
    const auto events = customers_->AccessEvents(id, 10);
    ASSERT_TRUE(events.has_value());
    ASSERT_EQ(events->size(), 2u);
    for (const auto& e : *events) {
      auto ip = only_new->Open(e.ip_sealed, std::string(kAccessSealPrefix) + id);
      EXPECT_TRUE(ip.has_value()) << ip.error() << " " << e.ip_sealed;
    }
  }
  const auto verifications = customers_->Verifications("c-2");
  ASSERT_TRUE(verifications.has_value());
  ASSERT_EQ(verifications->size(), 1u);
  for (const auto& v : *verifications) {
    EXPECT_TRUE(
        only_new->Open(v.details_sealed, std::string(kVerificationSealPrefix) + "c-2").has_value());
  }
  EXPECT_EQ(std::to_string(customers_->Get("c-2")->revision), revision_before)
      << "re-sealing changes no content";
}

INSTANTIATE_TEST_SUITE_P(Backends, SealedColumnsTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kycloud::cip
