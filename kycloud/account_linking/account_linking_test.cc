// Account linking in the service: CIP decisions link their customers, linked groups feed the
// policy (risk propagation), officers' judgements split groups for good, resellers' end users
// raise intermediary alerts, groups feed compute roll-ups.
#include "kycloud/account_linking/account_linking.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "kycloud/cip/onboarding_fixture.h"
#include "kycloud/storage/sql_link_judgement_store.h"

namespace kycloud::account_linking {
namespace {

using cip::json;
using cip::Org;

// A Singapore company of its own: name, address, contacts and card differ from every other.
json Own(std::string id, int k) {
  json j = Org(std::move(id));
  j["names"][0]["full"] =
      "Company " + std::string(1, static_cast<char>('A' + k)) + " Holdings Pte Ltd";
  j["addresses"][0]["lines"][0] = std::to_string(10 + k) + " Raffles Place";
  j["emails"] = json::array({"ops@company" + std::to_string(k) + ".example"});
  j["phones"] = json::array({"+65 6123 45" + std::to_string(10 + k)});
  j["payment_instruments"][0]["fingerprint"] = "fp_own_" + std::to_string(k);
  j["beneficial_owners"][0]["names"][0]["full"] = "Owner Number" + std::to_string(k);
  return j;
}

// A company headquartered in China that shares Own(_, 1)'s phone and card: one hidden party.
json HeadquarteredInChinaSharingWith1(std::string id) {
  json j = Own(std::move(id), 3);
  j["headquarters_country"] = "CN";
  j["phones"] = json::array({"+65 6123 4511"});
  j["payment_instruments"][0]["fingerprint"] = "fp_own_1";
  return j;
}

class AccountLinkingTest : public cip::OnboardingFixture {
 protected:
  void SetUp() override {
    cip::OnboardingFixture::SetUp();
    judgements_ = std::make_unique<storage::SqlLinkJudgementStore>(*db_->db);
    linking_ = MakeLinking();
    ASSERT_TRUE(linking_->Load().has_value());
    onboarding_->SetLinks(linking_.get());
  }
  std::unique_ptr<AccountLinking> MakeLinking() {
    AccountLinkingOptions o;
    o.min_training = 5000;  // a smaller background than the service's: a faster test
    return std::make_unique<AccountLinking>(*onboarding_, *customers_, *cipher_, *judgements_,
                                            *provisioning_, cases_.get(), nullptr, clock_, o);
  }
  std::string Decision(const std::string& id) { return customers_->Get(id)->decision; }
  std::vector<std::string> Rules(const std::string& id) {
    std::vector<std::string> out;
    auto s = provisioning_->StandingOf(id);
    if (!s) return out;
    for (const auto& r : s->always) out.push_back(r.rule);
    for (const auto& r : s->controlled) out.push_back(r.rule);
    return out;
  }
  static bool Has(const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  }

  std::unique_ptr<storage::SqlLinkJudgementStore> judgements_;
  std::unique_ptr<AccountLinking> linking_;
};

TEST_P(AccountLinkingTest, AGroupWithAD5HeadquarteredMemberSendsEveryMemberToReview) {
  Create(Own("c-front", 1));
  Create(Own("c-other", 2));
  ASSERT_NE(Decision("c-front"), "review");
  EXPECT_TRUE(linking_->EvidenceOf("c-front").group.empty());
  json hq = HeadquarteredInChinaSharingWith1("c-hq");
  auto created = Create(hq);
  ASSERT_TRUE(created.links.has_value());
  EXPECT_EQ(created.links->members, std::vector<std::string>{"c-front"});
  EXPECT_EQ(created.links->affected, std::vector<std::string>{"c-front"});
  // c-front was decided again: the group's evidence points to CN.
  EXPECT_EQ(Decision("c-front"), "review");
  EXPECT_TRUE(Has(Rules("c-front"), "ear.headquarters-inferred"));
  const cip::LinkedEvidence e = linking_->EvidenceOf("c-front");
  EXPECT_EQ(e.group, "c-front");
  EXPECT_TRUE(Has(e.countries, "CN"));
  EXPECT_NE(Decision("c-other"), "review");
  EXPECT_TRUE(linking_->EvidenceOf("c-other").group.empty());

  // The explanation: members, the link and its evidence.
  auto links = linking_->LinksJson("c-front");
  ASSERT_TRUE(links.has_value()) << links.error();
  json j = json::parse(*links);
  EXPECT_EQ(j["members"], json::array({"c-front", "c-hq"}));
  ASSERT_EQ(j["links"].size(), 1u);
  EXPECT_GT(j["links"][0]["probability"].get<double>(), 0.95);
  EXPECT_NE(j["links"][0]["evidence"].dump().find("phone"), std::string::npos);
  EXPECT_EQ(linking_->LinksJson("nobody").error().code(), StatusCode::kNotFound);

  // Compute roll-ups: both accounts in one group.
  auto groups = linking_->GroupLinks();
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].account_id, "c-front");
  EXPECT_EQ(groups[0].linked_group, groups[1].linked_group);
}

