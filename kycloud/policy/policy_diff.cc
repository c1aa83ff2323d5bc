#include "kycloud/policy/policy_diff.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <map>

namespace kycloud::policy {

namespace {

std::string OptDate(const std::optional<Date>& d) { return d ? FormatDate(*d) : "-"; }

// One line per fact of a regime, keyed by fact name.
std::map<std::string, std::string> RegimeFacts(const Regime& r) {
  std::map<std::string, std::string> f;
  f["title"] = r.title;
  f["state"] = std::string(RegimeStateName(r.state));
  f["enabled"] = r.enabled ? "true" : "false";
  f["effective"] = FormatDate(r.effective);
  f["ends"] = OptDate(r.ends);
  f["suspended"] = fmt::format("{}..{}", OptDate(r.suspended_from), OptDate(r.suspended_until));
  f["source"] = r.source;
  for (const auto& [rule, a] : r.actions) f["action " + rule] = std::string(ActionName(a));
  for (const auto& [name, groups] : r.groups) {
    f["groups " + name] = fmt::format("[{}]", fmt::join(groups, ", "));
  }
  for (const auto& [name, v] : r.numbers) f["parameter " + name] = fmt::format("{:g}", v);
  return f;
}

template <typename T, typename KeyFn, typename DescribeFn>
void DiffById(const std::vector<T>& a, const std::vector<T>& b, std::string_view what, KeyFn key,
              DescribeFn describe, std::vector<std::string>& out) {
  std::map<std::string, std::string> ma, mb;
  for (const T& x : a) ma[key(x)] = describe(x);
  for (const T& x : b) mb[key(x)] = describe(x);
  for (const auto& [k, v] : ma) {
    auto it = mb.find(k);
    if (it == mb.end()) {
      out.push_back(fmt::format("- {} {}: {}", what, k, v));
    } else if (it->second != v) {
      out.push_back(fmt::format("~ {} {}: {} -> {}", what, k, v, it->second));
    }
  }
  for (const auto& [k, v] : mb) {
    if (!ma.count(k)) out.push_back(fmt::format("+ {} {}: {}", what, k, v));
  }
}

}  // namespace

std::vector<std::string> DiffPolicies(const Policy& a, const Policy& b) {
  std::vector<std::string> out;
  if (a.version() != b.version()) {
    out.push_back(fmt::format("~ version: {} -> {}", a.version(), b.version()));
  }
  // Regimes, fact by fact.
  for (const Regime& ra : a.regimes()) {
    const Regime* rb = b.FindRegime(ra.id);
    if (!rb) {
      out.push_back(fmt::format("- regime {} ({})", ra.id, ra.title));
      continue;
    }
    auto fa = RegimeFacts(ra), fb = RegimeFacts(*rb);
    for (const auto& [k, v] : fa) {
      auto it = fb.find(k);
      if (it == fb.end()) {
        out.push_back(fmt::format("- regime {} {}: {}", ra.id, k, v));
      } else if (it->second != v) {
        out.push_back(fmt::format("~ regime {} {}: {} -> {}", ra.id, k, v, it->second));
      }
    }
    for (const auto& [k, v] : fb) {
      if (!fa.count(k)) out.push_back(fmt::format("+ regime {} {}: {}", ra.id, k, v));
    }
  }
  for (const Regime& rb : b.regimes()) {
    if (!a.FindRegime(rb.id)) {
      out.push_back(fmt::format("+ regime {} ({}, {}, effective {})", rb.id, rb.title,
                                RegimeStateName(rb.state), FormatDate(rb.effective)));
    }
  }
  // Country groups: membership.
  for (const CountryGroup& ga : a.groups()) {
    const CountryGroup* gb = b.FindGroup(ga.id);
    if (!gb) {
      out.push_back(fmt::format("- group {}", ga.id));
      continue;
    }
    for (const std::string& c : ga.countries) {
      if (!gb->countries.count(c)) out.push_back(fmt::format("- group {}: {}", ga.id, c));
    }
    for (const std::string& c : gb->countries) {
      if (!ga.countries.count(c)) out.push_back(fmt::format("+ group {}: {}", ga.id, c));
    }
  }
  for (const CountryGroup& gb : b.groups()) {
    if (!a.FindGroup(gb.id)) {
      out.push_back(fmt::format("+ group {}: [{}]", gb.id, fmt::join(gb.countries, ", ")));
    }
  }
  DiffById(
      a.embargoes(), b.embargoes(), "embargo", [](const Embargo& e) { return e.id; },
      [](const Embargo& e) {
        return fmt::format("{}{} from {} to {} ({})", e.country,
                           e.region.empty() ? "" : "/" + e.region, FormatDate(e.effective),
                           e.ended ? FormatDate(*e.ended) : "-", e.program);
      },
      out);
  DiffById(
      a.special_measures(), b.special_measures(), "special measure",
      [](const SpecialMeasure& m) { return m.id; },
      [](const SpecialMeasure& m) {
        return fmt::format("{} {} from {} until {}{}", ActionName(m.action),
                           m.jurisdiction.empty() ? fmt::format("[{}]", fmt::join(m.persons, ", "))
                                                  : m.jurisdiction,
                           FormatDate(m.effective), FormatDate(m.expires),
                           m.conditions.empty() ? "" : "; " + m.conditions);
      },
      out);
  DiffById(
      a.accelerator_statuses(), b.accelerator_statuses(), "accelerator",
      [](const AcceleratorStatus& s) { return s.name; },
      [](const AcceleratorStatus& s) { return s.eccn; }, out);
  std::vector<std::pair<std::string, std::string>> ra(a.regions().begin(), a.regions().end()),
      rb(b.regions().begin(), b.regions().end());
  DiffById(
      ra, rb, "region", [](const auto& p) { return p.first; },
      [](const auto& p) { return p.second; }, out);
  return out;
}

}  // namespace kycloud::policy
