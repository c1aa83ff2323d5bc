#include "kycloud/compute/slurm_job.h"

#include <fmt/format.h>

#include "kycloud/compute/usage_fields.h"

namespace kycloud::compute::usage_internal {

bool AddGpuTres(std::string_view name, int64_t count, SlurmJob& job) {
  if (name.substr(0, 5) == "gres/") name.remove_prefix(5);
  if (name.substr(0, 3) != "gpu") return false;
  name.remove_prefix(3);
  if (!name.empty() && name[0] != ':') return false;  // gpumem, gpuutil
  std::string_view type = name.empty() ? name : name.substr(1);
  if (type.empty()) {
    // The untyped total; typed entries, when present, say the same in more detail.
    for (const auto& g : job.gpus) {
      if (!g.type.empty()) return true;
    }
    job.gpus.clear();
    job.gpus.push_back({"", count});
    return true;
  }
  if (job.gpus.size() == 1 && job.gpus[0].type.empty()) job.gpus.clear();
  for (auto& g : job.gpus) {
    if (g.type == type) {
      g.count += count;
      return true;
    }
  }
  job.gpus.push_back({std::string(type), count});
  return true;
}

void AddSlurmJob(const SlurmJob& job, const ParseOptions& options, int line,
                 std::string_view tres_field, std::string_view end_field, std::string_view source,
                 ParsedUsage& out) {
  int64_t total = 0;
  for (const auto& g : job.gpus) {
    if (g.count < 0) {
      AddError(line, fmt::format("{}: negative GPU count {}", tres_field, g.count), out);
      return;
    }
    total += g.count;
  }
  if (total == 0) return;  // not a GPU job
  if (job.end < job.start) {
    AddError(line, fmt::format("{}: before the job's start", end_field), out);
    return;
  }
  if (job.end == job.start) return;  // never ran: no usage
  std::string id = job.cluster.empty() ? job.job_id_raw : job.cluster + ":" + job.job_id_raw;
  for (const auto& g : job.gpus) {
    if (g.count == 0) continue;
    UsageRecord r;
    r.record_id = job.gpus.size() == 1 ? id : id + ":" + g.type;
    r.account_id = job.account.empty() ? job.user : job.account;
    r.resource_id = job.job_id;
    r.cluster = job.cluster;
    r.start = job.start;
    r.end = job.end;
    r.accelerator = g.type.empty() ? options.default_accelerator : g.type;
    if (r.accelerator.empty()) {
      AddError(line,
               fmt::format("{}: {} GPUs without a type; say which accelerator the cluster has "
                           "(kycloud ingest usage --accelerator NAME)",
                           tres_field, g.count),
               out);
      return;
    }
    // Chips split evenly over the nodes become nodes x chips per node.
    if (job.gpus.size() == 1 && job.nodes > 1 && g.count % job.nodes == 0) {
      r.instance_count = static_cast<int>(std::min<int64_t>(job.nodes, INT32_MAX));
      r.accelerator_count = static_cast<int>(std::min<int64_t>(g.count / job.nodes, INT32_MAX));
    } else {
      r.accelerator_count = static_cast<int>(std::min<int64_t>(g.count, INT32_MAX));
    }
    r.source = source;
    AddRecord(std::move(r), line, /*check_utf8=*/true, out);
  }
}

}  // namespace kycloud::compute::usage_internal
