#include "kycloud/policy/policy.h"

#include <fmt/format.h>

#include <toml++/toml.h>
#include <algorithm>
#include <charconv>

#include "kycloud/base/sha256.h"
#include "kycloud/policy/policy_data.h"

namespace kycloud::policy {

namespace {

std::string Key(std::string_view name) {
  std::string k;
  for (char c : name) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      k += c;
    } else if (c >= 'A' && c <= 'Z') {
      k += static_cast<char>(c - 'A' + 'a');
    }
  }
  return k;
}

// Typed access to one TOML table, naming FILE:LINE and the key path in every error.
class Fields {
 public:
  Fields(const toml::table& t, std::string file, std::string path)
      : t_(t), file_(std::move(file)), path_(std::move(path)) {}

  Status Error(const toml::node* n, std::string_view key, std::string_view what) const {
    const int line =
        n ? static_cast<int>(n->source().begin.line) : static_cast<int>(t_.source().begin.line);
    return InvalidArgumentError(fmt::format("{}:{}: {} {}", file_, line, Name(key), what))
        .WithField(Name(key));
  }
  std::string Name(std::string_view key) const {
    return path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key);
  }
  bool Has(std::string_view key) const { return t_.get(key) != nullptr; }

  Result<std::string> String(std::string_view key, bool required = true) const {
    const toml::node* n = t_.get(key);
    if (!n) {
      if (required) return Err(Error(nullptr, key, "is missing"));
      return std::string();
    }
    if (auto v = n->value<std::string>()) return *v;
    return Err(Error(n, key, "must be a string"));
  }
  Result<std::optional<Date>> OptDate(std::string_view key) const {
    const toml::node* n = t_.get(key);
    if (!n) return std::optional<Date>();
    if (const auto* d = n->as_date()) {
      const toml::date v = d->get();
      const std::chrono::year_month_day ymd{std::chrono::year(v.year), std::chrono::month(v.month),
                                            std::chrono::day(v.day)};
      if (ymd.ok()) return std::optional<Date>(Date(ymd));
    } else if (auto s = n->value<std::string>()) {
      if (auto d = ParseDate(*s)) return std::optional<Date>(*d);
    }
    return Err(Error(n, key, "must be a date (YYYY-MM-DD)"));
  }
  Result<Date> RequiredDate(std::string_view key) const {
    KY_ASSIGN_OR_RETURN(auto d, OptDate(key));
    if (!d) return Err(Error(nullptr, key, "is missing"));
    return *d;
  }
  Result<bool> Bool(std::string_view key, bool fallback) const {
    const toml::node* n = t_.get(key);
    if (!n) return fallback;
    if (auto v = n->value<bool>()) return *v;
    return Err(Error(n, key, "must be true or false"));
  }
  Result<std::vector<std::string>> Strings(std::string_view key, bool required) const {
    const toml::node* n = t_.get(key);
    std::vector<std::string> out;
    if (!n) {
      if (required) return Err(Error(nullptr, key, "is missing"));
      return out;
    }
    const toml::array* a = n->as_array();
    if (!a) return Err(Error(n, key, "must be an array of strings"));
    for (const toml::node& e : *a) {
      auto v = e.value<std::string>();
      if (!v) return Err(Error(&e, key, "must hold strings only"));
      out.push_back(*v);
    }
    return out;
  }
  Result<std::string> Country(std::string_view key, bool required) const {
    KY_ASSIGN_OR_RETURN(std::string c, String(key, required));
    if (!c.empty() && !IsCountryCode(c)) {
      return Err(Error(t_.get(key), key,
                       fmt::format("'{}' is not an ISO 3166-1 alpha-2 code (two capitals)", c)));
    }
    return c;
  }
  const toml::table& table() const { return t_; }
  const std::string& file() const { return file_; }

 private:
  const toml::table& t_;
  std::string file_, path_;
};

