#include "kycloud/cip/us_person_classifier.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace kycloud::cip {

Classification ClassifyUsPerson(const Customer& c, const std::vector<std::string>& ip_countries) {
  Classification out;
  auto note = [&](const std::string& party, std::string fact, const std::string& value, bool us) {
    out.evidence.push_back(Evidence{party, std::move(fact), value, us});
    return us;
  };
  bool us = false;
  for (size_t i = 0; i < c.addresses.size(); ++i) {
    us |= note("customer", fmt::format("addresses[{}].country", i), c.addresses[i].country,
               c.addresses[i].country == "US");
  }
  if (c.kind == "organisation") {
    if (!c.country_of_incorporation.empty()) {
      us |= note("customer", "country_of_incorporation", c.country_of_incorporation,
                 c.country_of_incorporation == "US");
    }
  } else {
    for (const std::string& n : c.nationalities) {
      us |= note("customer", "nationalities", n, n == "US");
    }
  }
  if (c.us_presence) us |= note("customer", "us_presence", "declared", true);
  if (!ip_countries.empty()) {
    const bool all_us = std::all_of(ip_countries.begin(), ip_countries.end(),
                                    [](const std::string& x) { return x == "US"; });
    us |= note("customer", "access_ip_countries", fmt::format("{}", fmt::join(ip_countries, ",")),
               all_us);
  }
  if (out.evidence.empty()) note("customer", "none", "no US fact: foreign by default", false);
  out.customer_us = us;

  bool all_us = us;
  for (const BeneficialOwner& o : c.beneficial_owners) {
    const std::string party = "owner:" + o.id;
    bool owner_us = false;
    if (!o.nationality.empty()) {
      owner_us |= note(party, "nationality", o.nationality, o.nationality == "US");
    }
    if (!o.residence_country.empty()) {
      owner_us |=
          note(party, "residence_country", o.residence_country, o.residence_country == "US");
    }
    if (o.us_person) owner_us |= note(party, "us_person", "declared", true);
    if (!owner_us) {
      if (o.nationality.empty() && o.residence_country.empty() && !o.us_person) {
        note(party, "none", "no US fact: foreign by default", false);
      }
      out.foreign_owners.push_back(o.id);
    }
    all_us = all_us && owner_us;
  }
  out.verification_required = !all_us;
  return out;
}

std::string Classification::Json() const {
  nlohmann::json ev = nlohmann::json::array();
  for (const Evidence& e : evidence) {
    ev.push_back({{"party", e.party}, {"fact", e.fact}, {"value", e.value}, {"us", e.us}});
  }
  return nlohmann::json{{"customer_us_person", customer_us},
                        {"foreign_owners", foreign_owners},
                        {"verification_required", verification_required},
                        {"evidence", std::move(ev)}}
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace kycloud::cip
