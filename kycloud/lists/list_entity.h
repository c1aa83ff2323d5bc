// ListEntity: one listed party (person, company, organization, vessel or aircraft) from any
// sanctions or export list, in one model for every source format. Parsers fill it; the screening
// index reads it. Dates are ISO 8601 strings that may be partial ("1962", "1962-03",
// "1962-03-25"); countries are kept as written by the source (screening normalises them).
//
// Thread-safety: a value type.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kycloud::lists {

enum class Schema { kLegalEntity, kPerson, kCompany, kOrganization, kVessel, kAirplane };
// "LegalEntity", "Person", ... (the FollowTheMoney names used in the CLI contracts).
std::string_view SchemaName(Schema s);
// Accepts the names above case-insensitively, plus "individual", "entity", "aircraft".
bool ParseSchema(std::string_view text, Schema& out);

enum class NameKind {
  kPrimary,         // the list's main name
  kAlias,           // a strong alias (a.k.a., f.k.a., n.k.a.; UN quality "Good")
  kWeakAlias,       // a weak alias (OFAC remarks, UN quality "Low"): never a top-band hit alone
  kOriginalScript,  // the name in its original script (UN NAME_ORIGINAL_SCRIPT)
};
std::string_view NameKindName(NameKind k);  // "primary", "alias", "weak_alias", "original_script"

struct EntityName {
  std::string text;
  NameKind kind = NameKind::kPrimary;
  friend bool operator==(const EntityName&, const EntityName&) = default;
};

struct Address {
  std::string text;     // the full address as one line
  std::string country;  // as written by the source ("" if unknown)
  friend bool operator==(const Address&, const Address&) = default;
};

struct Identifier {
  std::string type;  // "Passport", "National ID No.", "Tax ID No.", "IMO", ...
  std::string value;
  std::string country;  // issuing country, if given
  friend bool operator==(const Identifier&, const Identifier&) = default;
};

struct ListEntity {
  std::string list;  // list id, e.g. "us_ofac_sdn", "us_bis_entity_list", "un_sc"
  std::string id;    // the source's entity id, unique within the list
  Schema schema = Schema::kLegalEntity;
  std::vector<EntityName> names;  // names[0] is the primary name
  std::vector<Address> addresses;
  std::vector<std::string> dates_of_birth;  // ISO, possibly partial
  std::vector<std::string> places_of_birth;
  std::vector<std::string> nationalities;  // nationality / citizenship, as written
  std::vector<std::string> countries;      // other country links (address, registration)
  std::vector<Identifier> ids;
  std::vector<std::string> programs;  // sanctions programs / regimes
  std::vector<std::string> emails;
  std::vector<std::string> crypto_addresses;  // "XBT 1A1zP1...", type then address
  std::vector<std::string> linked_to;         // names of linked parties
  std::string title;
  std::string remarks;
  std::string listed_on;  // designation date (ISO), if known

  const std::string& primary_name() const;
  friend bool operator==(const ListEntity&, const ListEntity&) = default;
};

// Appends `name` unless an equal name is already there (same text); a stronger kind wins.
void AddName(ListEntity& e, std::string name, NameKind kind);
// Appends `value` to `values` unless empty or already there.
void AddUnique(std::vector<std::string>& values, std::string value);

}  // namespace kycloud::lists
