// The bundled accelerator catalog (Epoch's table with the reviewed overrides) and the parser's
// errors.
#include "kycloud/compute/accelerator_catalog.h"

#include <gtest/gtest.h>

namespace kycloud::compute {
namespace {

const AcceleratorCatalog& Cat() { return AcceleratorCatalog::Bundled(); }

TEST(AcceleratorCatalogTest, FindsByNameAliasAndSpelling) {
  const Accelerator* h100 = Cat().Find("NVIDIA H100 SXM5 80GB");
  ASSERT_NE(h100, nullptr);
  EXPECT_EQ(Cat().Find("h100"), h100);
  EXPECT_EQ(Cat().Find("nvidia-h100-sxm5-80gb"), h100);
  EXPECT_EQ(Cat().Find("H100"), h100);
  EXPECT_EQ(Cat().Find("a100-80gb"), Cat().Find("NVIDIA A100 SXM4 80 GB"));
  EXPECT_EQ(Cat().Find("tpu-v5p")->name, "Google TPU v5p");
  EXPECT_EQ(Cat().Find("no such chip"), nullptr);
  EXPECT_GE(Cat().all().size(), 170u);
}

TEST(AcceleratorCatalogTest, OverridesFillEpochsGapsWithTheirSources) {
  const Accelerator* h100 = Cat().Find("h100");
  EXPECT_DOUBLE_EQ(*h100->Peak(Precision::kFp8), 1.9789e15);
  EXPECT_DOUBLE_EQ(*h100->Peak(Precision::kBf16), 9.894e14);
  EXPECT_DOUBLE_EQ(h100->MaxDensePeak(), 1.979e15);  // INT8 1979 TOPS
  EXPECT_DOUBLE_EQ(*h100->Peak(Precision::kFp32), 6.691e13);
  EXPECT_DOUBLE_EQ(*h100->Peak(Precision::kTf32), 4.947e14);
  EXPECT_DOUBLE_EQ(*h100->Peak(Precision::kFp64), 3.345e13);
  for (size_t i = 0; i < std::size(kPrecisions); ++i) {
    EXPECT_EQ(static_cast<size_t>(kPrecisions[i]), i);
  }
  ASSERT_FALSE(h100->overrides.empty());
  EXPECT_NE(h100->overrides[0].find("datasheet"), std::string::npos);
  // An addition Epoch does not have.
  const Accelerator* l40s = Cat().Find("l40s");
  ASSERT_NE(l40s, nullptr);
  EXPECT_EQ(l40s->manufacturer, "NVIDIA");
  EXPECT_DOUBLE_EQ(*l40s->Peak(Precision::kBf16), 3.6205e14);
  // T4 and A10G gain tensor figures.
  EXPECT_DOUBLE_EQ(*Cat().Find("t4")->Peak(Precision::kInt8), 1.3e14);
  EXPECT_DOUBLE_EQ(*Cat().Find("a10g")->Peak(Precision::kBf16), 7.0e13);
  EXPECT_DOUBLE_EQ(*Cat().Find("trainium1")->memory_bandwidth, 8.2e11);
}

TEST(AcceleratorCatalogTest, TppDensityAndTheNumericClass) {
  const Accelerator* h100 = Cat().Find("h100");
  EXPECT_NEAR(*h100->tpp, 15832, 1);
  EXPECT_NEAR(*h100->performance_density, 15832.0 / 814, 0.01);
  EXPECT_EQ(h100->numeric_class, ExportClass::k3A090a);
  EXPECT_EQ(Cat().Find("a100-80gb")->numeric_class, ExportClass::k3A090a);  // TPP 4992
  EXPECT_EQ(Cat().Find("l40s")->numeric_class, ExportClass::k3A090a);       // TPP 5864
  EXPECT_NEAR(*Cat().Find("l40s")->tpp, 5864, 1);
  EXPECT_EQ(Cat().Find("h20")->numeric_class, ExportClass::kNone);  // 2368, PD 2.9
  EXPECT_EQ(Cat().Find("t4")->numeric_class, ExportClass::kNone);
  EXPECT_EQ(Cat().Find("b200")->numeric_class, ExportClass::k3A090a);
  size_t classified = 0;
  for (const auto& a : Cat().all()) {
    if (a.numeric_class != ExportClass::kUnknown) ++classified;
    if (a.tpp) {
      EXPECT_GT(*a.tpp, 0) << a.name;
    }
  }
  EXPECT_GT(classified, 120u);
}

TEST(AcceleratorCatalogTest, PrecisionNames) {
  EXPECT_EQ(*ParsePrecision("FP16"), Precision::kBf16);
  EXPECT_EQ(*ParsePrecision("bf16"), Precision::kBf16);
  EXPECT_EQ(*ParsePrecision("int8"), Precision::kInt8);
  EXPECT_FALSE(ParsePrecision("fp4").has_value());
  EXPECT_EQ(PrecisionBits(Precision::kFp8), 8);
}

constexpr std::string_view kEpoch =
    "Hardware name,Manufacturer,Type,Release date,Tensor-FP16/BF16 performance (FLOP/s),"
    "INT8 performance (OP/s),Die Size (mm^2)\n"
    "Chip A,Acme,GPU,2024-01-01,1e15,2e15,800\n";

TEST(AcceleratorCatalogTest, ErrorsNameFileLineAndField) {
  auto ok = AcceleratorCatalog::Parse(kEpoch, "hardware_name,field,value,source\n",
                                      "alias,hardware_name\na,Chip A\n");
  ASSERT_TRUE(ok.has_value()) << ok.error();
  EXPECT_NEAR(*ok->Find("a")->tpp, 16000, 1e-6);  // from the peaks: 2e15 x 8 bits

  auto bad_field = AcceleratorCatalog::Parse(
      kEpoch, "hardware_name,field,value,source\nChip A,fp4,1e15,datasheet\n",
      "alias,hardware_name\n");
  ASSERT_FALSE(bad_field.has_value());
  EXPECT_NE(bad_field.error().message().find("accelerator_overrides.csv:2: unknown field 'fp4'"),
            std::string::npos)
      << bad_field.error();
  auto bad_value = AcceleratorCatalog::Parse(
      kEpoch, "hardware_name,field,value,source\nChip A,bf16,fast,datasheet\n",
      "alias,hardware_name\n");
  ASSERT_FALSE(bad_value.has_value());
  EXPECT_NE(bad_value.error().message().find("'fast' is not a non-negative number"),
            std::string::npos);
  auto no_source = AcceleratorCatalog::Parse(
      kEpoch, "hardware_name,field,value,source\nChip A,bf16,1e15,\n", "alias,hardware_name\n");
  EXPECT_FALSE(no_source.has_value());
  auto bad_alias = AcceleratorCatalog::Parse(kEpoch, "hardware_name,field,value,source\n",
                                             "alias,hardware_name\nb,Chip B\n");
  ASSERT_FALSE(bad_alias.has_value());
  EXPECT_NE(bad_alias.error().message().find("accelerator_aliases.csv:2"), std::string::npos);
  auto bad_epoch = AcceleratorCatalog::Parse("Name\nx\n", "hardware_name,field,value,source\n",
                                             "alias,hardware_name\n");
  EXPECT_FALSE(bad_epoch.has_value());
}

}  // namespace
}  // namespace kycloud::compute
