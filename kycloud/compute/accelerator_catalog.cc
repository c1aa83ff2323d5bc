#include "kycloud/compute/accelerator_catalog.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "kycloud/base/check.h"
#include "kycloud/base/csv_reader.h"
#include "kycloud/compute/compute_data.h"

namespace kycloud::compute {

namespace {

constexpr std::string_view kEpochColumns[] = {"FP64 (double precision) performance (FLOP/s)",
                                              "FP32 (single precision) performance (FLOP/s)",
                                              "TF32 (TensorFloat-32) performance (FLOP/s)",
                                              "Tensor-FP16/BF16 performance (FLOP/s)",
                                              "FP8 performance (FLOP/s)",
                                              "INT8 performance (OP/s)"};

Result<std::optional<double>> Number(std::string_view text, std::string_view where) {
  text = TrimSpace(text);
  if (text.empty()) return std::optional<double>();
  double v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || !std::isfinite(v) || v < 0) {
    return Err(
        InvalidArgumentError(fmt::format("{}: '{}' is not a non-negative number", where, text)));
  }
  return std::optional<double>(v);
}

// TPP from the peaks when Epoch has none: max over formats of ops/s x bits / 1e12.
std::optional<double> TppFromPeaks(const Accelerator& a) {
  double best = 0;
  for (Precision p : kPrecisions) {
    if (auto v = a.Peak(p)) best = std::max(best, *v * PrecisionBits(p) / 1e12);
  }
  return best > 0 ? std::optional<double>(best) : std::nullopt;
}

Status SetField(Accelerator& a, std::string_view field, std::string_view value,
                std::string_view where) {
  for (Precision p : kPrecisions) {
    if (field == PrecisionName(p)) {
      KY_ASSIGN_OR_RETURN(a.peak[static_cast<size_t>(p)], Number(value, where));
      return OkStatus();
    }
  }
  struct NumberField {
    std::string_view name;
    std::optional<double> Accelerator::*member;
  };
  for (const auto& f :
       {NumberField{"bf16_fp32_accumulate", &Accelerator::bf16_fp32_accumulate},
        NumberField{"memory_bytes", &Accelerator::memory_bytes},
        NumberField{"memory_bandwidth", &Accelerator::memory_bandwidth},
        NumberField{"die_area_mm2", &Accelerator::die_area_mm2},
        NumberField{"tdp_w", &Accelerator::tdp_w}, NumberField{"tpp", &Accelerator::tpp}}) {
    if (field == f.name) {
      KY_ASSIGN_OR_RETURN(a.*f.member, Number(value, where));
      return OkStatus();
    }
  }
  if (field == "manufacturer") {
    a.manufacturer = std::string(value);
  } else if (field == "type") {
    a.type = std::string(value);
  } else if (field == "release_date") {
    a.release_date = std::string(value);
  } else {
    return InvalidArgumentError(
               fmt::format(
                   "{}: unknown field '{}' (fp64, fp32, tf32, bf16, fp8, int8, "
                   "bf16_fp32_accumulate, "
                   "memory_bytes, "
                   "memory_bandwidth, die_area_mm2, tdp_w, tpp, manufacturer, type, release_date)",
                   where, field))
        .WithField("field");
  }
  return OkStatus();
}

}  // namespace

std::string_view PrecisionName(Precision p) {
  switch (p) {
    case Precision::kFp64:
      return "fp64";
    case Precision::kFp32:
      return "fp32";
    case Precision::kTf32:
      return "tf32";
    case Precision::kBf16:
      return "bf16";
    case Precision::kFp8:
      return "fp8";
    case Precision::kInt8:
      return "int8";
  }
  return "bf16";
}

Result<Precision> ParsePrecision(std::string_view text) {
  std::string t = CatalogKey(text);
  if (t == "fp16" || t == "bfloat16" || t == "float16" || t == "half") return Precision::kBf16;
  for (Precision p : kPrecisions) {
    if (t == PrecisionName(p)) return p;
  }
  return Err(InvalidArgumentError(
      fmt::format("unknown precision '{}' (fp64, fp32, tf32, bf16, fp16, fp8, int8)", text)));
}

