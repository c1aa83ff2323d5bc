// Onboarding on both backends: decisions with reasons (R7-R11, R25, R30), idempotency, nothing
// partial on bad input, personal data sealed in the database file, re-verification on new owners.
#include "kycloud/cip/onboarding.h"

#include "kycloud/cip/onboarding_fixture.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "kycloud/storage/sql_case_store.h"
#include "kycloud/storage/sql_customer_store.h"
#include "kycloud/storage/sql_policy_store.h"
#include "kycloud/storage/testing/test_database.h"

namespace kycloud::cip {
namespace {

using json = nlohmann::json;

class OnboardingTest : public OnboardingFixture {};

TEST_P(OnboardingTest, DecisionsFollowClassificationAndPolicy) {
  // R7/R8: a US entity with US owners needs no verification: approved.
  OnboardingResult us = Create(UsOrg("c-us"));
  EXPECT_EQ(us.row.decision, "approve");
  EXPECT_EQ(us.row.verification, "not_required");
  EXPECT_TRUE(us.row.us_person);
  EXPECT_NE(us.row.classification_json.find("country_of_incorporation"), std::string::npos);
  EXPECT_FALSE(us.alert_id.has_value());
  // A foreign customer must be verified (R9).
  OnboardingResult sg = Create(Org("c-sg"));
  EXPECT_EQ(sg.row.decision, "verify");
  EXPECT_EQ(sg.row.verification, "pending");
  // R30: an ultimate parent in D:5 puts it to review (controlled accelerators denied), with an
  // alert; R29: billing from an embargoed country rejects it.
  json parent = Org("c-parent");
  parent["ultimate_parent_country"] = "CN";
  OnboardingResult p = Create(parent);
  EXPECT_EQ(p.row.decision, "review");
  ASSERT_FALSE(p.reasons.empty());
  EXPECT_EQ(p.reasons[0].rule, "ear.headquarters");
  EXPECT_TRUE(p.alert_id.has_value());
  json majority = Org("c-owned");  // a company owning 80% from Macau is the parent
  majority["beneficial_owners"] = json::parse(
      R"([{"id": "h", "kind": "company", "names": [{"full": "Holdco"}], "residence_country": "MO",
           "share": 0.8}])");
  EXPECT_EQ(Create(majority).row.decision, "review");
  json cuba = Org("c-cu");
  cuba["payment_instruments"][0]["issuing_country"] = "CU";
  OnboardingResult cu = Create(cuba);
  EXPECT_EQ(cu.row.decision, "reject");
  EXPECT_EQ(cu.reasons.at(0).rule, "embargo.customer");
  // The provisioning decision now knows the customer.
  auto d = provisioning_->Authorize({"c-parent", "p5.48xlarge", "", 1, "us-east-1", {}});
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->outcome, policy::Action::kDeny);
  // Alerts: one per review/reject customer.
  storage::AlertFilter f;
  f.source = "cip";
  EXPECT_EQ(case_store_->ListAlerts(f)->size(), 3u);
}

TEST_P(OnboardingTest, IdempotentAndNothingPartial) {
  OnboardingResult first = Create(Org("c-1"), "idem-1");
  EXPECT_TRUE(first.created);
  auto replay = onboarding_->Create(Org("c-1").dump(), "idem-1", "kyc_test");
  ASSERT_TRUE(replay.has_value()) << replay.error().ToString();
  EXPECT_FALSE(replay->created);
  EXPECT_EQ(replay->row.id, "c-1");
  EXPECT_EQ(replay->row.decision, "verify");
  json other = Org("c-2");
  auto reused = onboarding_->Create(other.dump(), "idem-1", "kyc_test");
  ASSERT_FALSE(reused.has_value());
  EXPECT_EQ(reused.error().reason(), "idempotency_key_reused");
  auto dup = onboarding_->Create(Org("c-1").dump(), "", "kyc_test");
  ASSERT_FALSE(dup.has_value());
  EXPECT_EQ(dup.error().reason(), "customer_exists");
  // Bad input: a precise error, and nothing stored.
  json bad = Org("c-bad");
  bad["phones"] = json::array({"+65 1"});
  auto e = onboarding_->Create(bad.dump(), "", "kyc_test");
  ASSERT_FALSE(e.has_value());
  EXPECT_EQ(e.error().field(), "/phones/0");
  EXPECT_EQ(customers_->Get("c-bad").error().code(), StatusCode::kNotFound);
  EXPECT_FALSE(provisioning_->StandingOf("c-bad").has_value());
}

TEST_P(OnboardingTest, NewOwnersRetriggerVerification) {
  OnboardingResult us = Create(UsOrg("c-1"));
  ASSERT_EQ(us.row.verification, "not_required");
  // Verified earlier, then a foreign owner joins (R11): pending again, decision verify.
  storage::CustomerRow row = customers_->Get("c-1").value();
  row.verification = "verified";
  ASSERT_TRUE(customers_->Update(row).has_value());
  json owners = UsOrg("c-1")["beneficial_owners"];
  owners[0]["share"] = 0.5;
  owners.push_back(json::parse(R"({"id": "bo-2", "kind": "person", "names": [{"full": "Ilse Korr"}],
                                  "nationality": "DE", "residence_country": "DE", "share": 0.3})"));
  auto r = onboarding_->Update("c-1", json{{"beneficial_owners", owners}}.dump(), "kyc_test");
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_EQ(r->row.verification, "pending");
  EXPECT_EQ(r->row.decision, "verify");
  EXPECT_EQ(r->customer.beneficial_owners.size(), 2u);
  EXPECT_EQ(r->row.revision, us.row.revision + 2);
  auto got = onboarding_->Get("c-1");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->second.beneficial_owners[1].names[0].full, "Ilse Korr");
}

TEST(OnboardingSealTest, TheDatabaseFileHoldsNoPlaintextPersonalData) {
  auto t = storage::testing::MakeTestDatabase("sqlite");
  ASSERT_TRUE(t.has_value()) << t.error();
  FakeClock clock;
  storage::SqlCustomerStore customers(*(*t)->db);
  storage::SqlPolicyStore policies(*(*t)->db);
  provisioning::ProvisioningService provisioning(policies, nullptr, clock,
                                                 compute::Estimator::Bundled());
  ASSERT_TRUE(provisioning.Load().ok());
  auto cipher = storage::PiiCipher::FromHexKeys(storage::PiiCipher::GenerateHexKey()).value();
  Onboarding onboarding(customers, cipher, provisioning, nullptr, clock);
  json j = Org("c-secret");
  ASSERT_TRUE(onboarding.Create(j.dump(), "", "kyc_test").has_value());
  ASSERT_TRUE(onboarding.Get("c-secret").has_value());
  // Every byte of the database (and its WAL) — no name, email, phone or address in clear.
  std::string bytes;
  for (const char* suffix : {"", "-wal"}) {
    std::ifstream in((*t)->cleanup_dir + "/test.db" + suffix, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    bytes += s.str();
  }
  ASSERT_GT(bytes.size(), 1000u);
  for (const char* pii : {"Zephyrine", "Quillon", "ops@zephyrine", "+6561234567", "Marina View"}) {
    EXPECT_EQ(bytes.find(pii), std::string::npos) << pii << " found in the database file";
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, OnboardingTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kycloud::cip
