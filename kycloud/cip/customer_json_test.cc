#include "kycloud/cip/customer_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "kycloud/policy/policy.h"

namespace kycloud::cip {
namespace {

using nlohmann::json;

const CipPolicy& Bundled() {
  static const CipPolicy p = CipPolicy::FromPolicy(policy::Policy::Bundled()).value();
  return p;
}

json Org() {
  return json::parse(R"({
    "id": "c-1", "kind": "organisation",
    "names": [{"full": "Acme  Pte Ltd"}, {"full": "艾克米", "kind": "local_script"}],
    "addresses": [{"lines": ["1 Raffles Place"], "locality": "Singapore", "postcode": "048616",
                   "country": "sg"}],
    "country_of_incorporation": "SG", "headquarters_country": "SG",
    "ultimate_parent_name": "Acme Holdings", "ultimate_parent_country": "CN",
    "website": "https://acme.example", "emails": ["Ops@ACME.example"],
    "phones": ["6123 4567"],
    "national_ids": [{"type": "company_registration", "number": "201912345K", "country": "SG"}],
    "beneficial_owners": [
      {"id": "bo-1", "kind": "person", "names": [{"full": "Tan Wei"}], "nationality": "SG",
       "residence_country": "SG", "share": 0.6, "date_of_birth": "1980-02-29"},
      {"id": "bo-2", "kind": "person", "names": [{"full": "Li Na"}], "nationality": "CN",
       "share": 0.1, "control_role": "director"}],
    "payment_instruments": [{"type": "card", "institution": "DBS", "issuing_country": "SG",
                             "fingerprint": "fp_9a8b7c"}]
  })");
}

TEST(CustomerJsonTest, ParsesAndNormalises) {
  auto c = ParseCustomer(Org().dump(), Bundled());
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_EQ(c->names[0].full, "Acme Pte Ltd");
  EXPECT_EQ(c->names[1].kind, "local_script");
  EXPECT_EQ(c->addresses[0].country, "SG");
  EXPECT_EQ(c->emails[0], "Ops@acme.example");
  EXPECT_EQ(c->phones[0], "+6561234567");  // read in the address's country
  EXPECT_EQ(c->beneficial_owners.size(), 2u);
  EXPECT_DOUBLE_EQ(c->beneficial_owners[0].share, 0.6);
  // The JSON form parses back to the same record.
  auto again = ParseCustomer(CustomerJson(*c), Bundled());
  ASSERT_TRUE(again.has_value()) << again.error().ToString();
  EXPECT_EQ(CustomerJson(*again), CustomerJson(*c));
}

struct Bad {
  std::string what;  // a JSON merge into the valid record, or "" to remove `field`
  std::string pointer, rule;
};

TEST(CustomerJsonTest, EveryRejectionNamesTheFieldAndTheRule) {
  const Bad cases[] = {
      {R"({"phones": null})", "/phones", "cip.required"},
      {R"({"beneficial_owners": []})", "/beneficial_owners", "cip.required"},
      {R"({"kind": "trust"})", "/kind", "cip.enum"},
      {R"({"colour": "red"})", "/colour", "cip.unknown_field"},
      {R"({"country_of_incorporation": "XX"})", "/country_of_incorporation", "cip.country"},
      {R"({"addresses": [{"country": "Singapore"}]})", "/addresses/0/country", "cip.country"},
      {R"({"addresses": [{"country": "UA", "subdivision": "RU-43"}]})", "/addresses/0/subdivision",
       "cip.country"},
      {R"({"phones": ["+65 6123 4567", "12"]})", "/phones/1", "cip.phone"},
      {R"({"emails": ["ops at acme"]})", "/emails/0", "cip.email"},
      {R"({"names": [{"full": "   "}]})", "/names/0/full", "cip.name"},
      {R"({"names": [{"name": "Acme"}]})", "/names/0/name", "cip.unknown_field"},
      {R"({"payment_instruments": [{"type": "card", "fingerprint": "4111 1111 1111 1111"}]})",
       "/payment_instruments/0/fingerprint", "cip.card_number"},
      {R"({"payment_instruments": [{"type": "card"}]})", "/payment_instruments/0/fingerprint",
       "cip.required"},
      {R"({"payment_instruments": [{"type": "wallet"}]})", "/payment_instruments/0/wallet_address",
       "cip.required"},
      {R"({"beneficial_owners": [{"id": "a", "kind": "person", "names": [{"full": "A"}],
           "share": 0.7}, {"id": "b", "kind": "person", "names": [{"full": "B"}], "share": 0.6}]})",
       "/beneficial_owners", "cip.owner_shares"},
      {R"({"beneficial_owners": [{"id": "a", "kind": "person", "names": [{"full": "A"}],
           "share": 1.5}]})",
       "/beneficial_owners/0/share", "cip.owner_shares"},
      {R"({"beneficial_owners": [{"id": "a", "kind": "person", "names": [{"full": "A"}],
           "share": 0.1}]})",
       "/beneficial_owners/0/share", "cip.owner_threshold"},
      {R"({"beneficial_owners": [{"id": "a", "kind": "person", "names": [{"full": "A"}],
           "share": 0.3}, {"id": "a", "kind": "person", "names": [{"full": "B"}], "share": 0.3}]})",
       "/beneficial_owners/1/id", "cip.duplicate"},
      {R"({"beneficial_owners": [{"id": "a", "kind": "person", "names": [{"full": "A"}],
           "share": 0.3, "date_of_birth": "1980-02-30"}]})",
       "/beneficial_owners/0/date_of_birth", "cip.date"},
      {R"({"website": "acme.example"})", "/website", "cip.type"},
      {R"({"id": "has space"})", "/id", "cip.type"},
      {R"({"emails": "ops@acme.example"})", "/emails", "cip.type"},
  };
  for (const Bad& b : cases) {
    json j = Org();
    j.merge_patch(json::parse(b.what));
    auto c = ParseCustomer(j.dump(), Bundled());
    ASSERT_FALSE(c.has_value()) << b.what;
    EXPECT_EQ(c.error().field(), b.pointer) << b.what << ": " << c.error().ToString();
    EXPECT_EQ(c.error().reason(), b.rule) << b.what << ": " << c.error().ToString();
  }
  EXPECT_FALSE(ParseCustomer("{", Bundled()).has_value());
  EXPECT_FALSE(ParseCustomer("[]", Bundled()).has_value());
}

