#include "kycloud/policy/party_facts.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "kycloud/policy/policy.h"

namespace kycloud::policy {

namespace {

using json = nlohmann::json;

Status Bad(std::string_view pointer, std::string_view what) {
  return InvalidArgumentError(fmt::format("{}: {}", pointer, what)).WithField(std::string(pointer));
}

Status GetString(const json& v, std::string_view pointer, std::string& out) {
  if (!v.is_string()) return Bad(pointer, "must be a string");
  out = v.get<std::string>();
  return OkStatus();
}

Status GetCountry(const json& v, std::string_view pointer, std::string& out) {
  KY_TRY(GetString(v, pointer, out));
  if (!out.empty() && !IsCountryCode(out)) {
    return Bad(pointer, fmt::format("'{}' is not an ISO 3166-1 alpha-2 code (two capitals)", out));
  }
  return OkStatus();
}

Status GetStrings(const json& v, std::string_view pointer, std::vector<std::string>& out,
                  bool countries) {
  if (!v.is_array()) return Bad(pointer, "must be an array of strings");
  out.clear();
  for (size_t i = 0; i < v.size(); ++i) {
    std::string s;
    const std::string p = fmt::format("{}/{}", pointer, i);
    KY_TRY(countries ? GetCountry(v[i], p, s) : GetString(v[i], p, s));
    out.push_back(std::move(s));
  }
  return OkStatus();
}

Status GetBool(const json& v, std::string_view pointer, bool& out) {
  if (!v.is_boolean()) return Bad(pointer, "must be true or false");
  out = v.get<bool>();
  return OkStatus();
}

Status OneOf(std::string_view pointer, const std::string& value,
             std::initializer_list<std::string_view> allowed) {
  for (std::string_view a : allowed) {
    if (value == a) return OkStatus();
  }
  std::string list;
  for (std::string_view a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  return Bad(pointer, fmt::format("'{}' is not one of {}", value, list));
}

Status ParseOwner(const json& o, const std::string& pointer, Ownership& out) {
  if (!o.is_object()) return Bad(pointer, "must be an object");
  for (const auto& [key, v] : o.items()) {
    const std::string p = pointer + "/" + key;
    if (key == "id") {
      KY_TRY(GetString(v, p, out.id));
    } else if (key == "share") {
      if (!v.is_number()) return Bad(p, "must be a number in [0, 1]");
      out.share = v.get<double>();
      if (!(out.share >= 0 && out.share <= 1)) return Bad(p, "must be a number in [0, 1]");
    } else if (key == "blocked") {
      KY_TRY(GetBool(v, p, out.blocked));
    } else if (key == "entity_list") {
      KY_TRY(GetBool(v, p, out.entity_list));
    } else {
      return Bad(p, "is not a field of an owner (id, share, blocked, entity_list)");
    }
  }
  if (out.id.empty()) return Bad(pointer + "/id", "is required");
  return OkStatus();
}

}  // namespace

std::vector<std::string> PartyFacts::PresenceCountries() const {
  std::vector<std::string> out;
  auto add = [&](const std::string& c) {
    if (!c.empty() && std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  };
  add(country);
  for (const auto& c : billing_countries) add(c);
  for (const auto& c : ip_countries) add(c);
  return out;
}

Result<PartyFacts> ParsePartyFacts(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return Err(Bad("", "not a JSON document"));
  if (!j.is_object()) return Err(Bad("", "must be a JSON object"));
  PartyFacts f;
  for (const auto& [key, v] : j.items()) {
    const std::string p = "/" + key;
    Status s;
    if (key == "id") {
      s = GetString(v, p, f.id);
    } else if (key == "kind") {
      s = GetString(v, p, f.kind);
      if (s.ok()) s = OneOf(p, f.kind, {"individual", "organisation"});
    } else if (key == "names") {
      s = GetStrings(v, p, f.names, false);
    } else if (key == "country") {
      s = GetCountry(v, p, f.country);
    } else if (key == "billing_countries") {
      s = GetStrings(v, p, f.billing_countries, true);
    } else if (key == "ip_countries") {
      s = GetStrings(v, p, f.ip_countries, true);
    } else if (key == "subdivisions") {
      s = GetStrings(v, p, f.subdivisions, false);
    } else if (key == "nationalities") {
      s = GetStrings(v, p, f.nationalities, true);
    } else if (key == "headquarters_country") {
      s = GetCountry(v, p, f.headquarters_country);
    } else if (key == "ultimate_parent_country") {
      s = GetCountry(v, p, f.ultimate_parent_country);
    } else if (key == "parent_id") {
      s = GetString(v, p, f.parent_id);
    } else if (key == "owners") {
      if (!v.is_array()) return Err(Bad(p, "must be an array of owners"));
      for (size_t i = 0; i < v.size() && s.ok(); ++i) {
        Ownership o;
        s = ParseOwner(v[i], fmt::format("{}/{}", p, i), o);
        f.owners.push_back(std::move(o));
      }
    } else if (key == "us_person") {
      s = GetBool(v, p, f.us_person);
    } else if (key == "verification") {
      s = GetString(v, p, f.verification);
      if (s.ok())
        s = OneOf(p, f.verification,
                  {"not_required", "pending", "verified", "failed", "failed_restricted"});
    } else if (key == "sanctions") {
      s = GetString(v, p, f.sanctions);
      if (s.ok()) s = OneOf(p, f.sanctions, {"clear", "pending", "listed"});
    } else if (key == "entity_list") {
      s = GetBool(v, p, f.entity_list);
    } else if (key == "list_entity_ids") {
      s = GetStrings(v, p, f.list_entity_ids, false);
    } else if (key == "reseller") {
      s = GetBool(v, p, f.reseller);
    } else if (key == "end_user_countries") {
      s = GetStrings(v, p, f.end_user_countries, true);
    } else if (key == "reseller_id") {
      s = GetString(v, p, f.reseller_id);
    } else if (key == "linked_countries") {
      s = GetStrings(v, p, f.linked_countries, true);
    } else if (key == "linked_listed") {
      s = GetStrings(v, p, f.linked_listed, false);
    } else if (key == "legal_hold") {
      s = GetBool(v, p, f.legal_hold);
    } else if (key == "closed") {
      s = GetBool(v, p, f.closed);
    } else {
      s = Bad(p, "is not a field of the party facts (docs/policy.md)");
    }
    if (!s.ok()) return Err(std::move(s));
  }
  if (f.id.empty()) return Err(Bad("/id", "is required"));
  if (f.kind.empty()) f.kind = "organisation";
  double total = 0;
  for (const Ownership& o : f.owners) total += o.share;
  if (total > 1.0 + 1e-9) return Err(Bad("/owners", "shares add up to more than 1"));
  return f;
}

std::string PartyFactsJson(const PartyFacts& f) {
  json owners = json::array();
  for (const Ownership& o : f.owners) {
    owners.push_back(
        {{"id", o.id}, {"share", o.share}, {"blocked", o.blocked}, {"entity_list", o.entity_list}});
  }
  json j = {{"id", f.id},
            {"kind", f.kind},
            {"names", f.names},
            {"country", f.country},
            {"billing_countries", f.billing_countries},
            {"ip_countries", f.ip_countries},
            {"subdivisions", f.subdivisions},
            {"nationalities", f.nationalities},
            {"headquarters_country", f.headquarters_country},
            {"ultimate_parent_country", f.ultimate_parent_country},
            {"parent_id", f.parent_id},
            {"owners", std::move(owners)},
            {"us_person", f.us_person},
            {"verification", f.verification},
            {"sanctions", f.sanctions},
            {"entity_list", f.entity_list},
            {"list_entity_ids", f.list_entity_ids},
            {"reseller", f.reseller},
            {"end_user_countries", f.end_user_countries},
            {"reseller_id", f.reseller_id},
            {"linked_countries", f.linked_countries},
            {"linked_listed", f.linked_listed},
            {"legal_hold", f.legal_hold},
            {"closed", f.closed}};
  return j.dump();
}

}  // namespace kycloud::policy
