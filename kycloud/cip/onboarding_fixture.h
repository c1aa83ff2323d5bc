// Test fixture: onboarding over a test database of either backend (the test's parameter), with
// the bundled policy, a fresh data key and a fake clock at 2026-12-01; and sample records.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "kycloud/cip/onboarding.h"
#include "kycloud/storage/sql_case_store.h"
#include "kycloud/storage/sql_customer_store.h"
#include "kycloud/storage/sql_policy_store.h"
#include "kycloud/storage/testing/test_database.h"

namespace kycloud::cip {

using json = nlohmann::json;

// A Singapore company with one Singaporean owner (foreign: verification required).
inline json Org(std::string id) {
  json j = json::parse(R"({
    "kind": "organisation",
    "names": [{"full": "Zephyrine Compute Pte Ltd"}],
    "addresses": [{"lines": ["8 Marina View"], "locality": "Singapore", "country": "SG"}],
    "country_of_incorporation": "SG",
    "emails": ["ops@zephyrine.example"], "phones": ["+65 6123 4567"],
    "beneficial_owners": [{"id": "bo-1", "kind": "person", "names": [{"full": "Quillon Varga"}],
                           "nationality": "SG", "residence_country": "SG", "share": 0.6}],
    "payment_instruments": [{"type": "card", "issuing_country": "SG", "fingerprint": "fp_1"}]
  })");
  j["id"] = std::move(id);
  return j;
}

inline json UsOrg(std::string id) {
  json j = Org(std::move(id));
  j["addresses"][0]["country"] = "US";
  j["addresses"][0]["locality"] = "Austin";
  j["country_of_incorporation"] = "US";
  j["phones"] = json::array({"+1 202 555 0143"});
  j["beneficial_owners"][0]["nationality"] = "US";
  j["beneficial_owners"][0]["residence_country"] = "US";
  j["payment_instruments"][0]["issuing_country"] = "US";
  return j;
}

class OnboardingFixture : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto t = storage::testing::MakeTestDatabase(GetParam());
    ASSERT_TRUE(t.has_value()) << t.error();
    db_ = std::move(*t);
    customers_ = std::make_unique<storage::SqlCustomerStore>(*db_->db);
    policy_store_ = std::make_unique<storage::SqlPolicyStore>(*db_->db);
    case_store_ = std::make_unique<storage::SqlCaseStore>(*db_->db);
    cases_ = std::make_unique<cases::CaseManager>(*case_store_, clock_, nullptr, nullptr);
    provisioning_ = std::make_unique<provisioning::ProvisioningService>(
        *policy_store_, cases_.get(), clock_, compute::Estimator::Bundled());
    ASSERT_TRUE(provisioning_->Load().ok());
    cipher_ =
        std::make_unique<storage::PiiCipher>(storage::PiiCipher::FromHexKeys(key_hex_).value());
    onboarding_ =
        std::make_unique<Onboarding>(*customers_, *cipher_, *provisioning_, cases_.get(), clock_);
  }
  OnboardingResult Create(const json& j, std::string key = "") {
    auto r = onboarding_->Create(j.dump(), key, "kyc_test");
    EXPECT_TRUE(r.has_value()) << j.dump() << ": " << r.error().ToString();
    return r.value_or(OnboardingResult{});
  }

  FakeClock clock_{Timestamp(std::chrono::sys_days(std::chrono::year(2026) / 12 / 1))};
  std::unique_ptr<storage::testing::TestDatabase> db_;
  std::unique_ptr<storage::SqlCustomerStore> customers_;
  std::unique_ptr<storage::SqlPolicyStore> policy_store_;
  std::unique_ptr<storage::SqlCaseStore> case_store_;
  std::unique_ptr<cases::CaseManager> cases_;
  std::unique_ptr<provisioning::ProvisioningService> provisioning_;
  std::string key_hex_ = storage::PiiCipher::GenerateHexKey();  // the data key
  std::unique_ptr<storage::PiiCipher> cipher_;
  std::unique_ptr<Onboarding> onboarding_;
};

}  // namespace kycloud::cip
