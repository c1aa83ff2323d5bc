#include "kycloud/cip/certification.h"

#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>

#include "kycloud/cases/report_html.h"

namespace kycloud::cip {

namespace {

using json = nlohmann::json;

std::string Escape(const std::string& s) { return cases::HtmlEscape(s); }

std::string Text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return v.dump();
}

}  // namespace

Result<std::string> BuildCertification(const CertificationRequest& req,
                                       storage::CustomerStore& customers,
                                       storage::ResellerStore& resellers,
                                       const Onboarding& onboarding, const std::string& provider) {
  if (req.kind != "initial" && req.kind != "annual" && req.kind != "out_of_cycle") {
    return Err(
        InvalidArgumentError("kind must be initial, annual or out_of_cycle").WithField("kind"));
  }
  Timestamp from = FromUnixMicros(0);
  if (req.kind == "annual") from = req.from.value_or(req.as_of - std::chrono::days(365));
  if (req.kind == "out_of_cycle") {
    if (!req.from) {
      return Err(InvalidArgumentError("an out-of-cycle certification needs its period's start")
                     .WithField("from"));
    }
    from = *req.from;
  }
  if (from > req.as_of) {
    return Err(InvalidArgumentError("the period starts after as_of").WithField("from"));
  }
  const Timestamp end = req.as_of + std::chrono::microseconds(1);  // as_of inclusive

  // Verification state at as_of: the latest resolution up to then.
  KY_ASSIGN_OR_RETURN(auto history, customers.VerificationsBetween(FromUnixMicros(0), end));
  std::map<std::string, const storage::VerificationRow*> latest;
  for (const auto& v : history) latest[v.customer_id] = &v;

  json by_country = json::object(), owners_by_country = json::object();
  json unverified = json::array(), foreign_resellers = json::array();
  size_t total = 0, active = 0, closed = 0, us = 0, foreign = 0, foreign_owners = 0, overdue = 0;
  std::map<std::string, std::string> reseller_country;
  storage::CustomerFilter f;
  f.limit = 500;
  for (;;) {
    KY_ASSIGN_OR_RETURN(auto page, customers.List(f));
    for (const storage::CustomerRow& row : page) {
      if (row.created_at > req.as_of) continue;
      ++total;
      const bool is_closed = row.closed_at && *row.closed_at <= req.as_of;
      (is_closed ? closed : active)++;
      (row.us_person ? us : foreign)++;
      KY_ASSIGN_OR_RETURN(Customer c, onboarding.Open(row));
      if (!row.us_person) {
        const std::string cc = row.country.empty() ? "unknown" : row.country;
        by_country[cc] = by_country.value(cc, 0) + 1;
      }
      for (const BeneficialOwner& o : c.beneficial_owners) {
        const std::string cc = !o.nationality.empty() ? o.nationality : o.residence_country;
        if (o.us_person || cc == "US") continue;
        ++foreign_owners;
        const std::string key = cc.empty() ? "unknown" : cc;
        owners_by_country[key] = owners_by_country.value(key, 0) + 1;
      }
      if (c.is_reseller && !row.us_person) reseller_country[row.id] = row.country;
      std::string state = row.verification == "not_required" ? "not_required" : "pending";
      if (auto it = latest.find(row.id); it != latest.end()) {
        state = it->second->outcome == "reopened" ? "pending" : it->second->outcome;
      }
      if (!row.us_person && !is_closed && (state == "pending" || state == "failed")) {
        unverified.push_back({{"id", row.id},
                              {"country", row.country},
                              {"verification", state},
                              {"decision", row.decision},
                              {"onboarded_at", FormatRfc3339(row.created_at)}});
      }
      if (!is_closed && row.reverify_due && *row.reverify_due <= req.as_of) ++overdue;
    }
    if (page.size() < f.limit) break;
    f.after_id = page.back().id;
  }

  KY_ASSIGN_OR_RETURN(auto registered, resellers.List(std::nullopt));
  size_t non_compliant = 0;
  for (const auto& r : registered) {
    auto it = reseller_country.find(r.customer_id);
    if (it == reseller_country.end()) continue;
    if (r.compliance_status == "non_compliant") ++non_compliant;
    foreign_resellers.push_back({{"customer_id", r.customer_id},
                                 {"country", it->second},
                                 {"cip", r.cip},
                                 {"contract_flow_down", r.contract_flow_down},
                                 {"reports_pass_through", r.reports_pass_through},
                                 {"compliance_status", r.compliance_status}});
    reseller_country.erase(it);
  }
  for (const auto& [id, country] : reseller_country) {  // resellers not in the registry
    foreign_resellers.push_back({{"customer_id", id},
                                 {"country", country},
                                 {"cip", nullptr},
                                 {"compliance_status", "unregistered"}});
  }

  json failed = json::array(), by_resolution = json::object();
  for (const auto& v : history) {
    if (v.outcome != "failed" || v.at < from) continue;
    failed.push_back({{"customer_id", v.customer_id},
                      {"at", FormatRfc3339(v.at)},
                      {"method", v.method},
                      {"resolution", v.resolution}});
    by_resolution[v.resolution] = by_resolution.value(v.resolution, 0) + 1;
  }
  KY_ASSIGN_OR_RETURN(CipPolicy cip, onboarding.CipRules());
  // The fields of a cip_certification report (docs/cases-and-reports.md); the narrative ones
  // (cip_contact, procedures, detection_resources, reseller_oversight) are the officers' to write
  // when the report is saved as a draft.
  json out = {
      {"type", req.kind},
      {"provider", provider},
      {"as_of", FormatRfc3339(req.as_of)},
      {"period", {{"start", FormatRfc3339(from)}, {"end", FormatRfc3339(req.as_of)}}},
      {"cip_policy_version", cip.version},
      {"customers",
       {{"total", total},
        {"active", active},
        {"closed", closed},
        {"us", us},
        {"foreign", foreign},
        {"by_country", by_country}}},
      {"foreign_beneficial_owners", {{"total", foreign_owners}, {"by_country", owners_by_country}}},
      {"foreign_resellers",
       {{"total", foreign_resellers.size()},
        {"non_compliant", non_compliant},
        {"resellers", foreign_resellers}}},
      {"unverified_foreign_accounts", {{"total", unverified.size()}, {"accounts", unverified}}},
      {"failed_verification_resolutions",
       {{"total", failed.size()}, {"by_resolution", by_resolution}, {"items", failed}}},
      {"reverification_overdue", overdue}};
  return out.dump(2);
}

