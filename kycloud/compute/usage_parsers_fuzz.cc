// Fuzz target: the usage parsers on arbitrary bytes. The first byte picks the format (and, for
// JSON lines, where to cut the input into two streamed chunks; for Slurm, whether a default
// accelerator is given); the rest is the input. Every record returned must validate.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "kycloud/compute/usage_parsers.h"

namespace {

void CheckInvariants(const kycloud::compute::ParsedUsage& p) {
  for (const auto& r : p.records) {
    if (!kycloud::compute::ValidateUsageRecord(r).ok()) std::abort();
  }
  for (const auto& s : p.samples) {
    if (s.gpu.empty()) std::abort();
    if (s.tensor_active && !(*s.tensor_active >= 0 && *s.tensor_active <= 1)) std::abort();
    if (s.gpu_util && !(*s.gpu_util >= 0 && *s.gpu_util <= 1)) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kycloud::compute;
  if (size == 0) return 0;
  const uint8_t selector = data[0];
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  constexpr UsageFormat kFormats[] = {UsageFormat::kJsonLines, UsageFormat::kCsv,
                                      UsageFormat::kAwsCur,    UsageFormat::kSacct,
                                      UsageFormat::kSacctJson, UsageFormat::kDcgm};
  const UsageFormat format = kFormats[selector % 6];
  ParseOptions options;
  if (selector & 0x80) options.default_accelerator = "a100";
  CheckInvariants(ParseUsage(format, text, "fuzz", options));
  if (format == UsageFormat::kJsonLines) {
    // Streamed in two chunks cut at a line boundary: the same records.
    size_t cut = text.find('\n', text.size() * (selector >> 3) / 32);
    cut = cut == std::string::npos ? text.size() : cut + 1;
    ParsedUsage whole = ParseUsage(format, text, "fuzz");
    ParsedUsage chunks;
    std::string_view view(text);
    ParseUsageJsonLines(view.substr(0, cut), 1, chunks);
    int lines = 1;
    for (size_t i = 0; i < cut; ++i) lines += text[i] == '\n';
    ParseUsageJsonLines(view.substr(cut), lines, chunks);
    if (chunks.records.size() != whole.records.size()) std::abort();
    if (chunks.errors.size() != whole.errors.size()) std::abort();
    for (size_t i = 0; i < whole.errors.size(); ++i) {
      if (chunks.errors[i].line != whole.errors[i].line) std::abort();
    }
  }
  return 0;
}
