#include "kycloud/cip/customer_json.h"

#include "kycloud/cip/cip_error.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>
#include <set>

#include "kycloud/cip/contact_normalizer.h"

namespace kycloud::cip {

namespace {

using json = nlohmann::json;

// Reads one JSON object's members with the pointer of each, rejecting unknown ones.
class Reader {
 public:
  Reader(const json& obj, std::string pointer) : obj_(obj), pointer_(std::move(pointer)) {}

  Status Known(std::initializer_list<std::string_view> allowed) const {
    for (const auto& [key, v] : obj_.items()) {
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        return Bad(Ptr(key), "cip.unknown_field", "is not a field of this record (docs/cip.md)");
      }
    }
    return OkStatus();
  }
  std::string Ptr(std::string_view key) const { return fmt::format("{}/{}", pointer_, key); }
  const json* Get(std::string_view key) const {
    auto it = obj_.find(std::string(key));
    return it == obj_.end() || it->is_null() ? nullptr : &*it;
  }
  Status String(std::string_view key, std::string& out, bool required = false) const {
    const json* v = Get(key);
    if (!v) return required ? Bad(Ptr(key), "cip.required", "is required") : OkStatus();
    if (!v->is_string()) return Bad(Ptr(key), "cip.type", "must be a string");
    out = v->get<std::string>();
    if (out.size() > 4096) return Bad(Ptr(key), "cip.type", "is longer than 4096 bytes");
    if (required && out.empty()) return Bad(Ptr(key), "cip.required", "must not be empty");
    return OkStatus();
  }
  Status Enum(std::string_view key, std::string& out, std::initializer_list<std::string_view> ok,
              bool required) const {
    KY_TRY(String(key, out, required));
    if (out.empty() && !required) return OkStatus();
    if (std::find(ok.begin(), ok.end(), out) == ok.end()) {
      std::string list;
      for (auto a : ok) list += (list.empty() ? "" : ", ") + std::string(a);
      return Bad(Ptr(key), "cip.enum", fmt::format("'{}' is not one of {}", out, list));
    }
    return OkStatus();
  }
  Status Country(std::string_view key, std::string& out, bool required = false) const {
    KY_TRY(String(key, out, required));
    if (out.empty()) return OkStatus();
    auto c = NormalizeCountry(out);
    if (!c) return Bad(Ptr(key), "cip.country", c.error().message());
    out = *c;
    return OkStatus();
  }
  Status Bool(std::string_view key, bool& out) const {
    const json* v = Get(key);
    if (!v) return OkStatus();
    if (!v->is_boolean()) return Bad(Ptr(key), "cip.type", "must be true or false");
    out = v->get<bool>();
    return OkStatus();
  }
  Status Date(std::string_view key, std::string& out) const {
    KY_TRY(String(key, out));
    if (out.empty()) return OkStatus();
    int y = 0;
    unsigned m = 0, d = 0;
    bool shape = out.size() == 10 && out[4] == '-' && out[7] == '-';
    if (shape) {
      shape = std::from_chars(out.data(), out.data() + 4, y).ec == std::errc() &&
              std::from_chars(out.data() + 5, out.data() + 7, m).ec == std::errc() &&
              std::from_chars(out.data() + 8, out.data() + 10, d).ec == std::errc();
    }
    const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(m),
                                          std::chrono::day(d)};
    if (!shape || !ymd.ok() || y < 1900 || y > 2100) {
      return Bad(Ptr(key), "cip.date", fmt::format("'{}' is not a date (YYYY-MM-DD)", out));
    }
    return OkStatus();
  }
  // An array member: calls `each(element, pointer)` per element.
  template <typename F>
  Status Array(std::string_view key, F each) const {
    const json* v = Get(key);
    if (!v) return OkStatus();
    if (!v->is_array()) return Bad(Ptr(key), "cip.type", "must be an array");
    if (v->size() > 1000) return Bad(Ptr(key), "cip.type", "has more than 1000 elements");
    for (size_t i = 0; i < v->size(); ++i) KY_TRY(each((*v)[i], fmt::format("{}/{}", Ptr(key), i)));
    return OkStatus();
  }
  Status Countries(std::string_view key, std::vector<std::string>& out) const {
    return Array(key, [&](const json& e, const std::string& p) -> Status {
      if (!e.is_string()) return Bad(p, "cip.type", "must be a string");
      auto c = NormalizeCountry(e.get<std::string>());
      if (!c) return Bad(p, "cip.country", c.error().message());
      if (std::find(out.begin(), out.end(), *c) == out.end()) out.push_back(*c);
      return OkStatus();
    });
  }

