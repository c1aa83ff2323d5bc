// Slurm `sacct --json` (ParseSacctJson), read with simdjson's On-Demand API so that each job's
// line can be named in errors. The schema drifts between Slurm versions; all of these are read:
//
//   time.start / time.end    Unix seconds (21.08 - 25.05 jobs), or {"set", "infinite",
//                            "number"} (23.02+ steps and other numbers); 0 or unset = none
//   state                    {"current": "COMPLETED"} (<= 23.02), {"current": ["COMPLETED"]}
//                            (23.11+), or a bare string / array
//   tres.allocated[]         {"type": "gres", "name": "gpu" | "gpu:a100", "count": 4};
//                            {"type": "node", "count": 2}
//   gres_detail[]            "gpu:a100:4(IDX:0-3)": the GPU type when the TRES name has none
//   account / user / cluster with association.{account,user,cluster} as fallbacks
//   job_id, array.{job_id, task_id} (task_id int, null or {"set", "number"})
//
// A structural error (truncated or malformed JSON) makes the whole document unusable: the
// records read so far are dropped and one ParseError names the line where it was found. A job
// whose fields have unexpected types gives a ParseError at its line; other jobs are kept.
#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <optional>

#include "kycloud/compute/slurm_job.h"
#include "kycloud/compute/usage_fields.h"
#include "kycloud/compute/usage_parsers.h"

