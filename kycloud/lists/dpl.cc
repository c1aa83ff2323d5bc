#include "kycloud/lists/dpl.h"

#include <fmt/format.h>

#include <map>

#include "kycloud/base/csv_reader.h"
#include "kycloud/base/sha256.h"
#include "kycloud/lists/source_file.h"

namespace kycloud::lists {

Result<std::vector<ListEntity>> ParseDplTsv(std::string_view text, std::string_view origin) {
  KY_ASSIGN_OR_RETURN(TableReader table,
                      TableReader::Open(text, origin, '\t', "Denied Persons List",
                                        {"Name", "Street_Address", "City", "Country"}));
  std::vector<ListEntity> out;
  std::map<std::string, size_t> seen;
  while (true) {
    KY_ASSIGN_OR_RETURN(bool more, table.Next());
    if (!more) break;
    auto get = [&](std::string_view n) { return table.Get(n); };
    std::string name = get("Name");
    if (name.empty())
      return Err(DataLossError(fmt::format("{}:{}: empty name", origin, table.line())));
    std::string address;
    for (std::string part :
         {get("Street_Address"), get("City"), get("State"), get("Postal_Code"), get("Country")}) {
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
    std::string effective = get("Effective_Date");  // MM/DD/YYYY
    if (effective.size() == 10 && effective[2] == '/' && effective[5] == '/') {
      e.listed_on =
          effective.substr(6, 4) + "-" + effective.substr(0, 2) + "-" + effective.substr(3, 2);
    }
    e.remarks = get("FR_Citation");
    seen.emplace(id, out.size());
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace kycloud::lists
