#include "kycloud/cip/cip_policy.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <cstdint>
#include <mutex>

#include "kycloud/cip/risk_score.h"

namespace kycloud::cip {

namespace {

// A century of days: the longest period a policy may name (kept in an int).
constexpr std::int64_t kMaxDays = 36600;

Status Bad(std::string_view origin, const toml::node* n, std::string_view key,
           std::string_view what) {
  return InvalidArgumentError(fmt::format("{}:{}: {} {}", origin,
                                          n ? static_cast<int>(n->source().begin.line) : 1, key,
                                          what))
      .WithField(std::string(key));
}

bool OneOf(const std::string& v, std::initializer_list<std::string_view> allowed) {
  for (std::string_view a : allowed) {
    if (v == a) return true;
  }
  return false;
}

}  // namespace

Result<CipPolicy> CipPolicy::Parse(std::string_view text, std::string_view origin) {
  toml::table root;
  try {
    root = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    return Err(InvalidArgumentError(
        fmt::format("{}:{}: {}", origin, e.source().begin.line, e.description())));
  }
  CipPolicy p;
  if (auto v = root["version"].value<std::string>()) {
    p.version = *v;
  } else {
    return Err(Bad(origin, root.get("version"), "version", "must be a string"));
  }
  const toml::table* req = root["required"].as_table();
  if (!req) return Err(Bad(origin, root.get("required"), "required", "must be a table"));
  for (const auto& [kind, v] : *req) {
    const std::string key = fmt::format("required.{}", kind.str());
    if (kind.str() != "individual" && kind.str() != "organisation") {
      return Err(Bad(origin, &v, key, "is not a kind (individual, organisation)"));
    }
    const toml::array* a = v.as_array();
    if (!a) return Err(Bad(origin, &v, key, "must be an array of field names"));
    for (const toml::node& e : *a) {
      auto s = e.value<std::string>();
      if (!s) return Err(Bad(origin, &e, key, "must hold strings"));
      p.required[std::string(kind.str())].push_back(*s);
    }
  }
  if (const toml::node* n = root.at_path("owners.min_share").node()) {
    auto v = n->value<double>();
    if (!v || *v <= 0 || *v > 1)
      return Err(Bad(origin, n, "owners.min_share", "must be in (0, 1]"));
    p.owner_min_share = *v;
  }
  for (auto [key, out] :
       {std::pair<const char*, std::string*>{"verification.pending", &p.pending_action},
        {"verification.failed", &p.failed_action}}) {
    if (const toml::node* n = root.at_path(key).node()) {
      auto v = n->value<std::string>();
      if (!v || !OneOf(*v, {"deny", "restrict_and_monitor", "close"})) {
        return Err(Bad(origin, n, key, "must be deny, restrict_and_monitor or close"));
      }
      *out = *v;
    }
  }
  if (const toml::node* n = root.at_path("verification.reverify_days").node()) {
    const toml::table* t = n->as_table();
    if (!t) return Err(Bad(origin, n, "verification.reverify_days", "must be a table"));
    for (const auto& [level, v] : *t) {
      const std::string key = fmt::format("verification.reverify_days.{}", level.str());
      auto d = v.value<int64_t>();
      if (!OneOf(std::string(level.str()), {"low", "medium", "high"})) {
        return Err(Bad(origin, &v, key, "is not a risk level (low, medium, high)"));
      }
      if (!d || *d <= 0 || *d > kMaxDays) {
        return Err(Bad(origin, &v, key, "must be a number of days in [1, 36600]"));
      }
      p.reverify_days[std::string(level.str())] = static_cast<int>(*d);
    }
  }
  if (const toml::node* n = root.at_path("retention.days_after_close").node()) {
    auto d = n->value<int64_t>();
    if (!d || *d < 0 || *d > kMaxDays) {
      return Err(Bad(origin, n, "retention.days_after_close", "must be in [0, 36600]"));
    }
    p.retention_days_after_close = static_cast<int>(*d);
  }
  if (const toml::node* n = root.at_path("resellers.termination_days").node()) {
    auto d = n->value<int64_t>();
    if (!d || *d <= 0 || *d > kMaxDays) {
      return Err(
          Bad(origin, n, "resellers.termination_days", "must be a number of days in [1, 36600]"));
    }
    p.reseller_termination_days = static_cast<int>(*d);
  }
  if (const toml::node* n = root.at_path("requests.response_days").node()) {
    auto d = n->value<int64_t>();
    if (!d || *d <= 0 || *d > kMaxDays) {
      return Err(
          Bad(origin, n, "requests.response_days", "must be a number of days in [1, 36600]"));
    }
    p.request_response_days = static_cast<int>(*d);
  }
  for (auto [key, out] :
       {std::pair<const char*, int*>{"risk.medium", &p.risk_medium}, {"risk.high", &p.risk_high}}) {
    if (const toml::node* n = root.at_path(key).node()) {
      auto v = n->value<int64_t>();
      if (!v || *v < 0 || *v > 1000000) {
        return Err(Bad(origin, n, key, "must be a number of points in [0, 1000000]"));
      }
      *out = static_cast<int>(*v);
    }
  }
  if (p.risk_high < p.risk_medium) {
    return Err(
        Bad(origin, root.at_path("risk.high").node(), "risk.high", "must be at least risk.medium"));
  }
  if (const toml::node* n = root.at_path("risk.review_at").node()) {
    auto v = n->value<std::string>();
    if (!v || !OneOf(*v, {"", "medium", "high"})) {
      return Err(Bad(origin, n, "risk.review_at", "must be \"medium\", \"high\" or \"\""));
    }
    p.risk_review_at = *v;
  }
  if (const toml::node* n = root.at_path("risk.rules").node()) {
    const toml::array* a = n->as_array();
    if (!a) return Err(Bad(origin, n, "risk.rules", "must be an array of tables"));
    for (size_t i = 0; i < a->size(); ++i) {
      const toml::node& e = *a->get(i);
      const std::string key = fmt::format("risk.rules[{}]", i);
      const toml::table* t = e.as_table();
      if (!t) return Err(Bad(origin, &e, key, "must be a table {id, factor, points, text}"));
      RiskRule r;
      auto id = (*t)["id"].value<std::string>();
      auto factor = (*t)["factor"].value<std::string>();
      auto points = (*t)["points"].value<int64_t>();
      auto text = (*t)["text"].value<std::string>();
      if (!id || id->empty()) return Err(Bad(origin, &e, key + ".id", "must be a string"));
      if (!factor || !IsRiskFactor(*factor)) {
        return Err(Bad(origin, &e, key + ".factor",
                       "must be a risk factor (" + std::string(RiskFactorNames()) + ")"));
      }
      if (!points || *points < -1000 || *points > 1000) {
        return Err(Bad(origin, &e, key + ".points", "must be a number in [-1000, 1000]"));
      }
      if (!text || text->empty()) return Err(Bad(origin, &e, key + ".text", "must be a string"));
      for (const RiskRule& seen : p.risk_rules) {
        if (seen.id == *id) return Err(Bad(origin, &e, key + ".id", "repeats '" + *id + "'"));
      }
      p.risk_rules.push_back({*id, *factor, static_cast<int>(*points), *text});
    }
  }
  return p;
}

Result<CipPolicy> CipPolicy::FromPolicy(const policy::Policy& p) {
  KY_ASSIGN_OR_RETURN(auto shared, ForPolicy(p));
  return *shared;
}

Result<std::shared_ptr<const CipPolicy>> CipPolicy::ForPolicy(const policy::Policy& p) {
  static std::mutex mu;
  static std::string cached_id;
  static std::shared_ptr<const CipPolicy> cached;
  {
    std::lock_guard lock(mu);
    if (cached && cached_id == p.Id()) return cached;
  }
  for (const policy::PolicyFile& f : p.files()) {
    if (f.name != "cip.toml") continue;
    KY_ASSIGN_OR_RETURN(CipPolicy parsed, Parse(f.text, f.name));
    auto shared = std::make_shared<const CipPolicy>(std::move(parsed));
    std::lock_guard lock(mu);
    cached_id = p.Id();
    cached = shared;
    return shared;
  }
  return Err(NotFoundError(fmt::format("policy {} has no cip.toml", p.Id())));
}

}  // namespace kycloud::cip