int PrecisionBits(Precision p) {
  switch (p) {
    case Precision::kFp64:
      return 64;
    case Precision::kFp32:
    case Precision::kTf32:
      return 32;
    case Precision::kBf16:
      return 16;
    case Precision::kFp8:
    case Precision::kInt8:
      return 8;
  }
  return 16;
}

double Accelerator::MaxDensePeak() const {
  double best = 0;
  for (const auto& v : peak) {
    if (v) best = std::max(best, *v);
  }
  return best;
}

std::string CatalogKey(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 'A' && u <= 'Z') out += static_cast<char>(u - 'A' + 'a');
    if ((u >= 'a' && u <= 'z') || (u >= '0' && u <= '9')) out += c;
  }
  return out;
}

Result<AcceleratorCatalog> AcceleratorCatalog::Parse(std::string_view epoch_csv,
                                                     std::string_view overrides_csv,
                                                     std::string_view aliases_csv) {
  AcceleratorCatalog cat;
  auto add_key = [&cat](const std::string& key, size_t index) { cat.by_key_.emplace(key, index); };

  KY_ASSIGN_OR_RETURN(auto epoch,
                      TableReader::Open(epoch_csv, "ml_hardware.csv", ',', "Epoch ML hardware",
                                        {"Hardware name", "Die Size (mm^2)"}));
  while (true) {
    KY_ASSIGN_OR_RETURN(bool more, epoch.Next());
    if (!more) break;
    const std::string where = fmt::format("ml_hardware.csv:{}", epoch.line());
    Accelerator a;
    a.name = epoch.Get("Hardware name");
    if (a.name.empty()) continue;
    a.manufacturer = epoch.Get("Manufacturer");
    a.type = epoch.Get("Type");
    a.release_date = epoch.Get("Release date");
    for (size_t i = 0; i < std::size(kEpochColumns); ++i) {
      KY_ASSIGN_OR_RETURN(a.peak[static_cast<size_t>(kPrecisions[i])],
                          Number(epoch.Get(kEpochColumns[i]), where));
    }
    // Some NPUs (Huawei Ascend) give their matrix-engine 16-bit peak only as "FP16": take it as
    // the 16-bit tensor peak when it is at least 4x FP32 (a matrix engine, not packed half
    // precision on vector units) or FP32 is unknown.
    KY_ASSIGN_OR_RETURN(auto fp16,
                        Number(epoch.Get("FP16 (half precision) performance (FLOP/s)"), where));
    auto& p16 = a.peak[static_cast<size_t>(Precision::kBf16)];
    const auto& fp32 = a.peak[static_cast<size_t>(Precision::kFp32)];
    if (!p16 && fp16 && *fp16 > 0 && (!fp32 || *fp16 >= 4 * *fp32)) p16 = fp16;
    KY_ASSIGN_OR_RETURN(a.memory_bytes, Number(epoch.Get("Memory (bytes)"), where));
    KY_ASSIGN_OR_RETURN(a.memory_bandwidth, Number(epoch.Get("Memory bandwidth (byte/s)"), where));
    KY_ASSIGN_OR_RETURN(a.die_area_mm2, Number(epoch.Get("Die Size (mm^2)"), where));
    KY_ASSIGN_OR_RETURN(a.tdp_w, Number(epoch.Get("TDP (W)"), where));
    KY_ASSIGN_OR_RETURN(auto bitops,
                        Number(epoch.Get("Total processing performance (bit-OP/s)"), where));
    if (bitops) a.tpp = *bitops / 1e12;
    std::string key = CatalogKey(a.name);
    if (cat.by_key_.contains(key)) continue;  // a duplicate row: the first stands
    cat.items_.push_back(std::move(a));
    add_key(key, cat.items_.size() - 1);
  }

  // Overrides: corrections and additions, each with its source.
  KY_ASSIGN_OR_RETURN(auto over, TableReader::Open(overrides_csv, "accelerator_overrides.csv", ',',
                                                   "accelerator override",
                                                   {"hardware_name", "field", "value", "source"}));
  std::vector<bool> tpp_overridden(cat.items_.size(), false);
  while (true) {
    KY_ASSIGN_OR_RETURN(bool more, over.Next());
    if (!more) break;
    const std::string where = fmt::format("accelerator_overrides.csv:{}", over.line());
    const std::string name = over.Get("hardware_name");
    const std::string field = over.Get("field");
    const std::string source = over.Get("source");
    if (name.empty() || source.empty()) {
      return Err(InvalidArgumentError(
          fmt::format("{}: every override needs hardware_name and source", where)));
    }
    std::string key = CatalogKey(name);
    auto it = cat.by_key_.find(key);
    if (it == cat.by_key_.end()) {
      Accelerator a;
      a.name = name;
      cat.items_.push_back(std::move(a));
      tpp_overridden.push_back(false);
      it = cat.by_key_.emplace(key, cat.items_.size() - 1).first;
    }
    Accelerator& a = cat.items_[it->second];
    KY_TRY(SetField(a, field, over.Get("value"), where));
    if (field == "tpp") tpp_overridden[it->second] = true;
    a.overrides.push_back(fmt::format("{} = {} ({})", field, over.Get("value"), source));
  }

  // TPP: Epoch's, unless a corrected peak raises it (or an override sets it); PD; the class.
  for (size_t i = 0; i < cat.items_.size(); ++i) {
    Accelerator& a = cat.items_[i];
    if (!tpp_overridden[i]) {
      auto from_peaks = TppFromPeaks(a);
      if (from_peaks && (!a.tpp || *from_peaks > *a.tpp)) a.tpp = from_peaks;
    }
    if (a.tpp && a.die_area_mm2 && *a.die_area_mm2 > 0) {
      a.performance_density = *a.tpp / *a.die_area_mm2;
    }
    a.numeric_class = Classify3A090(a.tpp, a.performance_density);
  }

  KY_ASSIGN_OR_RETURN(auto aliases,
                      TableReader::Open(aliases_csv, "accelerator_aliases.csv", ',',
                                        "accelerator alias", {"alias", "hardware_name"}));
  while (true) {
    KY_ASSIGN_OR_RETURN(bool more, aliases.Next());
    if (!more) break;
    const std::string alias = aliases.Get("alias");
    const std::string target = aliases.Get("hardware_name");
    auto it = cat.by_key_.find(CatalogKey(target));
    if (it == cat.by_key_.end()) {
      return Err(
          InvalidArgumentError(fmt::format("accelerator_aliases.csv:{}: '{}' names no "
                                           "accelerator in the catalog",
                                           aliases.line(), target)));
    }
    std::string key = CatalogKey(alias);
    auto [existing, inserted] = cat.by_key_.emplace(key, it->second);
    if (!inserted && existing->second != it->second) {
      return Err(InvalidArgumentError(
          fmt::format("accelerator_aliases.csv:{}: alias '{}' is already the name of '{}'",
                      aliases.line(), alias, cat.items_[existing->second].name)));
    }
    cat.items_[it->second].aliases.push_back(alias);
  }
  return cat;
}

const AcceleratorCatalog& AcceleratorCatalog::Bundled() {
  static const AcceleratorCatalog* catalog = [] {
    auto c = Parse(MlHardwareCsv(), AcceleratorOverridesCsv(), AcceleratorAliasesCsv());
    KY_CHECK(c.has_value()) << "the bundled accelerator data does not parse: " << c.error();
    return new AcceleratorCatalog(std::move(*c));
  }();
  return *catalog;
}

const Accelerator* AcceleratorCatalog::Find(std::string_view name) const {
  auto it = by_key_.find(CatalogKey(name));
  return it == by_key_.end() ? nullptr : &items_[it->second];
}

}  // namespace kycloud::compute
