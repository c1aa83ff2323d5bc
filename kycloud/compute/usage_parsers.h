// Usage parsers: read accelerator usage in the formats providers and schedulers export, into
// kycloud's UsageRecord (usage_record.h), and DCGM exporter text into TelemetrySample:
//
//   jsonl       kycloud's own format, one JSON object per line (the ingestion hot path)
//   csv         the same fields as columns of a CSV file with a header row
//   cur         AWS Cost and Usage Report CSV (legacy `lineItem/UsageType` or snake_case
//               `line_item_usage_type` column names); EC2 instance usage only
//   sacct       Slurm `sacct -P` (pipe-separated, header line); jobs that held GPUs
//   sacct-json  Slurm `sacct --json` (Slurm 21.08 to 25.05 schemas); jobs that held GPUs
//   dcgm        NVIDIA dcgm-exporter Prometheus text; tensor-active and GPU-utilisation samples
//
// Bad input never aborts a parse: each line or record that cannot be read gives one ParseError
// naming the line and the field ("start: invalid timestamp ..."), and the records on every other
// line are kept. An input that is wholly unusable (a CSV without the required columns, a sacct
// JSON document that is not JSON) gives a single ParseError at line 0 or 1 and no records.
// Nothing throws. Every record returned has passed ValidateUsageRecord and has `source` set to
// the format name.
//
// Thread-safety: pure functions; distinct calls may run on different threads.
#pragma once

#include <string>
#include <string_view>

#include "kycloud/base/result.h"
#include "kycloud/compute/usage_record.h"

namespace kycloud::compute {

enum class UsageFormat { kJsonLines, kCsv, kAwsCur, kSacct, kSacctJson, kDcgm };

// "jsonl", "csv", "cur", "sacct", "sacct-json", "dcgm".
std::string_view UsageFormatName(UsageFormat format);
// The inverse of UsageFormatName. Errors: InvalidArgument listing the known names.
Result<UsageFormat> ParseUsageFormat(std::string_view name);

struct ParseOptions {
  // The accelerator (catalog name or alias, e.g. "a100") of Slurm jobs whose GPUs have no type
  // (AllocTRES `gres/gpu=4`, sacct JSON tres name "gpu"), for clusters whose GRES is untyped.
  // Default "": such a job is a ParseError naming AllocTRES (sacct) or tres (sacct-json).
  // Typed GPUs (`gres/gpu:h100=4`) always use their own type.
  std::string default_accelerator;
};

// Parses `text` in `format`. `origin` names the input (a file name, "stdin") for diagnostics;
// ParseError messages do not repeat it — FormatParseError() joins the two. Records and samples
// are appended in input order.
ParsedUsage ParseUsage(UsageFormat format, std::string_view text, std::string_view origin,
                       const ParseOptions& options = {});

// JSON lines, streaming: parses the complete lines of `text` and appends to `out`. `first_line`
// is the 1-based number of text's first line in the whole input, so a caller can feed a large
// input in chunks that end on line boundaries and still get right line numbers. A last line
// without '\n' is taken as complete. Blank lines are skipped, and so is a UTF-8 byte order mark
// at the start of line 1. Each line must be one JSON object
// whose members are the UsageRecord fields (record_id, account_id, payer_id, organization_id,
// resource_id, instance_type, accelerator, accelerator_count, instance_count, start, end,
// region, cluster, utilization, precision, tensor_active); an unknown or repeated member is an
// error naming it, and null means "not given". Times are RFC 3339 strings or Unix seconds.
// Lines over 1 MiB are errors. A streaming caller should drain out.records between chunks.
void ParseUsageJsonLines(std::string_view text, int first_line, ParsedUsage& out);

// The per-format parsers ParseUsage dispatches to; each appends to `out`.
//
// CSV: columns named as the JSON lines members (any order; unknown columns are ignored; empty
// cells mean "not given"), plus `hours`, which may replace `end` (end = start + hours).
void ParseUsageCsv(std::string_view text, ParsedUsage& out);
// AWS CUR: one record per EC2 instance-usage line item (BoxUsage, SpotUsage, DedicatedUsage,
// HostUsage usage types; line item types Usage, DiscountedUsage, SavingsPlanCoveredUsage).
// Other rows (storage, transfer, tax, credits, fees, other services) are skipped silently.
// record_id = "<line item id>@<start>"; the interval is [start, start + usage hours] within the
// line item's period; a usage amount larger than the period counts
// round(amount / period hours) instances over the whole period. Dates without a zone are UTC.
void ParseAwsCur(std::string_view text, ParsedUsage& out);
// sacct -P: allocations (not steps: JobIDs with '.') that held GPUs and have ended. sacct
// prints local times without a zone; they are read as UTC (run sacct with TZ=UTC for exact
// times). record_id = "<Cluster>:<JobIDRaw>", resource_id = JobID, account = Account (else
// User); GPUs split evenly over the allocated nodes become instance_count x accelerator_count.
void ParseSacct(std::string_view text, const ParseOptions& options, ParsedUsage& out);
// sacct --json: the same semantics as ParseSacct over the document's "jobs" array.
void ParseSacctJson(std::string_view text, const ParseOptions& options, ParsedUsage& out);
// DCGM exporter text: one TelemetrySample per GPU (UUID, MIG instance) and resource per
// timestamp, merging DCGM_FI_PROF_PIPE_TENSOR_ACTIVE and DCGM_FI_DEV_GPU_UTIL (% -> ratio).
// resource_id = label pod, else job / hpc_job, else Hostname. Other metrics are ignored.
void ParseDcgmText(std::string_view text, ParsedUsage& out);

// "origin:line: message" ("origin: message" for line 0).
std::string FormatParseError(std::string_view origin, const ParseError& error);

}  // namespace kycloud::compute