namespace kycloud::compute {

namespace {

namespace od = simdjson::ondemand;
using simdjson::error_code;
using simdjson::SUCCESS;
using usage_internal::SlurmJob;

// Values at or above these are Slurm's NO_VAL / INFINITE sentinels, not numbers.
constexpr uint64_t kNoVal32 = 0xfffffffe;

// Type and number errors leave the iterator usable: the job is bad, the document is not.
bool IsFatal(error_code e) {
  return e != simdjson::INCORRECT_TYPE && e != simdjson::NUMBER_ERROR &&
         e != simdjson::NUMBER_OUT_OF_RANGE;
}

bool IsNull(od::value& v) {
  bool null = false;
  return v.is_null().get(null) == SUCCESS && null;
}

// A string or null ("").
error_code ReadString(od::value v, std::string& out) {
  if (IsNull(v)) return SUCCESS;
  std::string_view s;
  SIMDJSON_TRY(v.get_string().get(s));
  out.assign(s);
  return SUCCESS;
}

// An integer, null, or Slurm's {"set": bool, "infinite": bool, "number": N}. Unset, infinite
// and the 64-bit sentinels give nullopt.
error_code ReadNumber(od::value v, std::optional<int64_t>& out) {
  out.reset();
  if (IsNull(v)) return SUCCESS;
  od::json_type type;
  SIMDJSON_TRY(v.type().get(type));
  if (type == od::json_type::number) {
    int64_t n = 0;
    error_code e = v.get_int64().get(n);
    if (e == simdjson::NUMBER_OUT_OF_RANGE) {
      uint64_t u = 0;
      if (v.get_uint64().get(u) == SUCCESS) return SUCCESS;  // NO_VAL64 / INFINITE64
    }
    SIMDJSON_TRY(e);
    out = n;
    return SUCCESS;
  }
  if (type != od::json_type::object) return simdjson::INCORRECT_TYPE;
  od::object obj;
  SIMDJSON_TRY(v.get_object().get(obj));
  bool set = true, infinite = false;
  std::optional<int64_t> number;
  for (auto member : obj) {
    od::field f;
    SIMDJSON_TRY(std::move(member).get(f));
    std::string_view key;
    SIMDJSON_TRY(f.unescaped_key().get(key));
    if (key == "set") {
      SIMDJSON_TRY(f.value().get_bool().get(set));
    } else if (key == "infinite") {
      SIMDJSON_TRY(f.value().get_bool().get(infinite));
    } else if (key == "number") {
      SIMDJSON_TRY(ReadNumber(f.value(), number));
    }
  }
  if (set && !infinite) out = number;
  return SUCCESS;
}

// Everything read from one job object.
struct JobFields {
  std::optional<int64_t> job_id, array_job_id, task_id, start, end, allocation_nodes;
  std::string account, user, cluster;
  std::string assoc_account, assoc_user, assoc_cluster;
  std::vector<std::string> states;
  std::vector<std::string> gres_detail;
  SlurmJob job;  // GPUs and nodes from tres.allocated
};

class JobReader {
 public:
  // Reads `v` into `j`; on error `where` names the field being read.
  error_code Read(od::value v, JobFields& j) {
    od::object obj;
    SIMDJSON_TRY(v.get_object().get(obj));
    for (auto member : obj) {
      where_ = "job";
      od::field f;
      SIMDJSON_TRY(std::move(member).get(f));
      std::string_view key;
      SIMDJSON_TRY(f.unescaped_key().get(key));
      od::value fv = f.value();
      if (key == "job_id") {
        SIMDJSON_TRY(Num(fv, "job_id", j.job_id));
      } else if (key == "account") {
        SIMDJSON_TRY(Str(fv, "account", j.account));
      } else if (key == "user") {
        SIMDJSON_TRY(Str(fv, "user", j.user));
      } else if (key == "cluster") {
        SIMDJSON_TRY(Str(fv, "cluster", j.cluster));
      } else if (key == "allocation_nodes") {
        SIMDJSON_TRY(Num(fv, "allocation_nodes", j.allocation_nodes));
      } else if (key == "association") {
        SIMDJSON_TRY(Members(fv, "association", [&](std::string_view k, od::value x) {
          if (k == "account") return Str(x, "association.account", j.assoc_account);
          if (k == "user") return Str(x, "association.user", j.assoc_user);
          if (k == "cluster") return Str(x, "association.cluster", j.assoc_cluster);
          return SUCCESS;
        }));
      } else if (key == "array") {
        SIMDJSON_TRY(Members(fv, "array", [&](std::string_view k, od::value x) {
          if (k == "job_id") return Num(x, "array.job_id", j.array_job_id);
          if (k == "task_id") return Num(x, "array.task_id", j.task_id);
          return SUCCESS;
        }));
      } else if (key == "time") {
        SIMDJSON_TRY(Members(fv, "time", [&](std::string_view k, od::value x) {
          if (k == "start") return Num(x, "time.start", j.start);
          if (k == "end") return Num(x, "time.end", j.end);
          return SUCCESS;
        }));
      } else if (key == "state") {
        SIMDJSON_TRY(ReadState(fv, j));
      } else if (key == "tres") {
        SIMDJSON_TRY(Members(fv, "tres", [&](std::string_view k, od::value x) {
          return k == "allocated" ? ReadTres(x, j) : SUCCESS;
        }));
      } else if (key == "gres_detail") {
        SIMDJSON_TRY(Strings(fv, "gres_detail", j.gres_detail));
      }
    }
    return SUCCESS;
  }

  const std::string& where() const { return where_; }

