// JSON lines usage records (ParseUsageJsonLines): the ingestion hot path. Each line is parsed in
// place with simdjson's On-Demand API — no copy of the input except for the last lines of a
// chunk, which lack the SIMDJSON_PADDING readable bytes simdjson needs after a document — and
// fields are written straight into a UsageRecord in the output vector. The only per-record heap
// allocations are the record's strings longer than the small-string buffer.
#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "kycloud/compute/usage_fields.h"
#include "kycloud/compute/usage_parsers.h"

namespace kycloud::compute {

namespace {

namespace od = simdjson::ondemand;
using usage_internal::UsageField;

// Longer lines are errors: a usage record is a few hundred bytes.
constexpr size_t kMaxLineBytes = 1 << 20;

bool IsBlank(const char* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    char c = p[i];
    if (c != ' ' && c != '\t' && c != '\r') return false;
  }
  return true;
}

// Whether raw key bytes are `quoted_name` (a field name followed by its closing quote). The
// constant size lets the compiler inline the comparison.
template <size_t N>
bool KeyIs(const char* key, const char (&quoted_name)[N]) {
  return std::memcmp(key, quoted_name, N - 1) == 0;
}

// The field a key names, matched against the key's raw bytes (no copy, no unescaping); kUnknown
// when it names none of them as written — the caller then unescapes the key to be sure. The
// comparison may read past a shorter key, but not past the document's padding: names are
// shorter than SIMDJSON_PADDING.
UsageField MatchRawKey(const char* key) {
  switch (key[0]) {
    case 'a':
      if (KeyIs(key, "account_id\"")) return UsageField::kAccountId;
      if (KeyIs(key, "accelerator\"")) return UsageField::kAccelerator;
      if (KeyIs(key, "accelerator_count\"")) return UsageField::kAcceleratorCount;
      break;
    case 'c':
      if (KeyIs(key, "cluster\"")) return UsageField::kCluster;
      break;
    case 'e':
      if (KeyIs(key, "end\"")) return UsageField::kEnd;
      break;
    case 'i':
      if (KeyIs(key, "instance_type\"")) return UsageField::kInstanceType;
      if (KeyIs(key, "instance_count\"")) return UsageField::kInstanceCount;
      break;
    case 'o':
      if (KeyIs(key, "organization_id\"")) return UsageField::kOrganizationId;
      break;
    case 'p':
      if (KeyIs(key, "payer_id\"")) return UsageField::kPayerId;
      if (KeyIs(key, "precision\"")) return UsageField::kPrecision;
      break;
    case 'r':
      if (KeyIs(key, "record_id\"")) return UsageField::kRecordId;
      if (KeyIs(key, "resource_id\"")) return UsageField::kResourceId;
      if (KeyIs(key, "region\"")) return UsageField::kRegion;
      break;
    case 's':
      if (KeyIs(key, "start\"")) return UsageField::kStart;
      break;
    case 't':
      if (KeyIs(key, "tensor_active\"")) return UsageField::kTensorActive;
      break;
    case 'u':
      if (KeyIs(key, "utilization\"")) return UsageField::kUtilization;
      break;
    default:
      break;
  }
  return UsageField::kUnknown;
}

// Reads one JSON line into a record. On failure, `error` says why, naming the field.
class LineReader {
 public:
  LineReader() : parser_(kMaxLineBytes) {}

  bool Read(const char* data, size_t len, size_t capacity, UsageRecord& r, std::string& error);

 private:
  bool Malformed(simdjson::error_code e, std::string& error) {
    error = e == simdjson::CAPACITY ? fmt::format("line longer than {} bytes", kMaxLineBytes)
                                    : fmt::format("malformed JSON: {}", simdjson::error_message(e));
    return false;
  }
  static bool FieldError(UsageField f, std::string_view problem, std::string& error) {
    error = fmt::format("{}: {}", usage_internal::UsageFieldName(f), problem);
    return false;
  }
  static bool ReadCount(od::value& v, UsageField f, int& out, std::string& error);
  static bool ReadRatio(od::value& v, UsageField f, std::optional<double>& out, std::string& error);
  static bool ReadTime(od::value& v, UsageField f, Timestamp& out, std::string& error);
  // Reads the value of field `f` into `r`; false with `error` for a value of the wrong type.
  static bool ReadValue(UsageField f, od::value& v, UsageRecord& r, std::string& error);

