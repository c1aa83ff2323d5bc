#include "kycloud/lists/csl.h"

#include <fmt/format.h>

#include <cctype>

#include "kycloud/base/csv_reader.h"
#include "kycloud/lists/source_file.h"

namespace kycloud::lists {

namespace {

struct KnownSource {
  std::string_view abbreviation;  // as in "(EL)"
  std::string_view id;
  std::string_view title;
};

constexpr KnownSource kSources[] = {
    {"SDN", "us_ofac_sdn", "OFAC Specially Designated Nationals"},
    {"EL", "us_bis_entity_list", "BIS Entity List"},
    {"DPL", "us_bis_dpl", "BIS Denied Persons List"},
    {"UVL", "us_bis_unverified", "BIS Unverified List"},
    {"MEU", "us_bis_meu", "BIS Military End User List"},
    {"DTC", "us_state_itar_debarred", "State Department ITAR Debarred"},
    {"ISN", "us_state_isn", "State Department Nonproliferation Sanctions"},
    {"SSI", "us_ofac_ssi", "OFAC Sectoral Sanctions Identifications"},
    {"PLC", "us_ofac_plc", "OFAC Palestinian Legislative Council List"},
    {"CMIC", "us_ofac_cmic", "OFAC Non-SDN Chinese Military-Industrial Complex Companies"},
    {"CAP", "us_ofac_capta", "OFAC CAPTA List"},
    {"NS-MBS List", "us_ofac_nsmbs", "OFAC Non-SDN Menu-Based Sanctions"},
    {"FSE", "us_ofac_fse", "OFAC Foreign Sanctions Evaders"},
};

std::string Abbreviation(std::string_view source) {
  auto open = source.find('(');
  auto close = source.find(')', open == std::string_view::npos ? 0 : open);
  if (open == std::string_view::npos || close == std::string_view::npos) return "";
  return std::string(source.substr(open + 1, close - open - 1));
}

std::vector<std::string> SplitSemicolons(std::string_view s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(';', start);
    if (end == std::string_view::npos) end = s.size();
    std::string_view part = Trim(s.substr(start, end - start));
    if (!part.empty()) out.emplace_back(part);
    start = end + 1;
  }
  return out;
}

}  // namespace

std::string CslListId(std::string_view source) {
  std::string abbr = Abbreviation(source);
  for (const auto& k : kSources) {
    if (abbr == k.abbreviation) return std::string(k.id);
  }
  std::string id = "us_csl_";
  for (char c : abbr.empty() ? std::string(source) : abbr) {
    id += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_';
  }
  return id;
}

std::string CslListTitle(std::string_view list_id, std::string_view source) {
  for (const auto& k : kSources) {
    if (list_id == k.id) return std::string(k.title);
  }
  return std::string(source);
}

Result<CslParseResult> ParseCslCsv(std::string_view text, std::string_view origin) {
  KY_ASSIGN_OR_RETURN(TableReader table,
                      TableReader::Open(text, origin, ',', "Consolidated Screening List",
                                        {"_id", "source", "name", "type", "alt_names"}));
  auto get = [&](std::string_view name) { return table.Get(name); };
  CslParseResult out;
  while (true) {
    KY_ASSIGN_OR_RETURN(bool more, table.Next());
    if (!more) break;
    std::string source = get("source");
    std::string name = get("name");
    if (source.empty() || name.empty()) {
      return Err(
          DataLossError(fmt::format("{}:{}: row without source or name", origin, table.line())));
    }
    ListEntity e;
    e.list = CslListId(source);
    out.sources.emplace(e.list, source);
    e.id = get("entity_number").empty() ? get("_id") : get("entity_number");
    if (e.id.empty()) e.id = fmt::format("line-{}", table.line());
    Schema schema = Schema::kLegalEntity;
    if (ParseSchema(get("type"), schema)) e.schema = schema;
    AddName(e, name, NameKind::kPrimary);
    for (std::string alt : SplitSemicolons(get("alt_names"))) {
      if (alt.starts_with("and ")) alt.erase(0, 4);  // "...; and JSC 140 Repair Plant"
      AddName(e, alt, NameKind::kAlias);
    }
    for (const std::string& a : SplitSemicolons(get("addresses"))) {
      std::string country;
      auto comma = a.rfind(", ");
      if (comma != std::string::npos && a.size() - comma - 2 == 2) country = a.substr(comma + 2);
      e.addresses.push_back({a, country});
      AddUnique(e.countries, country);
    }
    for (auto& d : SplitSemicolons(get("dates_of_birth"))) AddUnique(e.dates_of_birth, d);
    for (auto& n : SplitSemicolons(get("nationalities"))) AddUnique(e.nationalities, n);
    for (auto& n : SplitSemicolons(get("citizenships"))) AddUnique(e.nationalities, n);
    for (auto& p : SplitSemicolons(get("places_of_birth"))) AddUnique(e.places_of_birth, p);
    for (auto& p : SplitSemicolons(get("programs"))) AddUnique(e.programs, p);
    for (const std::string& id : SplitSemicolons(get("ids"))) {
      // "COUNTRY, NUMBER, TYPE"; country may be empty.
      auto c1 = id.find(", ");
      auto c2 = c1 == std::string::npos ? std::string::npos : id.find(", ", c1 + 2);
      if (c2 == std::string::npos) continue;
      std::string type(Trim(std::string_view(id).substr(c2 + 2)));
      std::string value(Trim(std::string_view(id).substr(c1 + 2, c2 - c1 - 2)));
      if (type == "Gender" || value.empty()) continue;
      if (type.starts_with("Email")) {
        AddUnique(e.emails, value);
      } else if (type.starts_with("Digital Currency Address")) {
        AddUnique(e.crypto_addresses, type.substr(type.rfind(' ') + 1) + " " + value);
      } else {
        e.ids.push_back({type, value, std::string(Trim(std::string_view(id).substr(0, c1)))});
      }
    }
    if (std::string call_sign = get("call_sign"); !call_sign.empty()) {
      e.ids.push_back({"Call Sign", call_sign, ""});
    }
    AddUnique(e.countries, get("vessel_flag"));
    e.title = get("title");
    e.remarks = get("remarks");
    e.listed_on = get("start_date");
    out.by_list[e.list].push_back(std::move(e));
  }
  return out;
}

}  // namespace kycloud::lists