 private:
  error_code Str(od::value v, std::string_view where, std::string& out) {
    where_ = where;
    return ReadString(v, out);
  }
  error_code Num(od::value v, std::string_view where, std::optional<int64_t>& out) {
    where_ = where;
    return ReadNumber(v, out);
  }
  // Calls fn(key, value) for each member of an object (nothing for null).
  template <typename Fn>
  error_code Members(od::value v, std::string_view where, Fn fn) {
    where_ = where;
    if (IsNull(v)) return SUCCESS;
    od::object obj;
    SIMDJSON_TRY(v.get_object().get(obj));
    for (auto member : obj) {
      od::field f;
      SIMDJSON_TRY(std::move(member).get(f));
      std::string_view key;
      SIMDJSON_TRY(f.unescaped_key().get(key));
      SIMDJSON_TRY(fn(key, f.value()));
      where_ = where;
    }
    return SUCCESS;
  }
  // An array of strings, a single string, or null.
  error_code Strings(od::value v, std::string_view where, std::vector<std::string>& out) {
    where_ = where;
    if (IsNull(v)) return SUCCESS;
    od::json_type type;
    SIMDJSON_TRY(v.type().get(type));
    if (type == od::json_type::string) {
      SIMDJSON_TRY(ReadString(v, out.emplace_back()));
      return SUCCESS;
    }
    od::array array;
    SIMDJSON_TRY(v.get_array().get(array));
    for (auto item : array) {
      od::value x;
      SIMDJSON_TRY(std::move(item).get(x));
      SIMDJSON_TRY(ReadString(x, out.emplace_back()));
    }
    return SUCCESS;
  }
  error_code ReadState(od::value v, JobFields& j) {
    where_ = "state";
    od::json_type type;
    SIMDJSON_TRY(v.type().get(type));
    if (type != od::json_type::object) return Strings(v, "state", j.states);
    return Members(v, "state", [&](std::string_view k, od::value x) {
      return k == "current" ? Strings(x, "state.current", j.states) : SUCCESS;
    });
  }
  error_code ReadTres(od::value v, JobFields& j) {
    where_ = "tres.allocated";
    if (IsNull(v)) return SUCCESS;
    od::array array;
    SIMDJSON_TRY(v.get_array().get(array));
    for (auto item : array) {
      od::value x;
      SIMDJSON_TRY(std::move(item).get(x));
      std::string type, name;
      std::optional<int64_t> count;
      SIMDJSON_TRY(Members(x, "tres.allocated", [&](std::string_view k, od::value y) {
        if (k == "type") return Str(y, "tres.allocated.type", type);
        if (k == "name") return Str(y, "tres.allocated.name", name);
        if (k == "count") return Num(y, "tres.allocated.count", count);
        return SUCCESS;
      }));
      where_ = "tres.allocated";
      if (type == "gres" && count) usage_internal::AddGpuTres(name, *count, j.job);
      if (type == "node" && count) j.job.nodes = *count;
    }
    return SUCCESS;
  }

  std::string where_;
};

// The GPU type in a gres_detail entry: "gpu:a100:4(IDX:0-3)" -> "a100"; "" when untyped.
std::string_view GresDetailType(std::string_view detail) {
  detail = detail.substr(0, detail.find('('));
  if (detail.substr(0, 4) != "gpu:") return {};
  detail.remove_prefix(4);
  size_t colon = detail.find(':');
  std::string_view type = detail.substr(0, colon);
  int64_t n = 0;
  if (colon == std::string_view::npos && usage_internal::ParseInt64(type, n)) return {};
  return type;
}

class DocumentReader {
 public:
  DocumentReader(std::string_view text, const ParseOptions& options, ParsedUsage& out)
      : text_(text), padded_(text), options_(options), out_(out) {}

  void Run();

 private:
  // The 1-based line of a position in padded_ (positions only move forward).
  int LineAt(const char* p) {
    size_t offset = std::min<size_t>(p - padded_.data(), text_.size());
    if (offset > counted_) {
      line_ += static_cast<int>(std::count(text_.data() + counted_, text_.data() + offset, '\n'));
      counted_ = offset;
    }
    return line_;
  }
  error_code ReadJobs(od::value v);
  void FinishJob(JobFields& j, int line);

