// Slurm `sacct -P` output (ParseSacct): '|'-separated fields under a header line, e.g.
//
//   JobID|JobIDRaw|Account|User|Cluster|Partition|Start|End|Elapsed|AllocTRES|NodeList|State
//   4242|4242|llm|alice|gpu1|gpu|2024-05-25T08:00:00|2024-05-25T10:00:00|02:00:00|billing=64,
//   cpu=64,gres/gpu:h100=16,gres/gpu=16,mem=1000G,node=2|gpu[001-002]|COMPLETED
//
// sacct does not quote fields, so lines are split on '|' without CSV quoting rules (`sacct -p`,
// with a '|' after the last field, reads the same).
#include <fmt/format.h>

#include <array>
#include <vector>

#include "kycloud/base/csv_reader.h"
#include "kycloud/compute/slurm_job.h"
#include "kycloud/compute/usage_fields.h"
#include "kycloud/compute/usage_parsers.h"

namespace kycloud::compute {

namespace {

using usage_internal::SlurmJob;

enum Col { kJobId, kJobIdRaw, kAccount, kUser, kCluster, kStart, kEnd, kAllocTres, kColCount };
constexpr std::string_view kColNames[kColCount] = {"JobID",   "JobIDRaw", "Account", "User",
                                                   "Cluster", "Start",    "End",     "AllocTRES"};

void Split(std::string_view line, std::vector<std::string_view>& fields) {
  fields.clear();
  size_t pos = 0;
  while (true) {
    size_t bar = line.find('|', pos);
    fields.push_back(line.substr(pos, bar == std::string_view::npos ? bar : bar - pos));
    if (bar == std::string_view::npos) return;
    pos = bar + 1;
  }
}

// "Unknown" (not yet ended), "None" (never started), "" — the job has no interval yet.
bool IsUnsetTime(std::string_view t) { return t.empty() || t == "Unknown" || t == "None"; }

// Reads the GPU and node counts of AllocTRES ("cpu=8,gres/gpu:a100=4,gres/gpu=4,node=1").
// Errors name AllocTRES.
Status ReadAllocTres(std::string_view tres, SlurmJob& job) {
  size_t pos = 0;
  while (pos <= tres.size()) {
    size_t comma = tres.find(',', pos);
    std::string_view item =
        tres.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    pos = comma == std::string_view::npos ? tres.size() + 1 : comma + 1;
    if (item.empty()) continue;
    size_t eq = item.find('=');
    std::string_view key = item.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? "" : item.substr(eq + 1);
    bool gpu = key.substr(0, 8) == "gres/gpu" && (key.size() == 8 || key[8] == ':');
    if (!gpu && key != "node") continue;
    int64_t n = 0;
    if (!usage_internal::ParseInt64(value, n)) {
      return InvalidArgumentError(
          fmt::format("AllocTRES: '{}' is not a count", item.substr(0, 64)));
    }
    if (gpu) {
      usage_internal::AddGpuTres(key, n, job);
    } else {
      job.nodes = n;
    }
  }
  return OkStatus();
}

}  // namespace

void ParseSacct(std::string_view text, const ParseOptions& options, ParsedUsage& out) {
  usage_internal::LineSplitter lines(usage_internal::StripBom(text));
  std::string_view line;
  std::vector<std::string_view> fields;
  // The header: the first non-blank line.
  while (lines.Next(line) && TrimSpace(line).empty()) {
  }
  if (TrimSpace(line).empty()) {
    usage_internal::AddError(1, "empty input", out);
    return;
  }
  Split(line, fields);
  std::array<int, kColCount> col;
  col.fill(-1);
  for (size_t i = 0; i < fields.size(); ++i) {
    for (int c = 0; c < kColCount; ++c) {
      if (col[c] < 0 && usage_internal::EqualsIgnoreCase(TrimSpace(fields[i]), kColNames[c])) {
        col[c] = static_cast<int>(i);
      }
    }
  }
  const size_t columns = fields.size();
  for (Col c : {kJobId, kStart, kEnd, kAllocTres}) {
    if (col[c] < 0) {
      usage_internal::AddError(
          lines.line(), fmt::format("not a sacct -P header (no '{}' column)", kColNames[c]), out);
      return;
    }
  }
  if (col[kAccount] < 0 && col[kUser] < 0) {
    usage_internal::AddError(lines.line(), "not a sacct -P header (no 'Account' or 'User' column)",
                             out);
    return;
  }
  auto get = [&](Col c) { return col[c] < 0 ? std::string_view() : TrimSpace(fields[col[c]]); };
  while (lines.Next(line)) {
    if (TrimSpace(line).empty()) continue;
    Split(line, fields);
    if (fields.size() != columns) {
      usage_internal::AddError(
          lines.line(), fmt::format("expected {} fields, got {}", columns, fields.size()), out);
      continue;
    }
    SlurmJob job;
    job.job_id = get(kJobId);
    if (job.job_id.empty()) {
      usage_internal::AddError(lines.line(), "JobID: required", out);
      continue;
    }
    if (job.job_id.find('.') != std::string::npos) continue;  // a step of a job
    std::string_view start = get(kStart), end = get(kEnd);
    if (IsUnsetTime(start) || IsUnsetTime(end)) continue;  // pending or running
    if (Status s = ReadAllocTres(get(kAllocTres), job); !s.ok()) {
      usage_internal::AddError(lines.line(), std::string(s.message()), out);
      continue;
    }
    if (job.gpus.empty()) continue;  // not a GPU job
    auto start_time = usage_internal::ParseTimeText(start);
    if (!start_time.has_value()) {
      usage_internal::AddError(lines.line(), fmt::format("Start: {}", start_time.error().message()),
                               out);
      continue;
    }
    auto end_time = usage_internal::ParseTimeText(end);
    if (!end_time.has_value()) {
      usage_internal::AddError(lines.line(), fmt::format("End: {}", end_time.error().message()),
                               out);
      continue;
    }
    job.start = *start_time;
    job.end = *end_time;
    job.job_id_raw = get(kJobIdRaw);
    if (job.job_id_raw.empty()) job.job_id_raw = job.job_id;
    job.cluster = get(kCluster);
    job.account = get(kAccount);
    job.user = get(kUser);
    usage_internal::AddSlurmJob(job, options, lines.line(), "AllocTRES", "End", "sacct", out);
  }
}

}  // namespace kycloud::compute
