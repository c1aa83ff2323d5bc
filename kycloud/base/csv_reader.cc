#include "kycloud/base/csv_reader.h"

#include <fmt/format.h>

#include <algorithm>

namespace kycloud {

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

}  // namespace kycloud

namespace kycloud {

Result<TableReader> TableReader::Open(std::string_view text, std::string_view origin,
                                      char delimiter, std::string_view format,
                                      std::initializer_list<std::string_view> required) {
  TableReader t{CsvReader(text, origin, delimiter)};
  KY_ASSIGN_OR_RETURN(bool any, t.reader_.Next(t.header_));
  if (!any) return Err(DataLossError(fmt::format("{}: empty file", origin)));
  for (auto& h : t.header_) h = std::string(TrimSpace(h));
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
    if (header_[i] == column) return std::string(TrimSpace(fields_[i]));
  }
  return "";
}

std::string_view TrimSpace(std::string_view s) {
  auto is_space = [](std::string_view v, size_t i) {
    unsigned char c = static_cast<unsigned char>(v[i]);
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
  };
  while (!s.empty()) {
    if (is_space(s, 0))
      s.remove_prefix(1);
    else if (s.size() >= 2 && s.substr(0, 2) == "\xc2\xa0")
      s.remove_prefix(2);
    else
      break;
  }
  while (!s.empty()) {
    if (is_space(s, s.size() - 1))
      s.remove_suffix(1);
    else if (s.size() >= 2 && s.substr(s.size() - 2) == "\xc2\xa0")
      s.remove_suffix(2);
    else
      break;
  }
  return s;
}

std::string CsvQuote(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace kycloud
