#include "kycloud/base/base64.h"

#include <gtest/gtest.h>

namespace kycloud {
namespace {

TEST(Base64Test, RoundTrips) {
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    EXPECT_EQ(*Base64Decode(Base64Encode(s)), s);
  }
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_FALSE(Base64Decode("Zm9v!mFy").has_value());
  EXPECT_FALSE(Base64Decode("Zm9").has_value());
}

TEST(Base64Test, RefusesPaddingInTheMiddle) { EXPECT_FALSE(Base64Decode("Zm=vYmFy").has_value()); }

}  // namespace
}  // namespace kycloud
