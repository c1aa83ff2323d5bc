#include "kycloud/compute/estimator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

namespace kycloud::compute {
namespace {

using ::testing::HasSubstr;

const Estimator& E() { return Estimator::Bundled(); }

Estimate Est(std::string_view what, double count, double hours, EstimateInputs in = {}) {
  auto hw = E().Resolve(what, count);
  EXPECT_TRUE(hw.has_value()) << what;
  in.seconds = hours * 3600;
  auto e = E().Compute(*hw, in);
  EXPECT_TRUE(e.has_value()) << e.error();
  return *e;
}

TEST(EstimatorTest, H100UsesTheBf16PeakAndTheTensorPrior) {
  const auto& q = UtilizationPrior::Bundled().For("tensor");
  Estimate e = Est("h100", 8, 1);
  EXPECT_EQ(e.precision_used, Precision::kBf16);
  EXPECT_EQ(e.family, "tensor");
  EXPECT_EQ(e.method, "prior:tensor");
  const double chip_s = 8 * 3600.0;
  EXPECT_NEAR(e.central, chip_s * 989.4e12 * q.p50, e.central * 1e-3);
  EXPECT_NEAR(e.low, chip_s * 989.4e12 * q.p5, e.low * 1e-3);
  // The upper bound is the fastest dense precision (FP8/INT8 1978.9 TOPS), not BF16.
  EXPECT_NEAR(e.upper_bound, chip_s * 1.9789e15, e.upper_bound * 1e-3);
}

TEST(EstimatorTest, PrecisionRules) {
  const Accelerator* a100 = AcceleratorCatalog::Bundled().Find("a100");
  const Accelerator* tpu3 = AcceleratorCatalog::Bundled().Find("Google TPU v3");
  const Accelerator* gtx580 = AcceleratorCatalog::Bundled().Find("NVIDIA GeForce GTX 580");
  ASSERT_TRUE(a100 && tpu3 && gtx580);
  // FP32 on Ampere runs on TF32 tensor cores; on a TPU the MXU multiplies in BF16.
  EXPECT_EQ(PeakFor(*a100, Precision::kFp32).first, Precision::kTf32);
  EXPECT_EQ(PeakFor(*tpu3, Precision::kFp32).first, Precision::kBf16);
  // No tensor cores: FP32 whatever the hint.
  EXPECT_EQ(PeakFor(*gtx580, std::nullopt).first, Precision::kFp32);
  EXPECT_EQ(PeakFor(*gtx580, Precision::kBf16).first, Precision::kFp32);
  EXPECT_EQ(AcceleratorFamily(*gtx580, Precision::kFp32), "scalar");
  EXPECT_EQ(AcceleratorFamily(*tpu3, Precision::kBf16), "tpu");
  const Accelerator* v100 = AcceleratorCatalog::Bundled().Find("v100");
  ASSERT_TRUE(v100);
  EXPECT_EQ(AcceleratorFamily(*v100, Precision::kBf16), "tensor-early");
}

TEST(EstimatorTest, GeForceTrainsAtItsFp32AccumulateRate) {
  const Accelerator* rtx3090 = AcceleratorCatalog::Bundled().Find("NVIDIA GeForce RTX 3090");
  ASSERT_TRUE(rtx3090);
  // Mixed-precision training accumulates in FP32: half the FP16-accumulate rate on GeForce.
  auto [precision, peak] = PeakFor(*rtx3090, std::nullopt);
  EXPECT_EQ(precision, Precision::kBf16);
  EXPECT_DOUBLE_EQ(peak, 7.1e13);
  // The catalog and the legal figures keep the full rate: the bf16 peak, the upper bound (INT8
  // 284 TOPS) and TPP (142 TFLOPS x 16 bits).
  EXPECT_DOUBLE_EQ(rtx3090->Peak(Precision::kBf16).value(), 1.42e14);
  EXPECT_DOUBLE_EQ(rtx3090->MaxDensePeak(), 2.84e14);
  ASSERT_TRUE(rtx3090->tpp);
  EXPECT_NEAR(*rtx3090->tpp, 2288, 1);
  // A data-centre chip accumulates in FP32 at full rate.
  EXPECT_DOUBLE_EQ(PeakFor(*AcceleratorCatalog::Bundled().Find("a100"), std::nullopt).second,
                   AcceleratorCatalog::Bundled().Find("a100")->Peak(Precision::kBf16).value());
}

TEST(EstimatorTest, Fp8HintUsesThePracticalSpeedUp) {
  Estimate bf16 = Est("h100", 64, 10);
  EstimateInputs in;
  in.precision = Precision::kFp8;
  Estimate fp8 = Est("h100", 64, 10, in);
  EXPECT_EQ(fp8.precision_used, Precision::kFp8);
  EXPECT_NEAR(fp8.central / bf16.central, 1.4, 1e-9);
  EXPECT_DOUBLE_EQ(fp8.upper_bound, bf16.upper_bound);
}

TEST(EstimatorTest, DeclaredUtilizationAndTelemetry) {
  EstimateInputs declared;
  declared.utilization = 0.4;
  Estimate d = Est("h100", 1, 1, declared);
  EXPECT_EQ(d.method, "declared");
  EXPECT_NEAR(d.central, 3600 * 989.4e12 * 0.4, d.central * 1e-9);
  EXPECT_NEAR(d.high / d.central, 1.5, 1e-9);

  EstimateInputs measured;
  measured.tensor_active = 0.5;
  Estimate t = Est("h100", 1, 1, measured);
  EXPECT_EQ(t.method, "telemetry");
  EXPECT_NEAR(t.central, 3600 * 989.4e12 * 0.5, t.central * 1e-9);
  EXPECT_LT(t.high / t.low, 2.01);  // narrower than the prior's interval

  EstimateInputs idle;
  idle.busy_fraction = 0.5;
  Estimate half = Est("h100", 1, 1, idle);
  Estimate full = Est("h100", 1, 1);
  EXPECT_NEAR(half.central, full.central / 2, full.central * 1e-9);
}

TEST(EstimatorTest, InstanceTypesSlicesAndMixes) {
  Estimate p5 = Est("p5.48xlarge", 2, 1);  // 2 instances x 8 H100
  Estimate h100 = Est("h100", 16, 1);
  EXPECT_DOUBLE_EQ(p5.central, h100.central);
  auto slice = E().Resolve("v5p-128", 1);
  ASSERT_TRUE(slice.has_value());
  EXPECT_EQ(slice->chips, 64);
  auto mix = E().Resolve("NVIDIA A100, NVIDIA Tesla V100 DGXS 32 GB", 512);
  ASSERT_TRUE(mix.has_value()) << mix.error();
  EXPECT_EQ(mix->accelerators.size(), 2u);
  EXPECT_EQ(mix->chips, 512);
}

TEST(EstimatorTest, BadInputIsAnErrorNamingTheField) {
  auto unknown = E().Resolve("quantum-chip-9000", 1);
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().code(), StatusCode::kNotFound);
  EXPECT_THAT(std::string(unknown.error().message()), HasSubstr("quantum-chip-9000"));
  EXPECT_EQ(E().Resolve("h100", 0).error().field(), "count");
  EXPECT_EQ(E().Resolve("h100", -3).error().field(), "count");
  EXPECT_EQ(E().Resolve("h100", NAN).error().field(), "count");
  EXPECT_EQ(E().Resolve(" , ", 1).error().field(), "accelerator");
  auto hw = E().Resolve("h100", 1);
  EstimateInputs in;
  in.seconds = 10;
  in.utilization = 1.5;
  EXPECT_EQ(E().Compute(*hw, in).error().field(), "utilization");
  in.utilization.reset();
  in.tensor_active = -0.1;
  EXPECT_EQ(E().Compute(*hw, in).error().field(), "tensor_active");
  in.tensor_active.reset();
  in.seconds = -1;
  EXPECT_EQ(E().Compute(*hw, in).error().field(), "hours");
}

// Properties over every accelerator, precision hint and input kind: the ordering holds and
// figures only grow with usage (and add up over pieces of a run).
TEST(EstimatorPropertyTest, OrderedMonotoneAndAdditive) {
  std::vector<std::optional<Precision>> hints = {std::nullopt};
  for (Precision p : kPrecisions) hints.push_back(p);
  int checked = 0;
  for (const Accelerator& a : AcceleratorCatalog::Bundled().all()) {
    if (a.MaxDensePeak() <= 0) continue;
    auto hw = E().Resolve(a.name, 3);
    ASSERT_TRUE(hw.has_value()) << a.name;
    for (const auto& hint : hints) {
      for (int kind = 0; kind < 3; ++kind) {
        EstimateInputs in;
        in.precision = hint;
        if (kind == 1) in.utilization = 0.9;
        if (kind == 2) in.tensor_active = 0.95;
        Estimate prev;
        double hours[] = {0, 0.5, 1, 7, 1000};
        for (double h : hours) {
          in.seconds = h * 3600;
          auto e = E().Compute(*hw, in);
          ASSERT_TRUE(e.has_value());
          EXPECT_LE(0, e->low) << a.name;
          EXPECT_LE(e->low, e->central) << a.name;
          EXPECT_LE(e->central, e->high) << a.name;
          EXPECT_LE(e->high, e->upper_bound * (1 + 1e-12)) << a.name;
          EXPECT_GE(e->low, prev.low);
          EXPECT_GE(e->central, prev.central);
          EXPECT_GE(e->high, prev.high);
          EXPECT_GE(e->upper_bound, prev.upper_bound);
          prev = *e;
          ++checked;
        }
        // Two pieces of a run estimate what the whole does.
        in.seconds = 3600;
        auto piece = E().Compute(*hw, in);
        in.seconds = 7200;
        auto whole = E().Compute(*hw, in);
        EXPECT_NEAR(2 * piece->central, whole->central, whole->central * 1e-12 + 1e-300);
        EXPECT_NEAR(2 * piece->upper_bound, whole->upper_bound, whole->upper_bound * 1e-12);
      }
    }
  }
  EXPECT_GT(checked, 1000);
}

TEST(UtilizationPriorTest, ParseErrorsNameTheLine) {
  auto ok = UtilizationPrior::Parse("# c\nfamily,runs,p5,p50,p95\nall,3,0.1,0.3,0.5\n");
  ASSERT_TRUE(ok.has_value()) << ok.error();
  EXPECT_DOUBLE_EQ(ok->For("tpu").p50, 0.3);  // falls back to `all`
  auto no_all = UtilizationPrior::Parse("family,runs,p5,p50,p95\ntpu,3,0.1,0.3,0.5\n");
  ASSERT_FALSE(no_all.has_value());
  EXPECT_THAT(std::string(no_all.error().message()), HasSubstr("'all'"));
  auto bad = UtilizationPrior::Parse("# c\nfamily,runs,p5,p50,p95\nall,3,0.1,x,0.5\n");
  ASSERT_FALSE(bad.has_value());
  EXPECT_THAT(std::string(bad.error().message()), HasSubstr("utilization_prior.csv:3"));
  EXPECT_THAT(std::string(bad.error().message()), HasSubstr("p50"));
  auto unordered = UtilizationPrior::Parse("family,runs,p5,p50,p95\nall,3,0.5,0.3,0.6\n");
  ASSERT_FALSE(unordered.has_value());
  EXPECT_THAT(std::string(unordered.error().message()), HasSubstr("p5 <= p50"));
}

TEST(UtilizationPriorTest, BundledPriorCoversEveryFamily) {
  const auto& prior = UtilizationPrior::Bundled();
  for (std::string_view f : {"all", "tensor", "tensor-early", "tpu", "scalar"}) {
    EXPECT_TRUE(prior.families().contains(f)) << f;
  }
}

}  // namespace
}  // namespace kycloud::compute