TEST(CustomerJsonTest, IndividualsNeedLessAndPatchesRevalidate) {
  json person = json::parse(R"({
    "id": "p-1", "kind": "individual", "names": [{"full": "Jane Roe"}],
    "addresses": [{"lines": ["1 Main St"], "locality": "Springfield", "country": "US"}],
    "emails": ["jane@example.org"], "phones": ["(202) 555-0143"],
    "payment_instruments": [{"type": "card", "fingerprint": "fp_1"}], "date_of_birth": "1990-05-01"
  })");
  auto c = ParseCustomer(person.dump(), Bundled());
  ASSERT_TRUE(c.has_value()) << c.error().ToString();
  EXPECT_EQ(c->phones[0], "+12025550143");
  auto patched = ApplyCustomerPatch(*c, R"({"emails": ["jane@new.example"]})", Bundled());
  ASSERT_TRUE(patched.has_value()) << patched.error().ToString();
  EXPECT_EQ(patched->emails, std::vector<std::string>{"jane@new.example"});
  EXPECT_EQ(patched->phones, c->phones);
  auto bad = ApplyCustomerPatch(*c, R"({"phones": []})", Bundled());
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().field(), "/phones");
  EXPECT_EQ(ApplyCustomerPatch(*c, R"({"id": "p-2"})", Bundled()).error().field(), "/id");
  EXPECT_EQ(ApplyCustomerPatch(*c, R"({"kind": "organisation"})", Bundled()).error().field(),
            "/kind");
}

TEST(CipPolicyTest, BundledAndMalformed) {
  EXPECT_EQ(Bundled().pending_action, "restrict_and_monitor");
  EXPECT_EQ(Bundled().reverify_days.at("high"), 180);
  EXPECT_EQ(Bundled().retention_days_after_close, 730);
  auto bad = CipPolicy::Parse(
      "version = \"x\"\n[required]\nindividual = [\"names\"]\n"
      "[verification]\npending = \"ignore\"\n",
      "cip.toml");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message().find("cip.toml:5: verification.pending"), std::string::npos)
      << bad.error().message();
}

}  // namespace
}  // namespace kycloud::cip
