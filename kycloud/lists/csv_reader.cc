#include "kycloud/lists/csv_reader.h"

#include <fmt/format.h>

#include <algorithm>

namespace kycloud::lists {

CsvReader::CsvReader(std::string_view text, std::string_view origin, char delimiter)
    : text_(text), origin_(origin), delim_(delimiter) {}

Result<bool> CsvReader::Next(std::vector<std::string>& fields) {
  fields.clear();
  // Skip blank lines between records.
  while (pos_ < text_.size() && (text_[pos_] == '\n' || text_[pos_] == '\r')) {
    if (text_[pos_] == '\n') ++line_;
    ++pos_;
  }
  if (pos_ >= text_.size()) return false;
  record_line_ = line_;
  std::string field;
  while (true) {
    if (pos_ < text_.size() && text_[pos_] == '"') {
      int start_line = line_;
      ++pos_;
      while (true) {
        if (pos_ >= text_.size()) {
          return Err(
              DataLossError(fmt::format("{}:{}: unterminated quoted field", origin_, start_line)));
        }
        char c = text_[pos_++];
        if (c == '"') {
          if (pos_ < text_.size() && text_[pos_] == '"') {
            field += '"';
            ++pos_;
          } else {
            break;
          }
        } else {
          if (c == '\n') ++line_;
          field += c;
        }
      }
      // Characters after the closing quote up to the delimiter are kept (lenient, as
      // OFAC's `"x" ` fields need).
    }
    while (pos_ < text_.size() && text_[pos_] != delim_ && text_[pos_] != '\n' &&
           text_[pos_] != '\r') {
      field += text_[pos_++];
    }
    fields.push_back(std::move(field));
    field.clear();
    if (pos_ >= text_.size()) return true;
    char c = text_[pos_];
    if (c == delim_) {
      ++pos_;
      continue;
    }
    // End of record.
    if (c == '\r') ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '\n') {
      ++pos_;
      ++line_;
    }
    return true;
  }
}

}  // namespace kycloud::lists

#include "kycloud/lists/source_file.h"

namespace kycloud::lists {

Result<TableReader> TableReader::Open(std::string_view text, std::string_view origin,
                                      char delimiter, std::string_view format,
                                      std::initializer_list<std::string_view> required) {
  TableReader t{CsvReader(text, origin, delimiter)};
  KY_ASSIGN_OR_RETURN(bool any, t.reader_.Next(t.header_));
  if (!any) return Err(DataLossError(fmt::format("{}: empty file", origin)));
  for (auto& h : t.header_) h = std::string(Trim(h));
  for (std::string_view column : required) {
    if (std::find(t.header_.begin(), t.header_.end(), column) == t.header_.end()) {
      return Err(
          DataLossError(fmt::format("{}:1: not a {} header (no '{}')", origin, format, column)));
    }
  }
  return t;
}

Result<bool> TableReader::Next() {
  KY_ASSIGN_OR_RETURN(bool more, reader_.Next(fields_));
  if (!more) return false;
  if (fields_.size() != header_.size()) {
    return Err(DataLossError(fmt::format("{}:{}: expected {} fields, got {}", reader_.origin(),
                                         reader_.line(), header_.size(), fields_.size())));
  }
  return true;
}

std::string TableReader::Get(std::string_view column) const {
  for (size_t i = 0; i < header_.size(); ++i) {
    if (header_[i] == column) return std::string(Trim(fields_[i]));
  }
  return "";
}

}  // namespace kycloud::lists
