#include "kycloud/provisioning/provisioning_service.h"

#include <gtest/gtest.h>

#include <set>

#include "kycloud/compute/provisioning_hardware.h"
#include "kycloud/policy/policy_data.h"
#include "kycloud/storage/sql_case_store.h"
#include "kycloud/storage/sql_policy_store.h"
#include "kycloud/storage/testing/test_database.h"

namespace kycloud::provisioning {
namespace {

policy::Date D(std::string_view s) { return policy::ParseDate(s).value(); }

std::vector<policy::PolicyFile> WithMeasures(std::string measures, std::string version) {
  auto files = policy::BundledPolicyFiles();
  for (auto& f : files) {
    if (f.name == "special-measures.toml") f.text += measures;
    if (f.name == "policy.toml") {
      const std::string from = "version = \"";
      size_t at = f.text.find(from);
      size_t end = f.text.find('"', at + from.size());
      f.text.replace(at, end + 1 - at, "version = \"" + version + "\"");
    }
  }
  return files;
}

class ProvisioningServiceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto t = storage::testing::MakeTestDatabase(GetParam());
    ASSERT_TRUE(t.has_value()) << t.error();
    db_ = std::move(*t);
    policy_store_ = std::make_unique<storage::SqlPolicyStore>(*db_->db);
    case_store_ = std::make_unique<storage::SqlCaseStore>(*db_->db);
    cases_ = std::make_unique<cases::CaseManager>(*case_store_, clock_, nullptr, nullptr);
    service_ = Make();
  }
  std::unique_ptr<ProvisioningService> Make() {
    auto s = std::make_unique<ProvisioningService>(*policy_store_, cases_.get(), clock_,
                                                   compute::Estimator::Bundled());
    EXPECT_TRUE(s->Load().ok());
    return s;
  }
  void Put(const std::string& id, const std::string& json) {
    auto s = service_->PutParty(id, json);
    ASSERT_TRUE(s.has_value()) << s.error().ToString();
  }
  std::set<std::string> PolicyAlertSubjects() {
    storage::AlertFilter f;
    f.source = "policy";
    auto alerts = case_store_->ListAlerts(f);
    EXPECT_TRUE(alerts.has_value());
    std::set<std::string> out;
    for (const auto& a : *alerts) out.insert(a.subject);
    return out;
  }

  FakeClock clock_{Timestamp(std::chrono::sys_days(D("2027-03-01")))};
  std::unique_ptr<storage::testing::TestDatabase> db_;
  std::unique_ptr<storage::SqlPolicyStore> policy_store_;
  std::unique_ptr<storage::SqlCaseStore> case_store_;
  std::unique_ptr<cases::CaseManager> cases_;
  std::unique_ptr<ProvisioningService> service_;
};

TEST_P(ProvisioningServiceTest, AuthorizesInstanceTypesAndAccelerators) {
  Put("c-us", R"({"id": "c-us", "country": "US", "us_person": true})");
  Put("c-cn", R"({"id": "c-cn", "country": "SG", "headquarters_country": "CN"})");
  AuthorizeInput in{"c-us", "p5.48xlarge", "", 2, "us-east-1", std::nullopt};
  auto d = service_->Authorize(in);
  ASSERT_TRUE(d.has_value()) << d.error().ToString();
  EXPECT_EQ(d->outcome, policy::Action::kAllow);
  EXPECT_TRUE(d->controlled);
  in.customer_id = "c-cn";
  d = service_->Authorize(in);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->outcome, policy::Action::kDeny);
  EXPECT_EQ(d->reasons.at(0).rule, "ear.headquarters");
  EXPECT_EQ(d->policy_id, policy::Policy::Bundled().Id());
  in = AuthorizeInput{"c-cn", "", "NVIDIA HGX H20", 8, "us-east-1", std::nullopt};
  EXPECT_EQ(service_->Authorize(in)->outcome, policy::Action::kAllow);
  // Bad requests name the field.
  in.accelerator = "no-such-chip";
  EXPECT_EQ(service_->Authorize(in).error().field(), "/accelerator");
  in.accelerator = "h100";
  in.count = 0;
  EXPECT_EQ(service_->Authorize(in).error().field(), "/count");
  in.count = 1;
  in.instance_type = "p5.48xlarge";
  EXPECT_EQ(service_->Authorize(in).error().field(), "/instance_type");
  // Facts survive a restart (the store), and the precomputed standing comes back.
  service_ = Make();
  in = AuthorizeInput{"c-cn", "p5.48xlarge", "", 1, "us-east-1", std::nullopt};
  EXPECT_EQ(service_->Authorize(in)->outcome, policy::Action::kDeny);
}

