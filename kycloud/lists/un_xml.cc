#include "kycloud/lists/un_xml.h"

#include <fmt/format.h>

#include <algorithm>
#include <pugixml.hpp>

#include "kycloud/lists/source_file.h"

namespace kycloud::lists {

namespace {

std::string Text(const pugi::xml_node& n, const char* child) {
  return std::string(Trim(n.child(child).text().as_string()));
}

std::string JoinNonEmpty(std::initializer_list<std::string> parts, std::string_view sep) {
  std::string out;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

int LineOf(std::string_view text, ptrdiff_t offset) {
  offset = std::clamp<ptrdiff_t>(offset, 0, static_cast<ptrdiff_t>(text.size()));
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + offset, '\n'));
}

// A record's list, schema, id (REFERENCE_NUMBER, else DATAID), primary and original-script names.
ListEntity StartRecord(const pugi::xml_node& n, Schema schema, std::string primary_name) {
  ListEntity e;
  e.list = "un_sc";
  e.schema = schema;
  e.id = Text(n, "REFERENCE_NUMBER");
  if (e.id.empty()) e.id = Text(n, "DATAID");
  AddName(e, std::move(primary_name), NameKind::kPrimary);
  if (!e.names.empty()) AddName(e, Text(n, "NAME_ORIGINAL_SCRIPT"), NameKind::kOriginalScript);
  return e;
}

void ParseCommon(const pugi::xml_node& n, bool individual, ListEntity& e) {
  AddUnique(e.programs, Text(n, "UN_LIST_TYPE"));
  e.listed_on = Text(n, "LISTED_ON");
  e.remarks = Text(n, "COMMENTS1");
  for (auto v : n.child("NATIONALITY").children("VALUE")) {
    AddUnique(e.nationalities, std::string(Trim(v.text().as_string())));
  }
  std::vector<std::string> titles;
  for (auto v : n.child("TITLE").children("VALUE")) titles.emplace_back(Trim(v.text().as_string()));
  for (auto v : n.child("DESIGNATION").children("VALUE"))
    titles.emplace_back(Trim(v.text().as_string()));
  for (auto& t : titles) {
    if (t.empty()) continue;
    if (!e.title.empty()) e.title += "; ";
    e.title += t;
  }
  const char* alias_tag = individual ? "INDIVIDUAL_ALIAS" : "ENTITY_ALIAS";
  for (auto a : n.children(alias_tag)) {
    std::string name = Text(a, "ALIAS_NAME");
    std::string quality = Text(a, "QUALITY");
    AddName(e, name, quality == "Low" ? NameKind::kWeakAlias : NameKind::kAlias);
    if (std::string dob = Text(a, "DATE_OF_BIRTH"); !dob.empty()) AddUnique(e.dates_of_birth, dob);
  }
  const char* addr_tag = individual ? "INDIVIDUAL_ADDRESS" : "ENTITY_ADDRESS";
  for (auto a : n.children(addr_tag)) {
    std::string country = Text(a, "COUNTRY");
    std::string line = JoinNonEmpty({Text(a, "STREET"), Text(a, "CITY"), Text(a, "STATE_PROVINCE"),
                                     Text(a, "ZIP_CODE"), country},
                                    ", ");
    if (line.empty()) continue;
    e.addresses.push_back({line, country});
    AddUnique(e.countries, country);
  }
}

}  // namespace

Result<UnParseResult> ParseUnXml(std::string_view text, std::string_view origin) {
  pugi::xml_document doc;
  pugi::xml_parse_result parsed =
      doc.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_utf8);
  if (!parsed) {
    return Err(DataLossError(fmt::format("{}:{}: malformed XML: {}", origin,
                                         LineOf(text, parsed.offset), parsed.description())));
  }
  pugi::xml_node root = doc.child("CONSOLIDATED_LIST");
  if (!root) return Err(DataLossError(fmt::format("{}:1: no CONSOLIDATED_LIST element", origin)));
  UnParseResult out;
  out.date_generated = std::string(root.attribute("dateGenerated").as_string()).substr(0, 10);
  auto record_error = [&](const pugi::xml_node& n, std::string_view what) {
    return DataLossError(fmt::format("{}:{}: {}", origin, LineOf(text, n.offset_debug()), what));
  };
  for (auto n : root.child("INDIVIDUALS").children("INDIVIDUAL")) {
    std::string name = JoinNonEmpty({Text(n, "FIRST_NAME"), Text(n, "SECOND_NAME"),
                                     Text(n, "THIRD_NAME"), Text(n, "FOURTH_NAME")},
                                    " ");
    ListEntity e = StartRecord(n, Schema::kPerson, name);
    if (e.names.empty() || e.id.empty()) {
      return Err(record_error(n, "INDIVIDUAL without name or id"));
    }
    ParseCommon(n, true, e);
    for (auto d : n.children("INDIVIDUAL_DATE_OF_BIRTH")) {
      if (std::string date = Text(d, "DATE"); !date.empty()) {
        AddUnique(e.dates_of_birth, date.substr(0, 10));
      } else if (std::string year = Text(d, "YEAR"); !year.empty()) {
        AddUnique(e.dates_of_birth, year);
      } else {
        int from = d.child("FROM_YEAR").text().as_int(), to = d.child("TO_YEAR").text().as_int();
        if (from > 0 && to >= from && to - from <= 10) {
          for (int y = from; y <= to; ++y) AddUnique(e.dates_of_birth, std::to_string(y));
        }
      }
    }
    for (auto p : n.children("INDIVIDUAL_PLACE_OF_BIRTH")) {
      AddUnique(
          e.places_of_birth,
          JoinNonEmpty({Text(p, "CITY"), Text(p, "STATE_PROVINCE"), Text(p, "COUNTRY")}, ", "));
    }
    for (auto doc_node : n.children("INDIVIDUAL_DOCUMENT")) {
      std::string number = Text(doc_node, "NUMBER");
      if (number.empty()) continue;
      std::string country = Text(doc_node, "ISSUING_COUNTRY");
      if (country.empty()) country = Text(doc_node, "COUNTRY_OF_ISSUE");
      e.ids.push_back({Text(doc_node, "TYPE_OF_DOCUMENT"), number, country});
    }
    out.entities.push_back(std::move(e));
  }
  for (auto n : root.child("ENTITIES").children("ENTITY")) {
    ListEntity e = StartRecord(n, Schema::kLegalEntity, Text(n, "FIRST_NAME"));
    if (e.names.empty() || e.id.empty()) return Err(record_error(n, "ENTITY without name or id"));
    ParseCommon(n, false, e);
    out.entities.push_back(std::move(e));
  }
  return out;
}

}  // namespace kycloud::lists