 private:
  const json& obj_;
  std::string pointer_;
};

Status ReadNames(const Reader& r, std::string_view key, std::vector<Name>& out) {
  return r.Array(key, [&](const json& e, const std::string& p) -> Status {
    if (!e.is_object()) return Bad(p, "cip.type", "must be an object {full, kind}");
    Reader n(e, p);
    KY_TRY(n.Known({"full", "kind"}));
    Name name;
    KY_TRY(n.String("full", name.full, true));
    auto norm = NormalizeName(name.full);
    if (!norm) return Bad(n.Ptr("full"), "cip.name", norm.error().message());
    name.full = *norm;
    KY_TRY(
        n.Enum("kind", name.kind, {"legal", "other", "former", "trading", "local_script"}, false));
    if (name.kind.empty()) name.kind = "legal";
    out.push_back(std::move(name));
    return OkStatus();
  });
}

Status ReadNationalIds(const Reader& r, std::vector<NationalId>& out) {
  return r.Array("national_ids", [&](const json& e, const std::string& p) -> Status {
    if (!e.is_object()) return Bad(p, "cip.type", "must be an object {type, number, country}");
    Reader n(e, p);
    KY_TRY(n.Known({"type", "number", "country"}));
    NationalId id;
    KY_TRY(n.Enum("type", id.type,
                  {"passport", "national_id", "tax_id", "company_registration", "other"}, true));
    KY_TRY(n.String("number", id.number, true));
    KY_TRY(n.Country("country", id.country, true));
    out.push_back(std::move(id));
    return OkStatus();
  });
}

Status CheckNoCardNumber(const std::string& pointer, const std::string& value) {
  if (LooksLikeCardNumber(value)) {
    return Bad(pointer, "cip.card_number",
               "looks like a card number; store the payment provider's token or fingerprint");
  }
  return OkStatus();
}

