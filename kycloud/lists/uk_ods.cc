#include "kycloud/lists/uk_ods.h"

#include <fmt/format.h>
#include <zip.h>

#include <map>
#include <pugixml.hpp>

#include "kycloud/base/csv_reader.h"
#include "kycloud/lists/source_file.h"

namespace kycloud::lists {

namespace {

constexpr size_t kMaxRepeat = 64;  // trailing empty cells are "repeated" thousands of times

Result<std::string> ReadZipMember(std::string_view data, const char* member,
                                  std::string_view origin) {
  zip_error_t err;
  zip_error_init(&err);
  zip_source_t* src = zip_source_buffer_create(data.data(), data.size(), 0, &err);
  if (!src) return Err(DataLossError(fmt::format("{}: cannot read zip", origin)));
  zip_t* za = zip_open_from_source(src, ZIP_RDONLY, &err);
  if (!za) {
    zip_source_free(src);
    return Err(DataLossError(
        fmt::format("{}: not an OpenDocument (zip) file: {}", origin, zip_error_strerror(&err))));
  }
  zip_stat_t st;
  zip_file_t* zf = nullptr;
  std::string out;
  if (zip_stat(za, member, 0, &st) != 0 || (zf = zip_fopen(za, member, 0)) == nullptr) {
    zip_close(za);
    return Err(DataLossError(fmt::format("{}: no {} in the archive", origin, member)));
  }
  // The size in the zip directory is not trusted: read in chunks, up to the limit.
  char buf[1 << 16];
  zip_int64_t n;
  while ((n = zip_fread(zf, buf, sizeof buf)) > 0) {
    if (out.size() + static_cast<size_t>(n) > kMaxDecompressedBytes) {
      zip_fclose(zf);
      zip_close(za);
      return Err(DataLossError(fmt::format("{}: {} is larger than {} MiB", origin, member,
                                           kMaxDecompressedBytes >> 20)));
    }
    out.append(buf, static_cast<size_t>(n));
  }
  zip_fclose(zf);
  if (n < 0) {
    zip_close(za);
    return Err(DataLossError(fmt::format("{}: corrupt {} in the archive", origin, member)));
  }
  zip_close(za);
  return out;
}

std::string CellText(const pugi::xml_node& cell) {
  std::string out;
  for (auto p : cell.children("text:p")) {
    if (!out.empty()) out += ' ';
    for (auto t : p.select_nodes(".//text()")) out += t.node().value();
  }
  return std::string(Trim(out));
}

// Builds entities from rows of named columns (row numbers for errors).
Result<UkParseResult> FromTable(const std::vector<std::vector<std::string>>& rows,
                                const std::vector<int>& lines, std::string_view origin) {
  if (rows.empty()) return Err(DataLossError(fmt::format("{}: empty sheet", origin)));
  std::map<std::string, size_t> col;
  for (size_t i = 0; i < rows[0].size(); ++i) col[rows[0][i]] = i;
  for (std::string_view required : {"Unique ID", "OFSI Group ID", "Name", "Type"}) {
    if (!col.contains(std::string(required))) {
      return Err(DataLossError(fmt::format("{}:{}: not a UK Sanctions List header (no '{}')",
                                           origin, lines[0], required)));
    }
  }
  auto get = [&](const std::vector<std::string>& r, std::string_view name) {
    auto it = col.find(std::string(name));
    return it == col.end() || it->second >= r.size() ? std::string() : r[it->second];
  };
  UkParseResult result;
  std::vector<ListEntity>& out = result.entities;
  std::map<std::string, size_t> by_group;
  for (size_t i = 1; i < rows.size(); ++i) {
    const auto& r = rows[i];
    bool blank = std::all_of(r.begin(), r.end(), [](const std::string& c) { return c.empty(); });
    if (blank) continue;
    std::string name = get(r, "Name");
    std::string group = get(r, "OFSI Group ID");
    if (group.empty()) group = get(r, "Unique ID");
    if (group.empty()) {
      return Err(DataLossError(fmt::format("{}:{}: row without an id", origin, lines[i])));
    }
    if (name.empty()) {
      ++result.rows_without_name;
      continue;
    }
    auto it = by_group.find(group);
    if (it != by_group.end()) {
      AddName(out[it->second], name, NameKind::kAlias);
      AddUnique(out[it->second].programs, get(r, "Regime Name"));
      continue;
    }
    ListEntity e;
    e.list = "uk_fcdo";
    e.id = group;
    std::string type = get(r, "Type");
    e.schema = type == "Individual" ? Schema::kPerson
               : type == "Ship"     ? Schema::kVessel
                                    : Schema::kLegalEntity;
    AddName(e, name, NameKind::kPrimary);
    AddUnique(e.programs, get(r, "Regime Name"));
    std::string date = get(r, "Date Designated");  // DD-MM-YYYY
    if (date.size() == 10 && date[2] == '-' && date[5] == '-') {
      e.listed_on = date.substr(6, 4) + "-" + date.substr(3, 2) + "-" + date.substr(0, 2);
    }
    by_group.emplace(group, out.size());
    out.push_back(std::move(e));
  }
  return result;
}

}  // namespace

Result<UkParseResult> ParseUkOds(std::string_view data, std::string_view origin) {
  KY_ASSIGN_OR_RETURN(std::string content, ReadZipMember(data, "content.xml", origin));
  pugi::xml_document doc;
  auto parsed = doc.load_buffer(content.data(), content.size());
  if (!parsed) {
    return Err(DataLossError(fmt::format("{}: content.xml: malformed XML at byte {}: {}", origin,
                                         parsed.offset, parsed.description())));
  }
  auto table = doc.select_node("//table:table").node();
  if (!table) return Err(DataLossError(fmt::format("{}: no table in the spreadsheet", origin)));
  std::vector<std::vector<std::string>> rows;
  std::vector<int> lines;
  int row_number = 0;
  for (auto row : table.select_nodes(".//table:table-row")) {
    ++row_number;
    std::vector<std::string> cells;
    for (auto cell : row.node().children()) {
      std::string_view tag = cell.name();
      if (tag != "table:table-cell" && tag != "table:covered-table-cell") continue;
      size_t repeat =
          std::max<size_t>(1, cell.attribute("table:number-columns-repeated").as_uint());
      std::string text = CellText(cell);
      for (size_t k = 0; k < std::min(repeat, kMaxRepeat); ++k) cells.push_back(text);
    }
    while (!cells.empty() && cells.back().empty()) cells.pop_back();
    size_t repeat_rows =
        std::max<size_t>(1, row.node().attribute("table:number-rows-repeated").as_uint());
    if (cells.empty()) continue;  // blank (possibly repeated) rows
    for (size_t k = 0; k < std::min(repeat_rows, kMaxRepeat); ++k) {
      rows.push_back(cells);
      lines.push_back(row_number);
    }
  }
  return FromTable(rows, lines, origin);
}

Result<UkParseResult> ParseUkCsv(std::string_view text, std::string_view origin) {
  CsvReader reader(text, origin);
  std::vector<std::vector<std::string>> rows;
  std::vector<int> lines;
  std::vector<std::string> f;
  while (true) {
    KY_ASSIGN_OR_RETURN(bool more, reader.Next(f));
    if (!more) break;
    for (auto& c : f) c = std::string(Trim(c));
    rows.push_back(f);
    lines.push_back(reader.line());
  }
  return FromTable(rows, lines, origin);
}

}  // namespace kycloud::lists
