// Usage fields: the pieces the usage parsers (usage_parsers.h) share — the UsageRecord field
// names of the JSON lines and CSV formats, strict readers for numbers and times, UTF-8 checks,
// line splitting and the step that validates a parsed record and files it (or its error) into
// a ParsedUsage. Internal to kycloud/compute.
//
// Thread-safety: pure functions; a LineSplitter is used by one thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "kycloud/base/csv_reader.h"
#include "kycloud/base/result.h"
#include "kycloud/base/time.h"
#include "kycloud/compute/usage_record.h"

namespace kycloud::compute::usage_internal {

// The members of a JSON lines record (and columns of a usage CSV), in UsageRecord order.
enum class UsageField : uint8_t {
  kRecordId,
  kAccountId,
  kPayerId,
  kOrganizationId,
  kResourceId,
  kInstanceType,
  kAccelerator,
  kAcceleratorCount,
  kInstanceCount,
  kStart,
  kEnd,
  kRegion,
  kCluster,
  kUtilization,
  kPrecision,
  kTensorActive,
  kUnknown,
};
inline constexpr int kUsageFieldCount = static_cast<int>(UsageField::kUnknown);

// kUnknown for a name that is not a field. Exact, case-sensitive match.
UsageField LookupUsageField(std::string_view name);
std::string_view UsageFieldName(UsageField field);
// The std::string member a text field is stored in; nullptr for numbers, times and precision.
std::string UsageRecord::*StringMember(UsageField field);

// Unix seconds to a Timestamp; false outside [1970, 10000) or for NaN.
bool UnixSecondsToTimestamp(double seconds, Timestamp& out);
// An RFC 3339 time, the same without a zone (read as UTC: "2024-05-25T08:00:00", CUR's
// "2022-11-01 00:00:00.000"), or Unix seconds ("1716624000", "1716624000.5"). Errors:
// InvalidArgument "invalid timestamp '...': ...".
Result<Timestamp> ParseTimeText(std::string_view text);
// The whole of `text` as a finite double / an int; false otherwise (out is unchanged).
bool ParseDouble(std::string_view text, double& out);
bool ParseInt(std::string_view text, int& out);
bool ParseInt64(std::string_view text, int64_t& out);
// Hours (finite, in [0, 1e6]) as microseconds; false otherwise.
bool HoursToDuration(double hours, std::chrono::microseconds& out);

bool IsValidUtf8(std::string_view text);
// `text` without a leading UTF-8 byte order mark.
std::string_view StripBom(std::string_view text);
// ASCII case-insensitive equality.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// Validates `record` (ValidateUsageRecord, and UTF-8 in its text fields when `check_utf8`) and
// appends it to out.records, or a ParseError at `line` to out.errors.
void AddRecord(UsageRecord record, int line, bool check_utf8, ParsedUsage& out);
void AddError(int line, std::string message, ParsedUsage& out);

// Reads the header row into `cells`; false (with an error at line 1) for an empty input or an
// unterminated quote.
bool ReadCsvHeader(CsvReader& reader, std::vector<std::string>& cells, ParsedUsage& out);

// Splits text into lines at '\n' (dropping a '\r' before it); the last line may lack '\n'.
class LineSplitter {
 public:
  explicit LineSplitter(std::string_view text) : text_(text) {}
  // The next line; false at the end of the text.
  bool Next(std::string_view& line);
  // The 1-based number of the line Next() returned last.
  int line() const { return line_; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
  int line_ = 0;
};

}  // namespace kycloud::compute::usage_internal
