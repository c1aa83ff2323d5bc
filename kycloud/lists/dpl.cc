#include "kycloud/lists/dpl.h"

#include <fmt/format.h>

#include <map>

#include "kycloud/base/sha256.h"
#include "kycloud/lists/csv_reader.h"
#include "kycloud/lists/source_file.h"

namespace kycloud::lists {

Result<std::vector<ListEntity>> ParseDplTsv(std::string_view text, std::string_view origin) {
  CsvReader reader(text, origin, '\t');
  std::vector<std::string> f;
  KY_ASSIGN_OR_RETURN(bool any, reader.Next(f));
  if (!any) return Err(DataLossError(fmt::format("{}: empty file", origin)));
  std::map<std::string, size_t> col;
  for (size_t i = 0; i < f.size(); ++i) col[std::string(Trim(f[i]))] = i;
  for (std::string_view required : {"Name", "Street_Address", "City", "Country"}) {
    if (!col.contains(std::string(required))) {
      return Err(DataLossError(
          fmt::format("{}:1: not a Denied Persons List header (no '{}')", origin, required)));
    }
  }
  size_t header_size = f.size();
  std::vector<ListEntity> out;
  std::map<std::string, size_t> seen;
  while (true) {
    KY_ASSIGN_OR_RETURN(bool more, reader.Next(f));
    if (!more) break;
    if (f.size() != header_size) {
      return Err(DataLossError(fmt::format("{}:{}: expected {} fields, got {}", origin,
                                           reader.line(), header_size, f.size())));
    }
    auto get = [&](std::string_view n) { return std::string(Trim(f[col.at(std::string(n))])); };
    auto opt = [&](std::string_view n) {
      auto it = col.find(std::string(n));
      return it == col.end() ? std::string() : std::string(Trim(f[it->second]));
    };
    std::string name = get("Name");
    if (name.empty())
      return Err(DataLossError(fmt::format("{}:{}: empty name", origin, reader.line())));
    std::string address;
    for (std::string part :
         {get("Street_Address"), get("City"), opt("State"), opt("Postal_Code"), get("Country")}) {
      if (part.empty()) continue;
      if (!address.empty()) address += ", ";
      address += part;
    }
    std::string id = Sha256Hex(name + "\n" + address).substr(0, 16);
    if (auto it = seen.find(id); it != seen.end()) continue;  // exact duplicate row
    ListEntity e;
    e.list = "us_bis_dpl";
    e.id = id;
    AddName(e, name, NameKind::kPrimary);
    if (!address.empty()) e.addresses.push_back({address, get("Country")});
    AddUnique(e.countries, get("Country"));
    std::string effective = opt("Effective_Date");  // MM/DD/YYYY
    if (effective.size() == 10 && effective[2] == '/' && effective[5] == '/') {
      e.listed_on =
          effective.substr(6, 4) + "-" + effective.substr(0, 2) + "-" + effective.substr(3, 2);
    }
    e.remarks = opt("FR_Citation");
    seen.emplace(id, out.size());
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace kycloud::lists