Result<Customer> FromJson(const json& j, const CipPolicy& policy) {
  if (!j.is_object()) return Err(Bad("", "cip.type", "the record must be a JSON object"));
  Reader r(j, "");
  KY_TRY(r.Known({"id",
                  "kind",
                  "names",
                  "addresses",
                  "date_of_birth",
                  "nationalities",
                  "country_of_incorporation",
                  "headquarters_country",
                  "ultimate_parent_name",
                  "ultimate_parent_country",
                  "website",
                  "emails",
                  "phones",
                  "national_ids",
                  "beneficial_owners",
                  "payment_instruments",
                  "reseller_id",
                  "is_reseller",
                  "end_user_countries",
                  "us_presence"}));
  Customer c;
  KY_TRY(r.String("id", c.id, true));
  if (c.id.size() > 128 || std::any_of(c.id.begin(), c.id.end(), [](char ch) {
        return static_cast<unsigned char>(ch) < 0x21 || ch == '/';
      })) {
    return Err(Bad("/id", "cip.type", "must be 1-128 printable characters without '/' or spaces"));
  }
  KY_TRY(r.Enum("kind", c.kind, {"individual", "organisation"}, true));
  // Required fields of the policy in force, by kind.
  if (auto req = policy.required.find(c.kind); req != policy.required.end()) {
    for (const std::string& field : req->second) {
      const json* v = r.Get(field);
      if (!v || (v->is_array() && v->empty()) ||
          (v->is_string() && v->get<std::string>().empty())) {
        return Err(
            Bad("/" + field, "cip.required",
                fmt::format("is required for an {} by CIP policy {}", c.kind, policy.version)));
      }
    }
  }
  KY_TRY(ReadNames(r, "names", c.names));
  KY_TRY(r.Array("addresses", [&](const json& e, const std::string& p) -> Status {
    if (!e.is_object()) return Bad(p, "cip.type", "must be an object");
    Reader a(e, p);
    KY_TRY(a.Known({"lines", "locality", "region", "postcode", "country", "subdivision"}));
    Address addr;
    KY_TRY(a.Array("lines", [&](const json& l, const std::string& lp) -> Status {
      if (!l.is_string()) return Bad(lp, "cip.type", "must be a string");
      auto n = NormalizeName(l.get<std::string>());
      if (!n) return Bad(lp, "cip.name", n.error().message());
      addr.lines.push_back(*n);
      return OkStatus();
    }));
    KY_TRY(a.String("locality", addr.locality));
    KY_TRY(a.String("region", addr.region));
    KY_TRY(a.String("postcode", addr.postcode));
    KY_TRY(a.Country("country", addr.country, true));
    KY_TRY(a.String("subdivision", addr.subdivision));
    if (!addr.subdivision.empty() && addr.subdivision.rfind(addr.country + "-", 0) != 0) {
      return Bad(
          a.Ptr("subdivision"), "cip.country",
          fmt::format("'{}' is not an ISO 3166-2 code of {}", addr.subdivision, addr.country));
    }
    c.addresses.push_back(std::move(addr));
    return OkStatus();
  }));
  KY_TRY(r.Date("date_of_birth", c.date_of_birth));
  KY_TRY(r.Countries("nationalities", c.nationalities));
  KY_TRY(r.Country("country_of_incorporation", c.country_of_incorporation));
  KY_TRY(r.Country("headquarters_country", c.headquarters_country));
  KY_TRY(r.String("ultimate_parent_name", c.ultimate_parent_name));
  KY_TRY(r.Country("ultimate_parent_country", c.ultimate_parent_country));
  KY_TRY(r.String("website", c.website));
  if (!c.website.empty() && c.website.rfind("http://", 0) != 0 &&
      c.website.rfind("https://", 0) != 0) {
    return Err(Bad("/website", "cip.type", "must start with http:// or https://"));
  }
  KY_TRY(r.Array("emails", [&](const json& e, const std::string& p) -> Status {
    if (!e.is_string()) return Bad(p, "cip.type", "must be a string");
    auto n = NormalizeEmail(e.get<std::string>());
    if (!n) return Bad(p, "cip.email", n.error().message());
    if (std::find(c.emails.begin(), c.emails.end(), *n) == c.emails.end()) c.emails.push_back(*n);
    return OkStatus();
  }));
  const std::string phone_region = c.addresses.empty() ? "" : c.addresses[0].country;
  KY_TRY(r.Array("phones", [&](const json& e, const std::string& p) -> Status {
    if (!e.is_string()) return Bad(p, "cip.type", "must be a string");
    auto n = NormalizePhone(e.get<std::string>(), phone_region);
    if (!n) return Bad(p, "cip.phone", n.error().message());
    if (std::find(c.phones.begin(), c.phones.end(), *n) == c.phones.end()) c.phones.push_back(*n);
    return OkStatus();
  }));
  KY_TRY(ReadNationalIds(r, c.national_ids));
  std::set<std::string> owner_ids;
  double total_share = 0;
  KY_TRY(r.Array("beneficial_owners", [&](const json& e, const std::string& p) -> Status {
    if (!e.is_object()) return Bad(p, "cip.type", "must be an object");
    Reader o(e, p);
    KY_TRY(o.Known({"id", "kind", "names", "nationality", "residence_country", "date_of_birth",
                    "share", "control_role", "national_ids", "us_person"}));
    BeneficialOwner bo;
    KY_TRY(o.String("id", bo.id, true));
    if (!owner_ids.insert(bo.id).second) {
      return Bad(o.Ptr("id"), "cip.duplicate", fmt::format("owner '{}' appears twice", bo.id));
    }
    KY_TRY(o.Enum("kind", bo.kind, {"person", "company"}, true));
    KY_TRY(ReadNames(o, "names", bo.names));
    if (bo.names.empty()) return Bad(o.Ptr("names"), "cip.required", "an owner needs a name");
    KY_TRY(o.Country("nationality", bo.nationality));
    KY_TRY(o.Country("residence_country", bo.residence_country));
    KY_TRY(o.Date("date_of_birth", bo.date_of_birth));
    if (const json* s = o.Get("share")) {
      if (!s->is_number() || !(s->get<double>() >= 0 && s->get<double>() <= 1)) {
        return Bad(o.Ptr("share"), "cip.owner_shares", "must be a number in [0, 1]");
      }
      bo.share = s->get<double>();
    }
    KY_TRY(o.String("control_role", bo.control_role));
    if (bo.share + 1e-9 < policy.owner_min_share && bo.control_role.empty()) {
      return Bad(o.Ptr("share"), "cip.owner_threshold",
                 fmt::format("a beneficial owner holds at least {:g}% or has a control_role",
                             policy.owner_min_share * 100));
    }
    KY_TRY(ReadNationalIds(o, bo.national_ids));
    KY_TRY(o.Bool("us_person", bo.us_person));
    total_share += bo.share;
    c.beneficial_owners.push_back(std::move(bo));
    return OkStatus();
  }));
  if (total_share > 1 + 1e-9) {
    return Err(
        Bad("/beneficial_owners", "cip.owner_shares",
            fmt::format("ownership shares add up to {:g}%, more than 100%", total_share * 100)));
  }
  KY_TRY(r.Array("payment_instruments", [&](const json& e, const std::string& p) -> Status {
    if (!e.is_object()) return Bad(p, "cip.type", "must be an object");
    Reader pi(e, p);
    KY_TRY(pi.Known({"type", "institution", "issuing_country", "fingerprint", "wallet_address",
                     "holder_name"}));
    PaymentInstrument pay;
    KY_TRY(pi.Enum("type", pay.type, {"card", "bank_account", "wallet", "invoice", "other"}, true));
    KY_TRY(pi.String("institution", pay.institution));
    KY_TRY(pi.Country("issuing_country", pay.issuing_country));
    KY_TRY(pi.String("fingerprint", pay.fingerprint));
    KY_TRY(pi.String("wallet_address", pay.wallet_address));
    KY_TRY(pi.String("holder_name", pay.holder_name));
    if (!pay.holder_name.empty()) {
      auto norm = NormalizeName(pay.holder_name);
      if (!norm) return Bad(pi.Ptr("holder_name"), "cip.name", norm.error().message());
      pay.holder_name = *norm;
    }
    for (auto [key, value] :
         {std::pair<const char*, const std::string*>{"fingerprint", &pay.fingerprint},
          {"institution", &pay.institution},
          {"wallet_address", &pay.wallet_address},
          {"holder_name", &pay.holder_name}}) {
      KY_TRY(CheckNoCardNumber(pi.Ptr(key), *value));
    }
    if ((pay.type == "card" || pay.type == "bank_account") && pay.fingerprint.empty()) {
      return Bad(pi.Ptr("fingerprint"), "cip.required",
                 "a card or bank account needs the provider's token or fingerprint");
    }
    if (pay.type == "wallet" && pay.wallet_address.empty()) {
      return Bad(pi.Ptr("wallet_address"), "cip.required", "a wallet needs its address");
    }
    c.payment_instruments.push_back(std::move(pay));
    return OkStatus();
  }));
  KY_TRY(r.String("reseller_id", c.reseller_id));
  KY_TRY(r.Bool("is_reseller", c.is_reseller));
  KY_TRY(r.Countries("end_user_countries", c.end_user_countries));
  KY_TRY(r.Bool("us_presence", c.us_presence));
  return c;
}