TEST_P(ProvisioningServiceTest, ChangedSpecialMeasureAlertsExactlyTheAffectedCustomers) {
  Put("c-us", R"({"id": "c-us", "country": "US", "us_person": true})");
  Put("c-sg", R"({"id": "c-sg", "country": "SG"})");
  Put("c-sg-parent", R"({"id": "c-sg-parent", "country": "GB", "headquarters_country": "SG"})");
  Put("reseller", R"({"id": "reseller", "country": "US", "us_person": true, "reseller": true,
                      "end_user_countries": ["SG", "JP"]})");
  Put("c-jp", R"({"id": "c-jp", "country": "JP"})");
  const std::string measure =
      "[[measure]]\nid = \"SM-SG\"\njurisdiction = \"SG\"\nmeasure = \"prohibit\"\n"
      "effective = 2027-03-01\nsource = \"test\"\n";
  auto r = service_->Publish(WithMeasures(measure, "test.1"), "kyc_admin");
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  EXPECT_TRUE(r->published);
  EXPECT_EQ(r->alert_ids.size(), 3u);
  EXPECT_EQ(PolicyAlertSubjects(), (std::set<std::string>{"c-sg", "c-sg-parent", "reseller"}));
  AuthorizeInput in{"c-sg", "", "h100", 1, "us-east-1", std::nullopt};
  EXPECT_EQ(service_->Authorize(in)->outcome, policy::Action::kDeny);
  EXPECT_EQ(service_->Authorize(in)->policy_id, r->policy_id);

  // The measure changes (SG -> JP): alerts for the newly affected only (c-jp; the reseller
  // already had the SG one and now gains the JP one).
  const std::string changed =
      "[[measure]]\nid = \"SM-JP\"\njurisdiction = \"JP\"\nmeasure = \"condition\"\n"
      "effective = 2027-03-01\nsource = \"test\"\n";
  r = service_->Publish(WithMeasures(changed, "test.2"), "kyc_admin");
  ASSERT_TRUE(r.has_value()) << r.error().ToString();
  std::set<std::string> alerted;
  for (const auto& c : r->changes) {
    if (!c.added.empty()) alerted.insert(c.customer_id);
  }
  EXPECT_EQ(alerted, (std::set<std::string>{"c-jp", "reseller"}));
  EXPECT_EQ(r->alert_ids.size(), 2u);
  EXPECT_EQ(service_->Authorize(in)->outcome, policy::Action::kAllow);  // c-sg released

  // Publishing the same label with other content is refused; the service keeps its version.
  auto edited = service_->Publish(WithMeasures(measure, "test.2"), "kyc_admin");
  ASSERT_FALSE(edited.has_value());
  EXPECT_EQ(edited.error().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(service_->policy()->Id(), r->policy_id);
  // A malformed version is refused with file, line and reason; the last good one keeps serving.
  auto bad = WithMeasures("[[measure]]\nid = \"x\"\nmeasure = \"ban\"\n", "test.3");
  auto refused = service_->Publish(bad, "kyc_admin");
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().message().find("special-measures.toml:"), std::string::npos);
  EXPECT_EQ(service_->policy()->Id(), r->policy_id);
  // A restart serves the last published version.
  service_ = Make();
  EXPECT_EQ(service_->policy()->Id(), r->policy_id);

  // The measure expires after 365 days: the day it ends is a change too (no new alert: a
  // release).
  auto expiry = service_->ReevaluateDates(D("2028-02-28"), D("2028-02-29"), "scheduler");
  ASSERT_TRUE(expiry.has_value());
  EXPECT_EQ(expiry->changes.size(), 2u);
  EXPECT_TRUE(expiry->alert_ids.empty());
}

TEST_P(ProvisioningServiceTest, FactsAreValidated) {
  auto s = service_->PutParty("c-1", R"({"id": "c-1", "country": "China"})");
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().field(), "/country");
  s = service_->PutParty("c-1", R"({"id": "c-2"})");
  ASSERT_FALSE(s.has_value());
  EXPECT_EQ(s.error().field(), "/id");
  EXPECT_FALSE(service_->StandingOf("c-1").has_value());
}

TEST(ExportClassTest, CatalogNumericTestAndMaintainedLegalStatus) {
  auto one = [](std::string_view what) {
    auto hw = compute::ProvisioningHardware(compute::Estimator::Bundled(), what, 1);
    EXPECT_TRUE(hw.has_value()) << what;
    return hw.value().at(0);
  };
  EXPECT_EQ(one("h100").numeric_class, "3A090.a");
  EXPECT_EQ(one("NVIDIA HGX H20").numeric_class, "none");
  EXPECT_EQ(one("NVIDIA L4").numeric_class, "3A090.a");  // TPP < 4800 but PD >= 5.92
  EXPECT_EQ(one("NVIDIA GeForce RTX 3090").numeric_class, "3A090.b");
  // The decision: the maintained status wins over the numeric test.
  const policy::Policy& p = policy::Policy::Bundled();
  policy::PartyFacts f;
  f.id = "c";
  f.country = "SG";
  f.headquarters_country = "CN";
  policy::PartyDirectory dir;
  dir.Put(f);
  const policy::Date date = D("2026-12-01");
  const policy::Standing s = policy::EvaluateStanding(p, dir, f, date);
  auto decide = [&](std::string_view what) {
    return policy::Decide(p, &s, policy::AuthorizeRequest{"c", {one(what)}, "us-east-1", {}}, date);
  };
  policy::Decision rtx = decide("NVIDIA GeForce RTX 3090");
  EXPECT_FALSE(rtx.controlled);
  EXPECT_EQ(rtx.classes.at(0), "5A992.c (maintained)");
  EXPECT_EQ(rtx.outcome, policy::Action::kAllow);
  policy::Decision l4 = decide("NVIDIA L4");
  EXPECT_TRUE(l4.controlled);
  EXPECT_EQ(l4.outcome, policy::Action::kDeny);
  policy::Decision rtx3090ti = decide("NVIDIA GeForce RTX 3090 Ti");  // no status: numeric .b
  EXPECT_TRUE(rtx3090ti.controlled);
  EXPECT_EQ(rtx3090ti.classes.at(0), "3A090.b (numeric test)");
  EXPECT_FALSE(decide("NVIDIA HGX H20").controlled);
}

INSTANTIATE_TEST_SUITE_P(Backends, ProvisioningServiceTest,
                         ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kycloud::provisioning