  od::parser parser_;
};

bool LineReader::ReadCount(od::value& v, UsageField f, int& out, std::string& error) {
  int64_t n = 0;
  if (v.get_int64().get(n) != simdjson::SUCCESS) {
    // 8.0 is an integer too; 8.5, "8" and 1e30 are not.
    double d = 0;
    if (v.get_double().get(d) != simdjson::SUCCESS || d != std::floor(d) || std::fabs(d) > 1e9) {
      return FieldError(f, "expected an integer", error);
    }
    n = static_cast<int64_t>(d);
  }
  if (n < INT32_MIN || n > INT32_MAX) return FieldError(f, "out of range", error);
  out = static_cast<int>(n);
  return true;
}

bool LineReader::ReadRatio(od::value& v, UsageField f, std::optional<double>& out,
                           std::string& error) {
  double d = 0;
  if (v.get_double().get(d) != simdjson::SUCCESS) return FieldError(f, "expected a number", error);
  out = d;
  return true;
}

bool LineReader::ReadTime(od::value& v, UsageField f, Timestamp& out, std::string& error) {
  std::string_view text;
  simdjson::error_code e = v.get_string().get(text);
  if (e == simdjson::SUCCESS) {
    auto t = ParseRfc3339(text);
    if (!t.has_value()) return FieldError(f, t.error().message(), error);
    out = *t;
    return true;
  }
  double seconds = 0;
  if (e != simdjson::INCORRECT_TYPE || v.get_double().get(seconds) != simdjson::SUCCESS) {
    return FieldError(f, "expected an RFC 3339 string or Unix seconds", error);
  }
  if (!usage_internal::UnixSecondsToTimestamp(seconds, out)) {
    return FieldError(f, "Unix seconds out of range", error);
  }
  return true;
}

bool LineReader::ReadValue(UsageField f, od::value& v, UsageRecord& r, std::string& error) {
  if (auto member = usage_internal::StringMember(f)) {
    std::string_view s;
    if (v.get_string().get(s) != simdjson::SUCCESS) {
      return FieldError(f, "expected a string", error);
    }
    (r.*member).assign(s.data(), s.size());
    return true;
  }
  switch (f) {
    case UsageField::kAcceleratorCount:
      return ReadCount(v, f, r.accelerator_count, error);
    case UsageField::kInstanceCount:
      return ReadCount(v, f, r.instance_count, error);
    case UsageField::kStart:
      return ReadTime(v, f, r.start, error);
    case UsageField::kEnd:
      return ReadTime(v, f, r.end, error);
    case UsageField::kUtilization:
      return ReadRatio(v, f, r.utilization, error);
    case UsageField::kTensorActive:
      return ReadRatio(v, f, r.tensor_active, error);
    case UsageField::kPrecision: {
      std::string_view s;
      if (v.get_string().get(s) != simdjson::SUCCESS) {
        return FieldError(f, "expected a string", error);
      }
      auto p = ParsePrecision(s);
      if (!p.has_value()) return FieldError(f, p.error().message(), error);
      r.precision = *p;
      return true;
    }
    default:
      return true;
  }
}

bool LineReader::Read(const char* data, size_t len, size_t capacity, UsageRecord& r,
                      std::string& error) {
  od::document doc;
  if (auto e = parser_.iterate(data, len, capacity).get(doc)) return Malformed(e, error);
  od::object object;
  if (auto e = doc.get_object().get(object)) {
    if (e == simdjson::INCORRECT_TYPE) {
      error = "not a JSON object";
      return false;
    }
    return Malformed(e, error);
  }
  uint32_t seen = 0;
  for (auto member : object) {
    od::field field;
    if (auto e = std::move(member).get(field)) return Malformed(e, error);
    UsageField f = MatchRawKey(reinterpret_cast<const char*>(field.key().raw()));
    if (f == UsageField::kUnknown) {  // a key with escapes, or not a field
      std::string_view key;
      if (auto e = field.unescaped_key().get(key)) return Malformed(e, error);
      f = usage_internal::LookupUsageField(key);
      if (f == UsageField::kUnknown) {
        if (key.size() > 64) key = key.substr(0, 64);
        error = fmt::format("{}: unknown field", key);
        return false;
      }
    }
    uint32_t bit = 1u << static_cast<int>(f);
    if (seen & bit) return FieldError(f, "repeated field", error);
    seen |= bit;
    od::value& v = field.value();
    if (!ReadValue(f, v, r, error)) {
      // Null means "not given"; it fails every typed read, so it is only checked here.
      bool is_null = false;
      if (v.is_null().get(is_null) != simdjson::SUCCESS || !is_null) return false;
      error.clear();
      seen &= ~bit;
    }
  }
  // At the end of the document there is no current location.
  const char* rest = nullptr;
  if (doc.current_location().get(rest) != simdjson::OUT_OF_BOUNDS) {
    error = "malformed JSON: characters after the object";
    return false;
  }
  for (UsageField f :
       {UsageField::kRecordId, UsageField::kAccountId, UsageField::kStart, UsageField::kEnd}) {
    if (!(seen & (1u << static_cast<int>(f)))) return FieldError(f, "required", error);
  }
  if (Status s = ValidateUsageRecord(r); !s.ok()) {
    error = std::string(s.message());
    return false;
  }
  r.source = "jsonl";
  return true;
}

}  // namespace

void ParseUsageJsonLines(std::string_view text, int first_line, ParsedUsage& out) {
  if (first_line == 1) text = usage_internal::StripBom(text);
  if (text.empty()) return;
  const char* p = text.data();
  const char* const end = p + text.size();
  // Room for a record per line, growing geometrically: a streaming caller makes many calls.
  size_t needed = out.records.size() + 1;
  for (const char* q = p; (q = static_cast<const char*>(std::memchr(q, '\n', end - q))); ++q) {
    ++needed;
  }
  if (needed > out.records.capacity()) {
    out.records.reserve(std::max(needed, 2 * out.records.capacity()));
  }
  LineReader reader;
  std::string scratch;  // a padded copy of a line too near the end of `text`
  std::string error;
  for (int line = first_line; p < end; ++line) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', end - p));
    const char* line_end = nl ? nl : end;
    size_t len = line_end - p;
    if (!IsBlank(p, len)) {
      const char* buf = p;
      size_t capacity = end - p;
      if (capacity < len + simdjson::SIMDJSON_PADDING) {
        scratch.assign(p, len);
        scratch.resize(len + simdjson::SIMDJSON_PADDING, ' ');
        buf = scratch.data();
        capacity = scratch.size();
      }
      UsageRecord& r = out.records.emplace_back();
      if (!reader.Read(buf, len, capacity, r, error)) {
        out.records.pop_back();
        out.errors.push_back(ParseError{line, std::move(error)});
        error.clear();
      }
    }
    if (!nl) break;
    p = nl + 1;
  }
}

}  // namespace kycloud::compute