// The array of tables `key` of `root` ([[key]] entries); empty when absent.
Result<std::vector<const toml::table*>> TableArray(const toml::table& root, std::string_view key,
                                                   const std::string& file) {
  std::vector<const toml::table*> out;
  const toml::node* n = root.get(key);
  if (!n) return out;
  const toml::array* a = n->as_array();
  if (!a) {
    return Err(InvalidArgumentError(fmt::format("{}:{}: {} must be an array of tables ([[{}]])",
                                                file, n->source().begin.line, key, key))
                   .WithField(std::string(key)));
  }
  for (const toml::node& e : *a) {
    const toml::table* t = e.as_table();
    if (!t) {
      return Err(InvalidArgumentError(fmt::format("{}:{}: {} entries must be tables", file,
                                                  e.source().begin.line, key))
                     .WithField(std::string(key)));
    }
    out.push_back(t);
  }
  return out;
}

Result<toml::table> ParseToml(const PolicyFile& f) {
  try {
    return toml::parse(f.text, f.name);
  } catch (const toml::parse_error& e) {
    return Err(InvalidArgumentError(
        fmt::format("{}:{}: {}", f.name, e.source().begin.line, e.description())));
  }
}

Result<RegimeState> ParseState(const Fields& f) {
  KY_ASSIGN_OR_RETURN(std::string s, f.String("state"));
  for (RegimeState st : {RegimeState::kInForce, RegimeState::kProposed, RegimeState::kSuspended,
                         RegimeState::kDormant}) {
    if (s == RegimeStateName(st)) return st;
  }
  return Err(f.Error(f.table().get("state"), "state",
                     fmt::format("'{}' is not one of in_force, proposed, suspended, dormant", s)));
}

Result<Regime> ParseRegime(const toml::table& t, const std::string& file, size_t index) {
  Regime r;
  KY_ASSIGN_OR_RETURN(r.id, Fields(t, file, fmt::format("regime[{}]", index)).String("id"));
  Fields f(t, file, fmt::format("regime[{}]", r.id));
  KY_ASSIGN_OR_RETURN(r.title, f.String("title"));
  KY_ASSIGN_OR_RETURN(r.source, f.String("source"));
  KY_ASSIGN_OR_RETURN(r.state, ParseState(f));
  KY_ASSIGN_OR_RETURN(r.enabled, f.Bool("enabled", r.state == RegimeState::kInForce ||
                                                       r.state == RegimeState::kSuspended));
  KY_ASSIGN_OR_RETURN(r.effective, f.RequiredDate("effective"));
  KY_ASSIGN_OR_RETURN(r.ends, f.OptDate("ends"));
  KY_ASSIGN_OR_RETURN(r.suspended_from, f.OptDate("suspended_from"));
  KY_ASSIGN_OR_RETURN(r.suspended_until, f.OptDate("suspended_until"));
  if (r.ends && *r.ends <= r.effective) {
    return Err(f.Error(t.get("ends"), "ends", "must come after effective"));
  }
  if (r.state == RegimeState::kSuspended && (!r.suspended_from || !r.suspended_until)) {
    return Err(f.Error(t.get("state"), "state",
                       "suspended needs suspended_from and suspended_until (the window)"));
  }
  if (r.suspended_from.has_value() != r.suspended_until.has_value()) {
    return Err(f.Error(t.get("suspended_from") ? t.get("suspended_from") : t.get("suspended_until"),
                       "suspended_until", "and suspended_from go together"));
  }
  if (r.suspended_from && *r.suspended_until <= *r.suspended_from) {
    return Err(
        f.Error(t.get("suspended_until"), "suspended_until", "must come after suspended_from"));
  }
  if (const toml::node* n = t.get("groups")) {
    const toml::table* g = n->as_table();
    if (!g) return Err(f.Error(n, "groups", "must be a table of name = [country group ids]"));
    for (const auto& [name, v] : *g) {
      const toml::array* a = v.as_array();
      if (!a) return Err(f.Error(&v, fmt::format("groups.{}", name.str()), "must be an array"));
      std::vector<std::string>& out = r.groups[std::string(name.str())];
      for (const toml::node& e : *a) {
        auto s = e.value<std::string>();
        if (!s) return Err(f.Error(&e, fmt::format("groups.{}", name.str()), "must hold strings"));
        out.push_back(*s);
      }
    }
  }
  if (const toml::node* n = t.get("actions")) {
    const toml::table* a = n->as_table();
    if (!a) return Err(f.Error(n, "actions", "must be a table of rule = \"deny\" | \"review\""));
    for (const auto& [rule, v] : *a) {
      auto s = v.value<std::string>();
      auto action = s ? ParseAction(*s) : Result<Action>(Err(InvalidArgumentError("")));
      if (!action || *action == Action::kAllow) {
        return Err(
            f.Error(&v, fmt::format("actions.{}", rule.str()), "must be \"deny\" or \"review\""));
      }
      r.actions[std::string(rule.str())] = *action;
    }
  }
  if (const toml::node* n = t.get("parameters")) {
    const toml::table* p = n->as_table();
    if (!p) return Err(f.Error(n, "parameters", "must be a table of numbers"));
    for (const auto& [k, v] : *p) {
      auto d = v.value<double>();
      if (!d) return Err(f.Error(&v, fmt::format("parameters.{}", k.str()), "must be a number"));
      r.numbers[std::string(k.str())] = *d;
    }
  }
  return r;
}

}  // namespace

