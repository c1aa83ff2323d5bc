// NVIDIA dcgm-exporter's Prometheus text exposition (ParseDcgmText), e.g.
//
//   # HELP DCGM_FI_PROF_PIPE_TENSOR_ACTIVE Ratio of cycles the tensor (HMMA) pipe is active.
//   # TYPE DCGM_FI_PROF_PIPE_TENSOR_ACTIVE gauge
//   DCGM_FI_PROF_PIPE_TENSOR_ACTIVE{gpu="0",UUID="GPU-c452...",modelName="NVIDIA H100 80GB
//   HBM3",Hostname="gpu-node-1",pod="trainer-0"} 0.423 1716624000000
//
// Only the two utilisation metrics are read (other lines are skipped without parsing their
// labels). Label values follow the exposition format's escapes (\\, \", \n).
#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <utility>

#include "kycloud/base/csv_reader.h"
#include "kycloud/compute/usage_fields.h"
#include "kycloud/compute/usage_parsers.h"

namespace kycloud::compute {

namespace {

constexpr std::string_view kTensorActive = "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE";
constexpr std::string_view kGpuUtil = "DCGM_FI_DEV_GPU_UTIL";

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

// The labels a sample needs.
struct Labels {
  std::string gpu, uuid, gpu_instance, model, hostname, pod, job, hpc_job;

  std::string* Slot(std::string_view name) {
    if (name == "gpu") return &gpu;
    if (name == "UUID") return &uuid;
    if (name == "GPU_I_ID") return &gpu_instance;
    if (name == "modelName") return &model;
    if (name == "Hostname") return &hostname;
    if (name == "pod") return &pod;
    if (name == "job") return &job;
    if (name == "hpc_job") return &hpc_job;
    return nullptr;
  }
};

// Parses `{name="value",...}` at the start of `s` (which begins with '{'), advancing past it.
// Errors name the problem.
Status ReadLabels(std::string_view& s, Labels& labels) {
  size_t i = 1;
  std::string value;
  while (true) {
    while (i < s.size() && IsSpace(s[i])) ++i;
    if (i < s.size() && s[i] == '}') break;
    size_t name_start = i;
    while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '_')) ++i;
    std::string_view name = s.substr(name_start, i - name_start);
    if (name.empty()) return InvalidArgumentError("bad label name");
    while (i < s.size() && IsSpace(s[i])) ++i;
    if (i + 1 >= s.size() || s[i] != '=' || s[i + 1] != '"') {
      return InvalidArgumentError(fmt::format("label {}: expected =\"", name));
    }
    i += 2;
    value.clear();
    bool closed = false;
    while (i < s.size()) {
      char c = s[i++];
      if (c == '"') {
        closed = true;
        break;
      }
      if (c == '\\' && i < s.size()) {
        char e = s[i++];
        value += e == 'n' ? '\n' : e;  // \\ and \" stand for themselves
      } else {
        value += c;
      }
    }
    if (!closed) return InvalidArgumentError(fmt::format("label {}: unterminated value", name));
    if (std::string* slot = labels.Slot(name)) *slot = value;
    while (i < s.size() && IsSpace(s[i])) ++i;
    if (i < s.size() && s[i] == ',') {
      ++i;
      continue;
    }
    if (i < s.size() && s[i] == '}') break;
    return InvalidArgumentError(fmt::format("label {}: expected ',' or '}}'", name));
  }
  s.remove_prefix(i + 1);
  return OkStatus();
}

// A sample value: a float, NaN or ±Inf.
bool ReadValue(std::string_view text, double& out) {
  if (text == "NaN" || text == "nan") {
    out = std::nan("");
    return true;
  }
  if (text == "+Inf" || text == "Inf" || text == "-Inf") {
    out = text[0] == '-' ? -INFINITY : INFINITY;
    return true;
  }
  return usage_internal::ParseDouble(text, out);
}

class DcgmReader {
 public:
  explicit DcgmReader(ParsedUsage& out) : out_(out) {}

