// CsvReader: RFC 4180 records with the quirks of government list files and provider exports: any
// delimiter (',' or TAB), quoted fields with doubled quotes and embedded line breaks, CRLF or LF,
// and the line number where each record starts (for error messages). A quote left open at the end
// of the input is an error naming the line where the field began.
//
// Thread-safety: one reader per thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "kycloud/base/result.h"

namespace kycloud {

class CsvReader {
 public:
  // `text` must outlive the reader. `origin` names the input in errors.
  CsvReader(std::string_view text, std::string_view origin, char delimiter = ',');

  // Reads the next record into `fields`. Returns false at the end of input; errors are
  // DataLoss "origin:line: unterminated quoted field".
  Result<bool> Next(std::vector<std::string>& fields);
  // The 1-based line on which the last record returned started.
  int line() const { return record_line_; }
  const std::string& origin() const { return origin_; }

 private:
  std::string_view text_;
  std::string origin_;
  char delim_;
  size_t pos_ = 0;
  int line_ = 1;
  int record_line_ = 0;
};

// One field as CSV writes it: quoted (with doubled quotes) when it holds a comma, quote or line
// break; as is otherwise.
std::string CsvQuote(std::string_view field);

// Trims ASCII whitespace (and NBSP) at both ends.
std::string_view TrimSpace(std::string_view s);

// TableReader: a CsvReader over a file with a header row, giving fields by column name. The
// header must name every `required` column ("origin:1: not a <format> header (no 'x')"); every
// record must have as many fields as the header ("origin:line: expected N fields, got M").
class TableReader {
 public:
  static Result<TableReader> Open(std::string_view text, std::string_view origin, char delimiter,
                                  std::string_view format,
                                  std::initializer_list<std::string_view> required);
  // Reads the next record; false at the end of input.
  Result<bool> Next();
  // The trimmed value of `column` in the current record ("" if the file has no such column).
  std::string Get(std::string_view column) const;
  int line() const { return reader_.line(); }

 private:
  TableReader(CsvReader reader) : reader_(std::move(reader)) {}
  CsvReader reader_;
  std::vector<std::string> header_, fields_;
};

}  // namespace kycloud
