#include "kycloud/cip/us_person_classifier.h"

#include <gtest/gtest.h>

namespace kycloud::cip {
namespace {

Customer Org(std::string incorporated, std::string address_country) {
  Customer c;
  c.id = "c";
  c.kind = "organisation";
  c.country_of_incorporation = std::move(incorporated);
  c.addresses.push_back(Address{{"1 Main St"}, "", "", "", std::move(address_country), ""});
  return c;
}

BeneficialOwner Owner(std::string id, std::string nationality, std::string residence) {
  BeneficialOwner o;
  o.id = std::move(id);
  o.kind = "person";
  o.nationality = std::move(nationality);
  o.residence_country = std::move(residence);
  o.share = 0.5;
  return o;
}

TEST(UsPersonClassifierTest, DefaultForeignAndEvidence) {
  Customer c;
  c.id = "x";
  c.kind = "individual";
  Classification k = ClassifyUsPerson(c, {});
  EXPECT_FALSE(k.customer_us);
  EXPECT_TRUE(k.verification_required);
  ASSERT_EQ(k.evidence.size(), 1u);
  EXPECT_EQ(k.evidence[0].fact, "none");
}

TEST(UsPersonClassifierTest, UsEntityWithUsOwnersSkipsVerification) {
  Customer c = Org("US", "US");
  c.beneficial_owners = {Owner("a", "US", "US"), Owner("b", "DE", "US")};  // b resides in the US
  Classification k = ClassifyUsPerson(c, {"US"});
  EXPECT_TRUE(k.customer_us);
  EXPECT_TRUE(k.foreign_owners.empty());
  EXPECT_FALSE(k.verification_required);
  // One foreign owner is enough to require verification (R8).
  c.beneficial_owners.push_back(Owner("c", "CN", "CN"));
  k = ClassifyUsPerson(c, {});
  EXPECT_TRUE(k.verification_required);
  EXPECT_EQ(k.foreign_owners, std::vector<std::string>{"c"});
}

TEST(UsPersonClassifierTest, InUsPresenceCounts) {
  Customer c = Org("SG", "SG");
  EXPECT_FALSE(ClassifyUsPerson(c, {}).customer_us);
  c.us_presence = true;
  EXPECT_TRUE(ClassifyUsPerson(c, {}).customer_us);
  c.us_presence = false;
  EXPECT_TRUE(ClassifyUsPerson(c, {"US", "US"}).customer_us);   // every access from the US
  EXPECT_FALSE(ClassifyUsPerson(c, {"US", "SG"}).customer_us);  // not only
  Customer person;
  person.id = "p";
  person.kind = "individual";
  person.nationalities = {"FR", "US"};
  Classification k = ClassifyUsPerson(person, {});
  EXPECT_TRUE(k.customer_us);
  EXPECT_NE(k.Json().find("\"nationalities\""), std::string::npos);
}

}  // namespace
}  // namespace kycloud::cip
