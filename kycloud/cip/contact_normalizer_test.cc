#include "kycloud/cip/contact_normalizer.h"

#include <gtest/gtest.h>

namespace kycloud::cip {
namespace {

TEST(ContactNormalizerTest, Countries) {
  EXPECT_EQ(NormalizeCountry("sg").value(), "SG");
  EXPECT_EQ(NormalizeCountry(" US ").value(), "US");
  EXPECT_FALSE(NormalizeCountry("XX").has_value());  // not assigned
  EXPECT_FALSE(NormalizeCountry("USA").has_value());
  EXPECT_FALSE(NormalizeCountry("").has_value());
  EXPECT_TRUE(IsIsoCountry("MO"));
}

TEST(ContactNormalizerTest, PhonesToE164) {
  EXPECT_EQ(NormalizePhone("+65 6123 4567", "").value(), "+6561234567");
  EXPECT_EQ(NormalizePhone("(202) 555-0143", "US").value(), "+12025550143");
  EXPECT_EQ(NormalizePhone("030 901820", "DE").value(), "+4930901820");
  EXPECT_FALSE(NormalizePhone("12345", "US").has_value());    // too short
  EXPECT_FALSE(NormalizePhone("call me", "US").has_value());  // not a number
  EXPECT_FALSE(NormalizePhone("6123 4567", "").has_value());  // no region, no +
  EXPECT_FALSE(NormalizePhone("+1 555 0000 0000 00", "").has_value());
}

TEST(ContactNormalizerTest, Emails) {
  EXPECT_EQ(NormalizeEmail(" Ops@Acme.EXAMPLE ").value(), "Ops@acme.example");
  EXPECT_EQ(EmailDomain("ops@acme.example"), "acme.example");
  EXPECT_TRUE(IsFreeMailDomain("gmail.com"));
  EXPECT_FALSE(IsFreeMailDomain("acme.example"));
  for (const char* bad : {"no-at.example", "@acme.example", "a@", "a@b@c.com", "a b@c.com",
                          "a@nodot", "a@.com", "a@b..com"}) {
    EXPECT_FALSE(NormalizeEmail(bad).has_value()) << bad;
  }
}

TEST(ContactNormalizerTest, NamesAreNfcAndCollapsed) {
  EXPECT_EQ(NormalizeName("  Jos\xC3\xA9   Mar\xC3\xAD"
                          "a ")
                .value(),
            "Jos\xC3\xA9 Mar\xC3\xAD"
            "a");
  // "e" + combining acute composes to "é".
  EXPECT_EQ(NormalizeName("Jose\xCC\x81").value(), "Jos\xC3\xA9");
  EXPECT_FALSE(NormalizeName("   ").has_value());
  EXPECT_FALSE(NormalizeName("bad \xFF utf8").has_value());
}

TEST(ContactNormalizerTest, CardNumbersAreSpotted) {
  EXPECT_TRUE(LooksLikeCardNumber("4111 1111 1111 1111"));
  EXPECT_TRUE(LooksLikeCardNumber("card 5500-0000-0000-0004 exp"));
  EXPECT_FALSE(LooksLikeCardNumber("4111 1111 1111 1112"));  // Luhn fails
  EXPECT_FALSE(LooksLikeCardNumber("fp_9a8b7c"));
  EXPECT_FALSE(LooksLikeCardNumber("DE89 3704 0044"));  // too short
}

}  // namespace
}  // namespace kycloud::cip
