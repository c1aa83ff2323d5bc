#include "kycloud/lists/csv_reader.h"

#include <fmt/format.h>

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