  std::string_view text_;
  simdjson::padded_string padded_;
  const ParseOptions& options_;
  ParsedUsage& out_;
  size_t counted_ = 0;
  int line_ = 1;
};

void DocumentReader::Run() {
  const size_t records_before = out_.records.size(), errors_before = out_.errors.size();
  auto fail = [&](int line, std::string message) {
    out_.records.resize(records_before);
    out_.errors.resize(errors_before);
    usage_internal::AddError(line, std::move(message), out_);
  };
  od::parser parser;
  od::document doc;
  if (auto e = parser.iterate(padded_).get(doc)) {
    fail(1, e == simdjson::EMPTY ? "empty input"
                                 : fmt::format("not JSON: {}", simdjson::error_message(e)));
    return;
  }
  od::object top;
  if (doc.get_object().get(top) != SUCCESS) {
    fail(1, "not a sacct --json document (not a JSON object)");
    return;
  }
  bool saw_jobs = false;
  error_code e = SUCCESS;
  for (auto member : top) {
    od::field f;
    std::string_view key;
    if ((e = std::move(member).get(f)) || (e = f.unescaped_key().get(key))) break;
    if (key == "jobs") {
      saw_jobs = true;
      if ((e = ReadJobs(f.value()))) break;
    }
  }
  const char* rest = nullptr;
  if (!e && doc.current_location().get(rest) != simdjson::OUT_OF_BOUNDS) {
    e = simdjson::TRAILING_CONTENT;
  }
  if (e) {
    const char* where = nullptr;
    int line = doc.current_location().get(where) == SUCCESS ? LineAt(where) : line_;
    if (e == simdjson::INCORRECT_TYPE) {
      fail(line, "jobs: expected an array");
    } else {
      fail(line, fmt::format("malformed JSON: {}", simdjson::error_message(e)));
    }
    return;
  }
  if (!saw_jobs) fail(1, "not a sacct --json document (no 'jobs' array)");
}

error_code DocumentReader::ReadJobs(od::value v) {
  od::array jobs;
  SIMDJSON_TRY(v.get_array().get(jobs));
  for (auto item : jobs) {
    od::value job;
    SIMDJSON_TRY(std::move(item).get(job));
    const char* at = nullptr;
    int line = job.current_location().get(at) == SUCCESS ? LineAt(at) : line_;
    JobFields j;
    JobReader reader;
    if (error_code e = reader.Read(job, j)) {
      if (IsFatal(e)) return e;
      usage_internal::AddError(
          line,
          fmt::format("{}: wrong type or value ({})", reader.where(), simdjson::error_message(e)),
          out_);
      continue;
    }
    FinishJob(j, line);
  }
  return SUCCESS;
}

void DocumentReader::FinishJob(JobFields& j, int line) {
  SlurmJob& job = j.job;
  if (job.gpus.empty()) return;  // not a GPU job
  for (const std::string& s : j.states) {
    if (s == "PENDING") return;
  }
  if (!j.start || !j.end || *j.start == 0 || *j.end == 0) return;  // not started or not ended
  if (!j.job_id) {
    usage_internal::AddError(line, "job_id: required", out_);
    return;
  }
  if (!usage_internal::UnixSecondsToTimestamp(static_cast<double>(*j.start), job.start)) {
    usage_internal::AddError(line, "time.start: out of range", out_);
    return;
  }
  if (!usage_internal::UnixSecondsToTimestamp(static_cast<double>(*j.end), job.end)) {
    usage_internal::AddError(line, "time.end: out of range", out_);
    return;
  }
  job.job_id_raw = std::to_string(*j.job_id);
  job.job_id = job.job_id_raw;
  if (j.array_job_id && *j.array_job_id > 0 && j.task_id && *j.task_id >= 0 &&
      static_cast<uint64_t>(*j.task_id) < kNoVal32) {
    job.job_id = fmt::format("{}_{}", *j.array_job_id, *j.task_id);
  }
  job.cluster = j.cluster.empty() ? j.assoc_cluster : j.cluster;
  job.account = j.account.empty() ? j.assoc_account : j.account;
  job.user = j.user.empty() ? j.assoc_user : j.user;
  if (job.nodes <= 0 && j.allocation_nodes) job.nodes = *j.allocation_nodes;
  // An untyped TRES with a typed gres_detail ("gpu:a100:4(IDX:0-3)").
  if (job.gpus.size() == 1 && job.gpus[0].type.empty()) {
    for (const std::string& d : j.gres_detail) {
      if (std::string_view type = GresDetailType(d); !type.empty()) {
        job.gpus[0].type = type;
        break;
      }
    }
  }
  usage_internal::AddSlurmJob(job, options_, line, "tres.allocated", "time.end", "sacct-json",
                              out_);
}

}  // namespace

void ParseSacctJson(std::string_view text, const ParseOptions& options, ParsedUsage& out) {
  DocumentReader(usage_internal::StripBom(text), options, out).Run();
}

}  // namespace kycloud::compute
