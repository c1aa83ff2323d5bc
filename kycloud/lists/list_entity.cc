#include "kycloud/lists/list_entity.h"

#include <algorithm>
#include <cctype>

namespace kycloud::lists {

namespace {
bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}
}  // namespace

std::string_view SchemaName(Schema s) {
  switch (s) {
    case Schema::kLegalEntity:
      return "LegalEntity";
    case Schema::kPerson:
      return "Person";
    case Schema::kCompany:
      return "Company";
    case Schema::kOrganization:
      return "Organization";
    case Schema::kVessel:
      return "Vessel";
    case Schema::kAirplane:
      return "Airplane";
  }
  return "LegalEntity";
}

bool ParseSchema(std::string_view t, Schema& out) {
  static constexpr std::pair<std::string_view, Schema> kNames[] = {
      {"legalentity", Schema::kLegalEntity},
      {"entity", Schema::kLegalEntity},
      {"person", Schema::kPerson},
      {"individual", Schema::kPerson},
      {"company", Schema::kCompany},
      {"organization", Schema::kOrganization},
      {"organisation", Schema::kOrganization},
      {"vessel", Schema::kVessel},
      {"airplane", Schema::kAirplane},
      {"aircraft", Schema::kAirplane},
  };
  for (const auto& [name, schema] : kNames) {
    if (EqualsIgnoreCase(t, name)) {
      out = schema;
      return true;
    }
  }
  return false;
}

std::string_view NameKindName(NameKind k) {
  switch (k) {
    case NameKind::kPrimary:
      return "primary";
    case NameKind::kAlias:
      return "alias";
    case NameKind::kWeakAlias:
      return "weak_alias";
    case NameKind::kOriginalScript:
      return "original_script";
  }
  return "alias";
}

const std::string& ListEntity::primary_name() const {
  static const std::string kEmpty;
  return names.empty() ? kEmpty : names.front().text;
}

void AddName(ListEntity& e, std::string name, NameKind kind) {
  while (!name.empty() && std::isspace(static_cast<unsigned char>(name.back()))) name.pop_back();
  size_t start = 0;
  while (start < name.size() && std::isspace(static_cast<unsigned char>(name[start]))) ++start;
  name.erase(0, start);
  if (name.empty()) return;
  for (EntityName& n : e.names) {
    if (n.text == name) {
      // kPrimary < kAlias < kWeakAlias: keep the strongest; original script stays as is.
      if (kind != NameKind::kOriginalScript && n.kind != NameKind::kOriginalScript &&
          static_cast<int>(kind) < static_cast<int>(n.kind)) {
        n.kind = kind;
      }
      return;
    }
  }
  e.names.push_back({std::move(name), kind});
}

void AddUnique(std::vector<std::string>& values, std::string value) {
  if (value.empty()) return;
  if (std::find(values.begin(), values.end(), value) == values.end()) {
    values.push_back(std::move(value));
  }
}

}  // namespace kycloud::lists
