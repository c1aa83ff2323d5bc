#include "kycloud/compute/instance_map.h"

#include <gtest/gtest.h>

namespace kycloud::compute {
namespace {

const InstanceMap& Map() { return InstanceMap::Bundled(); }

TEST(InstanceMapTest, CloudInstanceTypes) {
  auto p5 = Map().Resolve("p5.48xlarge");
  ASSERT_TRUE(p5.has_value());
  EXPECT_EQ(p5->provider, "aws");
  EXPECT_EQ(p5->accelerator, AcceleratorCatalog::Bundled().Find("h100"));
  EXPECT_EQ(p5->count, 8);
  EXPECT_EQ(p5->internode_gbps, 3200);
  EXPECT_EQ(Map().Resolve("P5.48XLARGE")->name, "p5.48xlarge");
  auto nd = Map().Resolve("Standard_ND96isr_H100_v5");
  ASSERT_TRUE(nd.has_value());
  EXPECT_EQ(nd->provider, "azure");
  EXPECT_EQ(Map().Resolve("a3-megagpu-8g")->internode_gbps, 1800);
  EXPECT_EQ(Map().Resolve("BM.GPU.H100.8")->count, 8);
  EXPECT_EQ(Map().Resolve("gpu_8x_a100_80gb_sxm4")->accelerator->name, "NVIDIA A100 SXM4 80 GB");
  EXPECT_FALSE(Map().Resolve("gpu_1x_h100_sxm5")->internode_gbps.has_value());
  EXPECT_FALSE(Map().Resolve("m7i.large").has_value());
  for (const auto& t : Map().instances()) {
    EXPECT_NE(t.accelerator, nullptr) << t.name;
    EXPECT_FALSE(t.source.empty()) << t.name;
  }
  EXPECT_GE(Map().instances().size(), 70u);
}

TEST(InstanceMapTest, TpuSliceNamesCountTensorCoresOrChips) {
  auto v5p = Map().Resolve("v5p-128");
  ASSERT_TRUE(v5p.has_value());
  EXPECT_EQ(v5p->count, 64);  // TensorCores: 2 per chip
  EXPECT_EQ(v5p->accelerator->name, "Google TPU v5p");
  EXPECT_EQ(v5p->internode_gbps, 4800);
  EXPECT_EQ(Map().Resolve("v4-8")->count, 4);
  EXPECT_EQ(Map().Resolve("v5litepod-16")->count, 16);  // chips
  EXPECT_EQ(Map().Resolve("v6e-256")->count, 256);
  EXPECT_FALSE(Map().Resolve("v5p-7").has_value());  // no such slice
  EXPECT_FALSE(Map().Resolve("v5p-").has_value());
}

TEST(InstanceMapTest, BareAcceleratorNamesCountOne) {
  auto h100 = Map().Resolve("h100");
  ASSERT_TRUE(h100.has_value());
  EXPECT_EQ(h100->count, 1);
  EXPECT_EQ(h100->provider, "");
  EXPECT_EQ(Map().Resolve("NVIDIA H100 SXM5 80GB")->accelerator, h100->accelerator);
}

TEST(InstanceMapTest, ErrorsNameFileAndLine) {
  const auto& cat = AcceleratorCatalog::Bundled();
  const std::string header = "provider,instance_type,accelerator,count,internode_gbps,source\n";
  const std::string tpu = "prefix,accelerator,unit,units_per_chip,internode_gbps,source\n";
  auto unknown = InstanceMap::Parse(cat, header + "aws,x1,warp-drive,8,,doc\n", tpu);
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.error().message().find("instance_types.csv:2: accelerator 'warp-drive'"),
            std::string::npos)
      << unknown.error();
  auto count = InstanceMap::Parse(cat, header + "aws,x1,h100,zero,,doc\n", tpu);
  ASSERT_FALSE(count.has_value());
  EXPECT_NE(count.error().message().find("count 'zero'"), std::string::npos);
  auto twice = InstanceMap::Parse(cat, header + "aws,x1,h100,8,,d\naws,X1,h100,8,,d\n", tpu);
  EXPECT_FALSE(twice.has_value());
  auto unit = InstanceMap::Parse(cat, header, tpu + "v9-,tpu-v4,core,2,,d\n");
  EXPECT_FALSE(unit.has_value());
}

}  // namespace
}  // namespace kycloud::compute