  // Reads one exposition line; errors name the metric.
  Status ReadLine(std::string_view line);

 private:
  ParsedUsage& out_;
  std::unordered_map<std::string, size_t> index_;  // sample key -> out_.samples position
  Labels labels_;
};

Status DcgmReader::ReadLine(std::string_view line) {
  std::string_view s = TrimSpace(line);
  if (s.empty() || s[0] == '#') return OkStatus();
  size_t name_end = 0;
  while (name_end < s.size() && s[name_end] != '{' && !IsSpace(s[name_end])) ++name_end;
  std::string_view metric = s.substr(0, name_end);
  bool tensor = metric == kTensorActive;
  if (!tensor && metric != kGpuUtil) return OkStatus();
  auto bad = [&](std::string_view problem) {
    return InvalidArgumentError(fmt::format("{}: {}", metric, problem));
  };
  s.remove_prefix(name_end);
  labels_ = Labels();
  if (!s.empty() && s[0] == '{') {
    if (Status st = ReadLabels(s, labels_); !st.ok()) return bad(st.message());
  }
  s = TrimSpace(s);
  size_t space = 0;
  while (space < s.size() && !IsSpace(s[space])) ++space;
  double value = 0;
  if (!ReadValue(s.substr(0, space), value)) {
    return bad(fmt::format("bad value '{}'", s.substr(0, std::min<size_t>(space, 64))));
  }
  std::string_view ts_text = TrimSpace(s.substr(space));
  std::optional<Timestamp> at;
  if (!ts_text.empty()) {
    int64_t ms = 0;
    Timestamp t;
    if (!usage_internal::ParseInt64(ts_text, ms) ||
        !usage_internal::UnixSecondsToTimestamp(static_cast<double>(ms) / 1000.0, t)) {
      return bad(fmt::format("bad timestamp '{}'", ts_text.substr(0, 64)));
    }
    at = FromUnixMicros(ms * 1000);
  }
  if (std::isnan(value)) return OkStatus();  // the exporter had no reading
  double ratio = tensor ? value : value / 100.0;
  if (!(ratio >= 0 && ratio <= 1)) {
    return bad(fmt::format("value {} out of range ({})", value, tensor ? "0..1" : "0..100"));
  }
  const std::string& gpu = labels_.uuid.empty() ? labels_.gpu : labels_.uuid;
  if (gpu.empty()) return bad("no UUID or gpu label");
  const std::string& resource = !labels_.pod.empty()       ? labels_.pod
                                : !labels_.hpc_job.empty() ? labels_.hpc_job
                                : !labels_.job.empty()     ? labels_.job
                                                           : labels_.hostname;
  for (const std::string* v :
       {&gpu, &resource, &std::as_const(labels_.model), &std::as_const(labels_.gpu_instance)}) {
    if (!usage_internal::IsValidUtf8(*v)) return bad("invalid UTF-8 in a label");
  }
  std::string key = fmt::format("{}\x1f{}\x1f{}\x1f{}", gpu, labels_.gpu_instance, resource,
                                at ? ToUnixMicros(*at) : INT64_MIN);
  auto [it, inserted] = index_.try_emplace(std::move(key), out_.samples.size());
  if (inserted) {
    TelemetrySample& sample = out_.samples.emplace_back();
    sample.resource_id = resource;
    sample.gpu = gpu;
    sample.model = labels_.model;
    sample.at = at;
  }
  TelemetrySample& sample = out_.samples[it->second];
  (tensor ? sample.tensor_active : sample.gpu_util) = ratio;
  return OkStatus();
}

}  // namespace

void ParseDcgmText(std::string_view text, ParsedUsage& out) {
  usage_internal::LineSplitter lines(usage_internal::StripBom(text));
  DcgmReader reader(out);
  std::string_view line;
  while (lines.Next(line)) {
    if (Status s = reader.ReadLine(line); !s.ok()) {
      usage_internal::AddError(lines.line(), std::string(s.message()), out);
    }
  }
}

}  // namespace kycloud::compute