std::string CertificationHtml(const std::string& report_json) {
  json r = json::parse(report_json, nullptr, false);
  if (r.is_discarded()) return "<!doctype html><p>invalid report</p>";
  std::string h = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">";
  const std::string title =
      fmt::format("CIP certification ({}) as of {}", Text(r["type"]), Text(r["as_of"]));
  h += "<title>" + Escape(title) + "</title>";
  h += "<style>body{font:15px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;"
       "padding:0 1rem;color:#1b1f24}table{border-collapse:collapse;margin:.5rem 0 1.5rem}"
       "th,td{border:1px solid #c9ced6;padding:.3rem .6rem;text-align:left}"
       "th{background:#eef1f5}td.n{text-align:right}</style></head><body>\n";
  h += "<h1>" + Escape(title) + "</h1>\n";
  h += fmt::format("<p>Provider: {}. Period {} to {}. CIP policy {}.</p>\n",
                   Escape(Text(r["provider"])), Escape(Text(r["period"]["start"])),
                   Escape(Text(r["period"]["end"])), Escape(Text(r["cip_policy_version"])));
  auto counts = [&](const std::string& caption, const json& obj) {
    h += "<h2>" + Escape(caption) + "</h2>\n<table><tr><th>country</th><th>count</th></tr>";
    for (const auto& [k, v] : obj.items()) {
      h += "<tr><td>" + Escape(k) + "</td><td class=n>" + Escape(Text(v)) + "</td></tr>";
    }
    h += "</table>\n";
  };
  auto rows = [&](const std::string& caption, const json& items,
                  std::initializer_list<const char*> cols) {
    h += "<h2>" + Escape(caption) + fmt::format(" ({})", items.size()) + "</h2>\n<table><tr>";
    for (const char* c : cols) h += "<th>" + Escape(c) + "</th>";
    h += "</tr>";
    for (const json& it : items) {
      h += "<tr>";
      for (const char* c : cols) h += "<td>" + Escape(Text(it.value(c, json()))) + "</td>";
      h += "</tr>";
    }
    h += "</table>\n";
  };
  const json& c = r["customers"];
  h += "<h2>Customers</h2>\n<table>";
  for (const char* k : {"total", "active", "closed", "us", "foreign"}) {
    h += fmt::format("<tr><th>{}</th><td class=n>{}</td></tr>", k, Escape(Text(c[k])));
  }
  h += "</table>\n";
  counts("Foreign customers by country", c["by_country"]);
  counts("Foreign beneficial owners by country", r["foreign_beneficial_owners"]["by_country"]);
  rows("Foreign resellers", r["foreign_resellers"]["resellers"],
       {"customer_id", "country", "cip", "compliance_status"});
  rows("Unverified foreign accounts", r["unverified_foreign_accounts"]["accounts"],
       {"id", "country", "verification", "decision", "onboarded_at"});
  rows("Failed verifications and their resolution", r["failed_verification_resolutions"]["items"],
       {"customer_id", "at", "method", "resolution"});
  h += fmt::format("<p>Re-verifications overdue at {}: {}.</p>\n", Escape(Text(r["as_of"])),
                   Escape(Text(r["reverification_overdue"])));
  h += "<p><small>Generated by kycloud from the CIP records; kycloud is a compliance tool, not "
       "legal advice.</small></p>\n</body></html>\n";
  return h;
}

}  // namespace kycloud::cip