json NamesJson(const std::vector<Name>& names) {
  json out = json::array();
  for (const Name& n : names) out.push_back({{"full", n.full}, {"kind", n.kind}});
  return out;
}

json IdsJson(const std::vector<NationalId>& ids) {
  json out = json::array();
  for (const NationalId& i : ids) {
    out.push_back({{"type", i.type}, {"number", i.number}, {"country", i.country}});
  }
  return out;
}

json ToJson(const Customer& c) {
  json addresses = json::array(), owners = json::array(), payments = json::array();
  for (const Address& a : c.addresses) {
    json addr = {{"lines", a.lines},
                 {"locality", a.locality},
                 {"region", a.region},
                 {"postcode", a.postcode},
                 {"country", a.country}};
    if (!a.subdivision.empty()) addr["subdivision"] = a.subdivision;
    addresses.push_back(std::move(addr));
  }
  for (const BeneficialOwner& o : c.beneficial_owners) {
    json bo = {{"id", o.id},
               {"kind", o.kind},
               {"names", NamesJson(o.names)},
               {"nationality", o.nationality},
               {"residence_country", o.residence_country},
               {"share", o.share},
               {"control_role", o.control_role},
               {"national_ids", IdsJson(o.national_ids)},
               {"us_person", o.us_person}};
    if (!o.date_of_birth.empty()) bo["date_of_birth"] = o.date_of_birth;
    owners.push_back(std::move(bo));
  }
  for (const PaymentInstrument& p : c.payment_instruments) {
    payments.push_back({{"type", p.type},
                        {"institution", p.institution},
                        {"issuing_country", p.issuing_country},
                        {"fingerprint", p.fingerprint},
                        {"wallet_address", p.wallet_address}});
    if (!p.holder_name.empty()) payments.back()["holder_name"] = p.holder_name;
  }
  json j = {{"id", c.id},
            {"kind", c.kind},
            {"names", NamesJson(c.names)},
            {"addresses", std::move(addresses)},
            {"nationalities", c.nationalities},
            {"country_of_incorporation", c.country_of_incorporation},
            {"headquarters_country", c.headquarters_country},
            {"ultimate_parent_name", c.ultimate_parent_name},
            {"ultimate_parent_country", c.ultimate_parent_country},
            {"website", c.website},
            {"emails", c.emails},
            {"phones", c.phones},
            {"national_ids", IdsJson(c.national_ids)},
            {"beneficial_owners", std::move(owners)},
            {"payment_instruments", std::move(payments)},
            {"reseller_id", c.reseller_id},
            {"is_reseller", c.is_reseller},
            {"end_user_countries", c.end_user_countries},
            {"us_presence", c.us_presence}};
  if (!c.date_of_birth.empty()) j["date_of_birth"] = c.date_of_birth;
  return j;
}

}  // namespace

Result<Customer> ParseCustomer(std::string_view text, const CipPolicy& policy) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return Err(Bad("", "cip.type", "not a JSON document"));
  return FromJson(j, policy);
}

Result<Customer> ApplyCustomerPatch(const Customer& current, std::string_view text,
                                    const CipPolicy& policy) {
  json patch = json::parse(text, nullptr, false);
  if (patch.is_discarded()) return Err(Bad("", "cip.type", "not a JSON document"));
  if (!patch.is_object()) return Err(Bad("", "cip.type", "a patch must be a JSON object"));
  if (auto it = patch.find("id"); it != patch.end() && *it != current.id) {
    return Err(Bad("/id", "cip.type", "the id of a customer cannot change"));
  }
  if (auto it = patch.find("kind"); it != patch.end() && *it != current.kind) {
    return Err(Bad("/kind", "cip.type", "the kind of a customer cannot change"));
  }
  json merged = ToJson(current);
  for (const auto& [key, v] : patch.items()) merged[key] = v;  // top-level replace
  return FromJson(merged, policy);
}

std::string CustomerJson(const Customer& c) {
  return ToJson(c).dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace kycloud::cip
