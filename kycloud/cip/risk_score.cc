#include "kycloud/cip/risk_score.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <set>

namespace kycloud::cip {

namespace {

constexpr std::string_view kFactors[] = {"foreign_customer",
                                         "foreign_owner",
                                         "embargoed_country",
                                         "payment_country_mismatch",
                                         "access_country_mismatch",
                                         "reseller",
                                         "via_reseller",
                                         "company_owner",
                                         "no_website",
                                         "screening_review"};
constexpr std::string_view kGroupPrefix = "country_group:";

std::string Join(const std::set<std::string>& v) {
  std::string out;
  for (const std::string& x : v) out += (out.empty() ? "" : ",") + x;
  return out;
}

// Every country the record ties the customer to (declared and observed), with where it came from.
std::set<std::string> DeclaredCountries(const Customer& c) {
  std::set<std::string> out;
  auto add = [&](const std::string& x) {
    if (!x.empty()) out.insert(x);
  };
  for (const Address& a : c.addresses) add(a.country);
  add(c.country_of_incorporation);
  add(c.headquarters_country);
  add(c.ultimate_parent_country);
  for (const std::string& n : c.nationalities) add(n);
  for (const BeneficialOwner& o : c.beneficial_owners) {
    add(o.nationality);
    add(o.residence_country);
  }
  return out;
}

}  // namespace

bool IsRiskFactor(std::string_view factor) {
  if (factor.starts_with(kGroupPrefix)) return factor.size() > kGroupPrefix.size();
  for (std::string_view f : kFactors) {
    if (f == factor) return true;
  }
  return false;
}

std::string_view RiskFactorNames() {
  return "foreign_customer, foreign_owner, country_group:<GROUP>, embargoed_country, "
         "payment_country_mismatch, access_country_mismatch, reseller, via_reseller, "
         "company_owner, no_website, screening_review";
}

int RiskRank(std::string_view level) {
  if (level == "low") return 0;
  if (level == "medium") return 1;
  if (level == "high") return 2;
  return -1;
}

RiskScore ScoreRisk(const RiskInputs& in, const CipPolicy& cip, const policy::Policy& policy) {
  const Customer& c = in.customer;
  const std::set<std::string> declared = DeclaredCountries(c);
  std::set<std::string> payment;
  for (const PaymentInstrument& p : c.payment_instruments) {
    if (!p.issuing_country.empty()) payment.insert(p.issuing_country);
  }
  std::set<std::string> all = declared;
  all.insert(payment.begin(), payment.end());
  all.insert(in.ip_countries.begin(), in.ip_countries.end());

  RiskScore out;
  out.policy_version = cip.version;
  for (const RiskRule& rule : cip.risk_rules) {
    std::string detail;
    bool holds = false;
    const std::string& f = rule.factor;
    if (f == "foreign_customer") {
      holds = !in.classification.customer_us;
    } else if (f == "foreign_owner") {
      holds = !in.classification.foreign_owners.empty();
      if (holds) {
        detail = "owners " + Join({in.classification.foreign_owners.begin(),
                                   in.classification.foreign_owners.end()});
      }
    } else if (f.starts_with(kGroupPrefix)) {
      const std::string group = f.substr(kGroupPrefix.size());
      std::set<std::string> hit;
      for (const std::string& x : all) {
        if (policy.InGroup(group, x)) hit.insert(x);
      }
      holds = !hit.empty();
      detail = Join(hit);
    } else if (f == "embargoed_country") {
      std::set<std::string> hit;
      for (const std::string& x : all) {
        for (const policy::Embargo* e : policy.EmbargoesOn(x, in.date)) {
          if (e->region.empty()) hit.insert(x);
        }
      }
      for (const Address& a : c.addresses) {
        for (const policy::Embargo* e : policy.EmbargoesOn(a.country, in.date)) {
          for (const std::string& sub : e->subdivisions) {
            if (sub == a.subdivision) hit.insert(a.subdivision);
          }
        }
      }
      holds = !hit.empty();
      detail = Join(hit);
    } else if (f == "payment_country_mismatch") {
      std::set<std::string> hit;
      for (const std::string& x : payment) {
        if (!declared.count(x)) hit.insert(x);
      }
      holds = !hit.empty();
      detail = Join(hit);
    } else if (f == "access_country_mismatch") {
      std::set<std::string> hit;
      for (const std::string& x : in.ip_countries) {
        if (!declared.count(x) && !payment.count(x)) hit.insert(x);
      }
      holds = !hit.empty();
      detail = Join(hit);
    } else if (f == "reseller") {
      holds = c.is_reseller;
    } else if (f == "via_reseller") {
      holds = !c.reseller_id.empty();
      detail = c.reseller_id;
    } else if (f == "company_owner") {
      for (const BeneficialOwner& o : c.beneficial_owners) {
        if (o.kind == "company") {
          holds = true;
          detail += (detail.empty() ? "owners " : ",") + o.id;
        }
      }
    } else if (f == "no_website") {
      holds = c.kind == "organisation" && c.website.empty();
    } else if (f == "screening_review") {
      holds = in.screening_status == "pending";
    }
    if (!holds) continue;
    out.score += rule.points;
    out.reasons.push_back({rule.id, rule.points, rule.text, detail});
  }
  out.level = out.score >= cip.risk_high ? "high" : out.score >= cip.risk_medium ? "medium" : "low";
  return out;
}

std::string RiskScore::Json() const {
  nlohmann::json reasons = nlohmann::json::array();
  for (const RiskReason& r : this->reasons) {
    reasons.push_back(
        {{"rule", r.rule}, {"points", r.points}, {"text", r.text}, {"detail", r.detail}});
  }
  return nlohmann::json{{"score", score},
                        {"level", level},
                        {"policy_version", policy_version},
                        {"reasons", std::move(reasons)}}
      .dump();
}

}  // namespace kycloud::cip
