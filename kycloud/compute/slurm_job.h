// SlurmJob: what the two Slurm accounting parsers (sacct -P and sacct --json) read from a job
// allocation, and the one rule that turns it into usage records: jobs that held GPUs and ran for
// a while give a record per GPU type; untyped GPUs take ParseOptions::default_accelerator.
// Internal to kycloud/compute.
//
// Thread-safety: value types and pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kycloud/base/time.h"
#include "kycloud/compute/usage_parsers.h"
#include "kycloud/compute/usage_record.h"

namespace kycloud::compute::usage_internal {

struct SlurmJob {
  std::string cluster;
  std::string job_id;      // as sacct shows it: "1234", "1234_7" (array task), "1234+0"
  std::string job_id_raw;  // the unique numeric id
  std::string account;
  std::string user;
  Timestamp start;
  Timestamp end;
  struct Gpus {
    std::string type;  // "a100"; "" for untyped GRES
    int64_t count = 0;
  };
  std::vector<Gpus> gpus;  // typed entries, one per type; or one untyped entry
  int64_t nodes = 0;       // allocated nodes, 0 when unknown
};

// Adds a GRES allocation to `job` when `name` is a GPU GRES: "gpu" or "gpu:TYPE" (TRES names
// in sacct JSON) or "gres/gpu" / "gres/gpu:TYPE" (AllocTRES keys). Typed counts replace the
// untyped total. Returns false (and leaves the job alone) for any other resource, including
// "gres/gpumem" and "gres/gpuutil".
bool AddGpuTres(std::string_view name, int64_t count, SlurmJob& job);

// Adds the job's usage records to `out` (nothing when it held no GPUs or ran for no time), or
// one ParseError at `line`: untyped GPUs without options.default_accelerator, an end before the
// start. Errors name the format's fields: `tres_field` ("AllocTRES", "tres.allocated") and
// `end_field` ("End", "time.end").
void AddSlurmJob(const SlurmJob& job, const ParseOptions& options, int line,
                 std::string_view tres_field, std::string_view end_field, std::string_view source,
                 ParsedUsage& out);

}  // namespace kycloud::compute::usage_internal
