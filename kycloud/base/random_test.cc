#include "kycloud/base/random.h"

#include <gtest/gtest.h>

#include <set>

namespace kycloud {
namespace {

TEST(RandomTest, BytesHaveLengthAndDiffer) {
  EXPECT_EQ(SecureRandomBytes(32).size(), 32u);
  EXPECT_NE(SecureRandomBytes(32), SecureRandomBytes(32));
  EXPECT_EQ(SecureRandomBytes(0).size(), 0u);
}

TEST(RandomTest, AlphanumericUsesWholeAlphabet) {
  std::string s = RandomAlphanumeric(20000);
  ASSERT_EQ(s.size(), 20000u);
  std::set<char> seen(s.begin(), s.end());
  EXPECT_EQ(seen.size(), 62u);  // P(miss any of 62 in 20000 draws) < 1e-130
  for (char c : s) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)));
}

}  // namespace
}  // namespace kycloud