TEST_P(AccountLinkingTest, NotSameJudgementSplitsAndSurvivesRelinkAndRestart) {
  Create(Own("c-front", 1));
  json hq = HeadquarteredInChinaSharingWith1("c-hq");
  Create(hq);
  ASSERT_EQ(Decision("c-front"), "review");

  EXPECT_EQ(linking_->Judge({"c-front", "c-front", false, "x"}, "kyc_officer").error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(linking_->Judge({"c-front", "c-hq", false, ""}, "kyc_officer").error().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(linking_->Judge({"c-front", "ghost", false, "x"}, "kyc_officer").error().code(),
            StatusCode::kNotFound);
  auto redecided =
      linking_->Judge({"c-hq", "c-front", false, "shared serviced office"}, "kyc_officer");
  ASSERT_TRUE(redecided.has_value()) << redecided.error();
  EXPECT_EQ(*redecided, (std::vector<std::string>{"c-front", "c-hq"}));
  EXPECT_TRUE(linking_->EvidenceOf("c-front").group.empty());
  EXPECT_NE(Decision("c-front"), "review");  // decided again without the linked evidence
  auto stored = judgements_->All();
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ((*stored)[0].a, "c-front");
  EXPECT_FALSE((*stored)[0].same);

  // A batch re-link and a restart (a new index from the database) keep it split.
  ASSERT_TRUE(linking_->Relink("system").has_value());
  EXPECT_TRUE(linking_->EvidenceOf("c-front").group.empty());
  onboarding_->SetLinks(nullptr);
  linking_ = MakeLinking();
  ASSERT_TRUE(linking_->Load().has_value());
  onboarding_->SetLinks(linking_.get());
  EXPECT_TRUE(linking_->EvidenceOf("c-front").group.empty());
  // An update of either record does not join them again.
  auto updated = onboarding_->Update("c-front", R"({"website": "https://front.example"})", "t");
  ASSERT_TRUE(updated.has_value()) << updated.error();
  EXPECT_TRUE(linking_->EvidenceOf("c-front").group.empty());
  // "same" joins them again.
  ASSERT_TRUE(linking_->Judge({"c-front", "c-hq", true, "same director"}, "kyc_officer"));
  EXPECT_EQ(linking_->EvidenceOf("c-front").group, "c-front");
  EXPECT_EQ(Decision("c-front"), "review");
}

// A customer erased after retention leaves the index: purged here (Forget) or by another
// instance (FollowCustomers finds it gone); its former group is decided again without it.
TEST_P(AccountLinkingTest, AnErasedCustomerLeavesItsGroup) {
  Create(Own("c-front", 1));
  Create(HeadquarteredInChinaSharingWith1("c-hq"));
  ASSERT_EQ(Decision("c-front"), "review");
  ASSERT_TRUE(onboarding_->Close("c-hq", "kyc_officer").has_value());  // only closed ones go
  auto row = customers_->Get("c-hq");
  ASSERT_TRUE(row.has_value());
  ASSERT_TRUE(*customers_->DeleteIfUnchanged(*row));
  EXPECT_EQ(linking_->EvidenceOf("c-front").group, "c-front");  // not told yet
  const std::vector<std::string> affected = linking_->Forget({"c-hq", "never-there"});
  EXPECT_EQ(affected, std::vector<std::string>{"c-front"});
  EXPECT_TRUE(linking_->EvidenceOf("c-front").group.empty());
  EXPECT_EQ(linking_->LinksJson("c-hq").error().code(), StatusCode::kNotFound);
  EXPECT_TRUE(linking_->GroupLinks().empty());
  linking_->Redecide(affected, "system");
  EXPECT_NE(Decision("c-front"), "review");
  EXPECT_TRUE(linking_->Forget({"c-hq"}).empty());  // twice: nothing more

  // Erased through another instance: the change feed names it, and it is found gone.
  Create(HeadquarteredInChinaSharingWith1("c-hq-2"));
  ASSERT_EQ(linking_->EvidenceOf("c-front").group, "c-front");
  ASSERT_TRUE(onboarding_->Close("c-hq-2", "kyc_officer").has_value());
  row = customers_->Get("c-hq-2");
  ASSERT_TRUE(*customers_->DeleteIfUnchanged(*row));
  ASSERT_TRUE(linking_->FollowCustomers({"c-hq-2"}).ok());
  EXPECT_TRUE(linking_->EvidenceOf("c-front").group.empty());
  EXPECT_TRUE(linking_->GroupLinks().empty());
}

// Records decided without linking (a bulk import by the CLI): the next Load names the customers
// whose decisions miss their group's evidence, and deciding them again applies it.
TEST_P(AccountLinkingTest, LoadNamesCustomersDecidedWithoutTheirGroup) {
  onboarding_->SetLinks(nullptr);
  Create(Own("c-front", 1));
  json hq = HeadquarteredInChinaSharingWith1("c-hq");
  Create(hq);
  Create(Own("c-other", 2));
  ASSERT_NE(Decision("c-front"), "review");
  linking_ = MakeLinking();
  auto stale = linking_->Load();
  ASSERT_TRUE(stale.has_value()) << stale.error();
  EXPECT_EQ(*stale, (std::vector<std::string>{"c-front", "c-hq"}));
  onboarding_->SetLinks(linking_.get());
  linking_->Redecide(*stale, "system");
  EXPECT_EQ(Decision("c-front"), "review");
  EXPECT_TRUE(Has(Rules("c-front"), "ear.headquarters-inferred"));
  // Decided with their group now: nothing is stale at the next start.
  linking_ = MakeLinking();
  stale = linking_->Load();
  ASSERT_TRUE(stale.has_value());
  EXPECT_TRUE(stale->empty()) << stale->front();
  onboarding_->SetLinks(linking_.get());
}

TEST_P(AccountLinkingTest, ResellerWhoseEndUsersPayFromChinaRaisesAnIntermediaryAlert) {
  json reseller = Own("r-1", 5);
  reseller["is_reseller"] = true;
  reseller["end_user_countries"] = json::array({"SG"});
  Create(reseller);
  ASSERT_NE(Decision("r-1"), "review");
  json user = Own("u-1", 6);
  user["reseller_id"] = "r-1";
  Create(user);
  EXPECT_NE(Decision("r-1"), "review");  // a Singapore card: nothing to see
  json hidden = Own("u-2", 7);
  hidden["reseller_id"] = "r-1";
  hidden["payment_instruments"][0]["issuing_country"] = "CN";
  Create(hidden);
  // The reseller was decided again with its end users' evidence.
  EXPECT_EQ(Decision("r-1"), "review");
  EXPECT_TRUE(Has(Rules("r-1"), "ear.reseller-end-users"));
  EXPECT_EQ(linking_->EvidenceOf("r-1").end_user_countries, (std::vector<std::string>{"CN", "SG"}));
  auto alerts = case_store_->ListAlerts({});
  ASSERT_TRUE(alerts.has_value()) << alerts.error();
  size_t intermediary = 0;
  for (const auto& a : *alerts) {
    if (a.kind == "linking.intermediary") {
      ++intermediary;
      EXPECT_EQ(a.subject, "r-1");
      EXPECT_NE(a.details_json.find("u-2"), std::string::npos);
      EXPECT_EQ(a.details_json.find("u-1"), std::string::npos);
    }
  }
  EXPECT_EQ(intermediary, 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, AccountLinkingTest, ::testing::Values("sqlite"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kycloud::account_linking
