#include "kycloud/storage/pii_cipher.h"

#include <gtest/gtest.h>

namespace kycloud::storage {
namespace {

TEST(PiiCipherTest, SealOpenBindAndRotate) {
  const std::string k1 = PiiCipher::GenerateHexKey(), k2 = PiiCipher::GenerateHexKey();
  ASSERT_EQ(k1.size(), 64u);
  ASSERT_NE(k1, k2);
  auto c1 = PiiCipher::FromHexKeys(k1);
  ASSERT_TRUE(c1.has_value());
  const std::string sealed = c1->Seal("Tan Wei, +6561234567", "customers/c-1");
  EXPECT_EQ(sealed.find("Tan Wei"), std::string::npos);
  EXPECT_EQ(PiiCipher::KeyIdOf(sealed), c1->current_key_id());
  EXPECT_NE(c1->Seal("x", "a"), c1->Seal("x", "a"));  // random nonces
  EXPECT_EQ(c1->Open(sealed, "customers/c-1").value(), "Tan Wei, +6561234567");
  // Bound to its record; tampering is detected.
  EXPECT_EQ(c1->Open(sealed, "customers/c-2").error().code(), StatusCode::kDataLoss);
  std::string tampered = sealed;
  tampered[tampered.size() - 5] = tampered[tampered.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(c1->Open(tampered, "customers/c-1").has_value());
  EXPECT_EQ(c1->Open("plain text", "customers/c-1").error().code(), StatusCode::kDataLoss);
  // After a rotation the old key still opens; a cipher without it says which key is missing.
  auto rotated = PiiCipher::FromHexKeys(k2, {k1});
  ASSERT_TRUE(rotated.has_value());
  EXPECT_EQ(rotated->Open(sealed, "customers/c-1").value(), "Tan Wei, +6561234567");
  EXPECT_NE(PiiCipher::KeyIdOf(rotated->Seal("x", "a")), c1->current_key_id());
  auto only_new = PiiCipher::FromHexKeys(k2);
  EXPECT_EQ(only_new->Open(sealed, "customers/c-1").error().code(), StatusCode::kNotFound);
  EXPECT_FALSE(PiiCipher::FromHexKeys("abc").has_value());
  EXPECT_FALSE(PiiCipher::FromHexKeys(std::string(64, 'g')).has_value());
}

}  // namespace
}  // namespace kycloud::storage
