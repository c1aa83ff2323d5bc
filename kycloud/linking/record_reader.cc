#include "kycloud/linking/record_reader.h"

#include <fmt/format.h>

#include "kycloud/base/csv_reader.h"

namespace kycloud::linking {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

Result<FieldMapping> ParseFieldMapping(std::string_view mapping) {
  FieldMapping out;
  size_t pos = 0;
  while (pos <= mapping.size()) {
    size_t end = mapping.find(',', pos);
    if (end == std::string_view::npos) end = mapping.size();
    const std::string_view pair = Trim(mapping.substr(pos, end - pos));
    pos = end + 1;
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    if (eq == std::string_view::npos) {
      return Err(InvalidArgumentError(fmt::format("--fields: '{}' is not field=column", pair)));
    }
    const std::string_view field = Trim(pair.substr(0, eq));
    const std::string_view column = Trim(pair.substr(eq + 1));
    if (column.empty()) {
      return Err(InvalidArgumentError(fmt::format("--fields: '{}' names no column", pair)));
    }
    if (field == "id") {
      if (!out.id_column.empty()) {
        return Err(InvalidArgumentError("--fields: 'id' is given twice"));
      }
      out.id_column = std::string(column);
      continue;
    }
    auto f = FieldFromName(field);
    if (!f) {
      return Err(InvalidArgumentError(fmt::format(
          "--fields: unknown field '{}' (id, given_name, family_name, full_name, org_name, "
          "street_number, address_line, locality, postcode, region, country, date_of_birth, "
          "phone, email, national_id, payment_fingerprint, bank_account, wallet, ip)",
          field)));
    }
    out.columns.emplace_back(*f, std::string(column));
  }
  if (out.id_column.empty()) {
    return Err(InvalidArgumentError("--fields: 'id' is required (id=COLUMN)"));
  }
  if (out.columns.empty()) return Err(InvalidArgumentError("--fields: no field to compare"));
  return out;
}

Result<std::vector<LinkRecord>> ReadLinkRecords(std::string_view csv, const FieldMapping& mapping,
                                                std::string_view origin) {
  CsvReader reader(csv, origin);
  std::vector<std::string> row;
  KY_ASSIGN_OR_RETURN(bool has_header, reader.Next(row));
  if (!has_header) return Err(InvalidArgumentError(fmt::format("{}: empty input", origin)));
  auto column_of = [&](const std::string& name, std::string_view field) -> Result<size_t> {
    for (size_t i = 0; i < row.size(); ++i) {
      std::string_view h = Trim(row[i]);
      if (i == 0 && h.starts_with("\xEF\xBB\xBF")) h.remove_prefix(3);  // a byte-order mark
      if (h == name) return i;
    }
    return Err(InvalidArgumentError(
        fmt::format("{}: column '{}' (field {}) is not in the header", origin, name, field)));
  };
  KY_ASSIGN_OR_RETURN(const size_t id_index, column_of(mapping.id_column, "id"));
  std::vector<std::pair<Field, size_t>> columns;
  size_t needed = id_index;
  for (const auto& [field, name] : mapping.columns) {
    KY_ASSIGN_OR_RETURN(size_t index, column_of(name, FieldName(field)));
    columns.emplace_back(field, index);
    needed = std::max(needed, index);
  }
  std::vector<LinkRecord> out;
  while (true) {
    KY_ASSIGN_OR_RETURN(bool more, reader.Next(row));
    if (!more) break;
    if (row.size() == 1 && Trim(row[0]).empty()) continue;  // a blank line
    if (row.size() <= needed) {
      return Err(DataLossError(fmt::format("{}:{}: {} columns, the mapping needs {}", origin,
                                           reader.line(), row.size(), needed + 1)));
    }
    LinkRecord r;
    r.id = std::string(Trim(row[id_index]));
    if (r.id.empty()) {
      return Err(DataLossError(fmt::format("{}:{}: the id column '{}' is empty", origin,
                                           reader.line(), mapping.id_column)));
    }
    for (const auto& [field, index] : columns) {
      std::string_view v = Trim(row[index]);
      if (!v.empty()) r.Add(field, std::string(v));
    }
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace kycloud::linking
