#include "kycloud/compute/export_class.h"

#include <gtest/gtest.h>

namespace kycloud::compute {
namespace {

TEST(ExportClassTest, NumericTestOf3A090AtItsBoundaries) {
  struct Case {
    std::optional<double> tpp, pd;
    ExportClass want;
  };
  const Case cases[] = {
      {4800, std::nullopt, ExportClass::k3A090a},  // TPP alone decides
      {15832, 19.4, ExportClass::k3A090a},         // H100 SXM
      {4799, 5.92, ExportClass::k3A090a},          // dense enough
      {1600, 5.92, ExportClass::k3A090a},
      {1599.9, 100, ExportClass::kNone},  // below 1600 nothing applies
      {2400, 1.6, ExportClass::k3A090b},
      {4799, 5.91, ExportClass::k3A090b},
      {2399, 1.6, ExportClass::kNone},    // first .b leg needs TPP 2400
      {2399, 3.2, ExportClass::k3A090b},  // second .b leg
      {1600, 3.19, ExportClass::kNone},
      {2368, 2.91, ExportClass::kNone},  // H20: designed below the line
      {2400, 1.59, ExportClass::kNone},
      {3000, std::nullopt, ExportClass::kUnknown},  // depends on the die area
      {std::nullopt, std::nullopt, ExportClass::kUnknown},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(Classify3A090(c.tpp, c.pd), c.want)
        << "tpp " << c.tpp.value_or(-1) << " pd " << c.pd.value_or(-1);
  }
  EXPECT_EQ(ExportClassName(ExportClass::k3A090a), "3A090.a");
  EXPECT_EQ(ExportClassName(ExportClass::kNone), "none");
}

}  // namespace
}  // namespace kycloud::compute