Result<Date> ParseDate(std::string_view s) {
  int y = 0;
  unsigned m = 0, d = 0;
  auto num = [&](size_t pos, size_t len, auto& out) {
    auto [p, ec] = std::from_chars(s.data() + pos, s.data() + pos + len, out);
    return ec == std::errc() && p == s.data() + pos + len;
  };
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !num(0, 4, y) || !num(5, 2, m) ||
      !num(8, 2, d)) {
    return Err(InvalidArgumentError(fmt::format("'{}' is not a date (YYYY-MM-DD)", s)));
  }
  const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(m),
                                        std::chrono::day(d)};
  if (!ymd.ok()) return Err(InvalidArgumentError(fmt::format("'{}' is not a valid date", s)));
  return Date(ymd);
}

std::string FormatDate(Date d) {
  const std::chrono::year_month_day ymd(d);
  return fmt::format("{:04d}-{:02d}-{:02d}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

std::string_view ActionName(Action a) {
  switch (a) {
    case Action::kAllow:
      return "allow";
    case Action::kReview:
      return "review";
    case Action::kDeny:
      return "deny";
  }
  return "review";
}

Result<Action> ParseAction(std::string_view text) {
  for (Action a : {Action::kAllow, Action::kReview, Action::kDeny}) {
    if (text == ActionName(a)) return a;
  }
  return Err(InvalidArgumentError(fmt::format("'{}' is not allow, review or deny", text)));
}

std::string_view RegimeStateName(RegimeState s) {
  switch (s) {
    case RegimeState::kInForce:
      return "in_force";
    case RegimeState::kProposed:
      return "proposed";
    case RegimeState::kSuspended:
      return "suspended";
    case RegimeState::kDormant:
      return "dormant";
  }
  return "?";
}

bool Regime::AppliesAt(Date d) const {
  if (!enabled || d < effective || (ends && d >= *ends)) return false;
  if (suspended_from && d >= *suspended_from && d < *suspended_until) return false;
  return true;
}

std::string Regime::StatusAt(Date d) const {
  if (d < effective) return "not yet effective";
  if (ends && d >= *ends) return "ended";
  if (suspended_from && d >= *suspended_from && d < *suspended_until) return "suspended";
  switch (state) {
    case RegimeState::kInForce:
    case RegimeState::kSuspended:
      return enabled ? "in_force" : "in_force (switched off)";
    case RegimeState::kProposed:
      return enabled ? "proposed (on)" : "proposed (off)";
    case RegimeState::kDormant:
      return enabled ? "dormant (on)" : "dormant (off)";
  }
  return "?";
}

Action Regime::ActionOf(std::string_view rule) const {
  auto it = actions.find(std::string(rule));
  return it == actions.end() ? Action::kReview : it->second;
}

bool AcceleratorStatus::Controlled() const {
  return eccn.rfind("3A090", 0) == 0 || eccn.rfind("4A090", 0) == 0;
}

bool IsCountryCode(std::string_view c) {
  return c.size() == 2 && c[0] >= 'A' && c[0] <= 'Z' && c[1] >= 'A' && c[1] <= 'Z';
}

Result<Policy> Policy::Parse(std::vector<PolicyFile> files) {
  std::sort(files.begin(), files.end(),
            [](const PolicyFile& a, const PolicyFile& b) { return a.name < b.name; });
  Policy p;
  std::string hashed;
  for (const PolicyFile& f : files) {
    hashed += fmt::format("{}\n{}\n{}\n", f.name, f.text.size(), f.text);
  }
  p.hash_ = Sha256Hex(hashed);
  auto find = [&](std::string_view name) -> const PolicyFile* {
    for (const PolicyFile& f : files) {
      if (f.name == name) return &f;
    }
    return nullptr;
  };

  // policy.toml: the version label and the regimes.
  const PolicyFile* manifest = find("policy.toml");
  if (!manifest) return Err(InvalidArgumentError("policy.toml: missing (the version and regimes)"));
  KY_ASSIGN_OR_RETURN(toml::table root, ParseToml(*manifest));
  {
    Fields f(root, manifest->name, "");
    KY_ASSIGN_OR_RETURN(p.version_, f.String("version"));
    KY_ASSIGN_OR_RETURN(p.title_, f.String("title", false));
    KY_ASSIGN_OR_RETURN(auto regimes, TableArray(root, "regime", manifest->name));
    for (size_t i = 0; i < regimes.size(); ++i) {
      KY_ASSIGN_OR_RETURN(Regime r, ParseRegime(*regimes[i], manifest->name, i));
      if (p.FindRegime(r.id)) {
        return Err(
            InvalidArgumentError(fmt::format("{}:{}: regime '{}' appears twice", manifest->name,
                                             regimes[i]->source().begin.line, r.id))
                .WithField("regime.id"));
      }
      p.regimes_.push_back(std::move(r));
    }
  }

  // country-groups.toml: the groups and the embargoes.
  const PolicyFile* cg = find("country-groups.toml");
  if (!cg) return Err(InvalidArgumentError("country-groups.toml: missing"));
  KY_ASSIGN_OR_RETURN(toml::table groups_root, ParseToml(*cg));
  KY_ASSIGN_OR_RETURN(auto groups, TableArray(groups_root, "group", cg->name));
  for (size_t i = 0; i < groups.size(); ++i) {
    Fields f(*groups[i], cg->name, fmt::format("group[{}]", i));
    CountryGroup g;
    KY_ASSIGN_OR_RETURN(g.id, f.String("id"));
    KY_ASSIGN_OR_RETURN(g.name, f.String("name"));
    KY_ASSIGN_OR_RETURN(g.source, f.String("source"));
    KY_ASSIGN_OR_RETURN(g.note, f.String("note", false));
    KY_ASSIGN_OR_RETURN(g.as_of, f.RequiredDate("as_of"));
    KY_ASSIGN_OR_RETURN(auto countries, f.Strings("countries", true));
    for (const std::string& c : countries) {
      if (!IsCountryCode(c)) {
        return Err(f.Error(groups[i]->get("countries"), "countries",
                           fmt::format("'{}' is not an ISO 3166-1 alpha-2 code", c)));
      }
      g.countries.insert(c);
    }
    if (p.FindGroup(g.id)) {
      return Err(f.Error(groups[i]->get("id"), "id", fmt::format("'{}' appears twice", g.id)));
    }
    p.groups_.push_back(std::move(g));
  }
  KY_ASSIGN_OR_RETURN(auto embargoes, TableArray(groups_root, "embargo", cg->name));
  for (size_t i = 0; i < embargoes.size(); ++i) {
    Fields f(*embargoes[i], cg->name, fmt::format("embargo[{}]", i));
    Embargo e;
    KY_ASSIGN_OR_RETURN(e.id, f.String("id"));
    KY_ASSIGN_OR_RETURN(e.country, f.Country("country", true));
    KY_ASSIGN_OR_RETURN(e.region, f.String("region", false));
    KY_ASSIGN_OR_RETURN(e.subdivisions, f.Strings("subdivisions", false));
    KY_ASSIGN_OR_RETURN(e.program, f.String("program"));
    KY_ASSIGN_OR_RETURN(e.source, f.String("source"));
    KY_ASSIGN_OR_RETURN(e.note, f.String("note", false));
    KY_ASSIGN_OR_RETURN(e.effective, f.RequiredDate("effective"));
    KY_ASSIGN_OR_RETURN(e.ended, f.OptDate("ended"));
    if (e.ended && *e.ended <= e.effective) {
      return Err(f.Error(embargoes[i]->get("ended"), "ended", "must come after effective"));
    }
    p.embargoes_.push_back(std::move(e));
  }
  // Every group a regime names must exist.
  for (const Regime& r : p.regimes_) {
    for (const auto& [list, names] : r.groups) {
      for (const std::string& g : names) {
        if (!p.FindGroup(g)) {
          return Err(
              InvalidArgumentError(
                  fmt::format("{}: regime '{}' names country group '{}', which {} does not define",
                              manifest->name, r.id, g, cg->name))
                  .WithField(fmt::format("regime[{}].groups.{}", r.id, list)));
        }
      }
    }
  }

  // special-measures.toml (optional; empty by default).
  if (const PolicyFile* sm = find("special-measures.toml")) {
    KY_ASSIGN_OR_RETURN(toml::table sm_root, ParseToml(*sm));
    KY_ASSIGN_OR_RETURN(auto measures, TableArray(sm_root, "measure", sm->name));
    for (size_t i = 0; i < measures.size(); ++i) {
      Fields f(*measures[i], sm->name, fmt::format("measure[{}]", i));
      SpecialMeasure m;
      KY_ASSIGN_OR_RETURN(m.id, f.String("id"));
      KY_ASSIGN_OR_RETURN(m.jurisdiction, f.Country("jurisdiction", false));
      KY_ASSIGN_OR_RETURN(m.persons, f.Strings("persons", false));
      if (m.jurisdiction.empty() == m.persons.empty()) {
        return Err(
            f.Error(nullptr, "jurisdiction", "or persons: a measure names exactly one of them"));
      }
      KY_ASSIGN_OR_RETURN(m.effective, f.RequiredDate("effective"));
      KY_ASSIGN_OR_RETURN(auto expires, f.OptDate("expires"));
      m.expires = expires.value_or(m.effective + std::chrono::days(365));
      if (m.expires <= m.effective) {
        return Err(f.Error(measures[i]->get("expires"), "expires", "must come after effective"));
      }
      KY_ASSIGN_OR_RETURN(std::string kind, f.String("measure"));
      if (kind == "prohibit") {
        m.action = Action::kDeny;
      } else if (kind == "condition") {
        m.action = Action::kReview;
      } else {
        return Err(f.Error(measures[i]->get("measure"), "measure",
                           fmt::format("'{}' is not prohibit or condition", kind)));
      }
      KY_ASSIGN_OR_RETURN(m.conditions, f.String("conditions", false));
      KY_ASSIGN_OR_RETURN(m.source, f.String("source"));
      for (const SpecialMeasure& other : p.measures_) {
        if (other.id == m.id) {
          return Err(
              f.Error(measures[i]->get("id"), "id", fmt::format("'{}' appears twice", m.id)));
        }
      }
      p.measures_.push_back(std::move(m));
    }
  }

  // accelerator-status.toml (optional).
  if (const PolicyFile* as = find("accelerator-status.toml")) {
    KY_ASSIGN_OR_RETURN(toml::table as_root, ParseToml(*as));
    KY_ASSIGN_OR_RETURN(auto items, TableArray(as_root, "accelerator", as->name));
    for (size_t i = 0; i < items.size(); ++i) {
      Fields f(*items[i], as->name, fmt::format("accelerator[{}]", i));
      AcceleratorStatus s;
      KY_ASSIGN_OR_RETURN(s.name, f.String("name"));
      KY_ASSIGN_OR_RETURN(s.eccn, f.String("eccn"));
      KY_ASSIGN_OR_RETURN(s.source, f.String("source"));
      KY_ASSIGN_OR_RETURN(s.as_of, f.RequiredDate("as_of"));
      if (!p.status_by_name_.emplace(Key(s.name), p.accelerators_.size()).second) {
        return Err(
            f.Error(items[i]->get("name"), "name", fmt::format("'{}' appears twice", s.name)));
      }
      p.accelerators_.push_back(std::move(s));
    }
  }

  // cloud-regions.toml (optional): [regions] "us-east-1" = "US".
  if (const PolicyFile* cr = find("cloud-regions.toml")) {
    KY_ASSIGN_OR_RETURN(toml::table cr_root, ParseToml(*cr));
    const toml::node* n = cr_root.get("regions");
    const toml::table* t = n ? n->as_table() : nullptr;
    if (!t) {
      return Err(InvalidArgumentError(fmt::format("{}: missing [regions] table", cr->name))
                     .WithField("regions"));
    }
    for (const auto& [region, v] : *t) {
      auto c = v.value<std::string>();
      if (!c || !IsCountryCode(*c)) {
        return Err(
            InvalidArgumentError(fmt::format("{}:{}: regions.{} must be an ISO 3166-1 alpha-2 code",
                                             cr->name, v.source().begin.line, region.str()))
                .WithField(fmt::format("regions.{}", region.str())));
      }
      p.regions_[std::string(region.str())] = *c;
    }
  }
  p.files_ = std::move(files);
  return p;
}

const Policy& Policy::Bundled() {
  static const Policy* p = [] {
    auto parsed = Parse(BundledPolicyFiles());
    if (!parsed) {
      fmt::print(stderr, "kycloud: the bundled policy does not parse: {}\n",
                 parsed.error().ToString());
      std::abort();
    }
    return new Policy(std::move(*parsed));
  }();
  return *p;
}

const Regime* Policy::FindRegime(std::string_view id) const {
  for (const Regime& r : regimes_) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

const CountryGroup* Policy::FindGroup(std::string_view id) const {
  for (const CountryGroup& g : groups_) {
    if (g.id == id) return &g;
  }
  return nullptr;
}

bool Policy::InGroup(std::string_view group, std::string_view country) const {
  const CountryGroup* g = FindGroup(group);
  return g && g->countries.count(std::string(country)) > 0;
}

std::vector<const Embargo*> Policy::EmbargoesOn(std::string_view country, Date d) const {
  std::vector<const Embargo*> out;
  for (const Embargo& e : embargoes_) {
    if (e.country == country && e.ActiveAt(d)) out.push_back(&e);
  }
  return out;
}

const AcceleratorStatus* Policy::StatusOf(std::string_view name) const {
  auto it = status_by_name_.find(Key(name));
  return it == status_by_name_.end() ? nullptr : &accelerators_[it->second];
}

std::optional<std::string> Policy::CountryOfRegion(std::string_view region) const {
  if (auto it = regions_.find(std::string(region)); it != regions_.end()) return it->second;
  if (IsCountryCode(region)) return std::string(region);
  return std::nullopt;
}

}  // namespace kycloud::policy
