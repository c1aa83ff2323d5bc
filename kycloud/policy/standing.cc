#include "kycloud/policy/standing.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <set>

namespace kycloud::policy {

namespace {

constexpr int kMaxDepth = 32;  // ownership and parent chains deeper than this are not followed

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The first group of the regime's list `list` that holds `country` (minus the list
// "<list>_exempt" when the regime has one, e.g. licence_exempt for licence_destinations); "" if
// none.
std::string GroupOf(const Policy& p, const Regime& r, const std::string& list,
                    std::string_view country) {
  if (country.empty()) return "";
  auto it = r.groups.find(list);
  if (it == r.groups.end()) return "";
  if (list == "licence_destinations") {
    if (auto ex = r.groups.find("licence_exempt"); ex != r.groups.end()) {
      for (const std::string& g : ex->second) {
        if (p.InGroup(g, country)) return "";
      }
    }
  }
  for (const std::string& g : it->second) {
    if (p.InGroup(g, country)) return g;
  }
  return "";
}

class Evaluator {
 public:
  Evaluator(const Policy& p, const PartyDirectory& d, const PartyFacts& c, Date date)
      : p_(p), dir_(d), c_(c), date_(date) {}

  Standing Run() {
    s_.customer_id = c_.id;
    s_.policy_id = p_.Id();
    s_.date = date_;
    s_.foreign = !c_.us_person;
    s_.closed = c_.closed;
    Embargoes();
    Sanctions();
    SpecialMeasures();
    Cip();
    Ear();
    Affiliates();
    Diffusion();
    RemoteAccess();
    return std::move(s_);
  }

 private:
  const Regime* Active(std::string_view id) const {
    const Regime* r = p_.FindRegime(id);
    return r && r->AppliesAt(date_) ? r : nullptr;
  }
  void Add(std::vector<Reason>& to, const Regime& r, std::string rule, std::string text) {
    Action a = r.ActionOf(rule);
    to.push_back(Reason{std::move(rule), r.id, a, std::move(text)});
  }

  void Embargoes() {
    const Regime* r = Active("ofac-embargoes");
    if (!r) return;
    auto where = [&](const std::string& country) {
      std::vector<std::string> how;
      if (c_.country == country) how.push_back("located");
      for (const auto& b : c_.billing_countries) {
        if (b == country) how.push_back("billing");
      }
      for (const auto& ip : c_.ip_countries) {
        if (ip == country) how.push_back("access IPs");
      }
      return fmt::format("{}", fmt::join(how, ", "));
    };
    for (const std::string& country : c_.PresenceCountries()) {
      std::vector<std::string> unconfirmed;  // embargoed regions the customer may be in
      for (const Embargo* e : p_.EmbargoesOn(country, date_)) {
        if (e->region.empty()) {
          Add(s_.always, *r, "embargo.customer",
              fmt::format("{} in {} ({}): {}", where(country), country, e->id, e->program));
          continue;
        }
        const bool in_region =
            std::any_of(e->subdivisions.begin(), e->subdivisions.end(), [&](const std::string& sd) {
              return std::find(c_.subdivisions.begin(), c_.subdivisions.end(), sd) !=
                     c_.subdivisions.end();
            });
        if (in_region) {
          Add(s_.always, *r, "embargo.customer",
              fmt::format("address in {} ({}, {}): {}", e->region, country, e->id, e->program));
        } else if (c_.subdivisions.empty() && country == c_.country) {
          unconfirmed.push_back(fmt::format("{} ({})", e->region, e->id));
        }
      }
      if (!unconfirmed.empty()) {
        Add(s_.always, *r, "embargo.region-unconfirmed",
            fmt::format("located in {} without a known region; embargoed there: {}", country,
                        fmt::join(unconfirmed, ", ")));
      }
    }
    for (const std::string& country : c_.linked_countries) {
      for (const Embargo* e : p_.EmbargoesOn(country, date_)) {
        if (!e->region.empty()) continue;
        Add(s_.always, *r, "embargo.linked",
            fmt::format("linked accounts are located, pay or connect in {} ({}): {}", country,
                        e->id, e->program));
        break;
      }
    }
  }

  void Sanctions() {
    const Regime* r = Active("ofac-sanctions");
    if (!r) return;
    if (c_.sanctions == "listed") {
      Add(s_.always, *r, "sanctions.listed", "confirmed match on the SDN or another blocking list");
      return;
    }
    if (c_.sanctions == "pending") {
      Add(s_.always, *r, "sanctions.pending-hit", "an open screening hit awaits an officer");
    }
    if (!c_.linked_listed.empty()) {
      Add(s_.always, *r, "sanctions.linked-listed",
          fmt::format("linked to accounts confirmed on a blocking list or the Entity List: {}",
                      fmt::join(c_.linked_listed, ", ")));
    }
    const double threshold = Threshold(*r);
    const double share = BlockedShare(dir_, c_, false, threshold);
    if (share >= threshold) {
      Add(s_.always, *r, "sanctions.50-percent",
          fmt::format("{:.0f}% owned, in aggregate, by blocked persons (threshold {:.0f}%)",
                      share * 100, threshold * 100));
    }
  }

  static double Threshold(const Regime& r) {
    auto it = r.numbers.find("ownership_threshold");
    return it == r.numbers.end() ? 0.5 : it->second;
  }

  void SpecialMeasures() {
    const Regime* r = Active("special-measures");
    if (!r) return;
    for (const SpecialMeasure& m : p_.special_measures()) {
      if (!m.ActiveAt(date_)) continue;
      std::string why;
      if (!m.jurisdiction.empty()) {
        const std::string& j = m.jurisdiction;
        auto has = [&](const std::vector<std::string>& v) {
          return std::find(v.begin(), v.end(), j) != v.end();
        };
        const auto presence = c_.PresenceCountries();
        if (has(presence)) {
          why = fmt::format("located, billing or connecting in {}", j);
        } else if (c_.headquarters_country == j || c_.ultimate_parent_country == j) {
          why = fmt::format("headquarters or ultimate parent in {}", j);
        } else if (has(c_.nationalities)) {
          why = fmt::format("national of {}", j);
        } else if (has(c_.end_user_countries)) {
          why = fmt::format("a reseller acting for end users in {}", j);
        } else if (has(c_.linked_countries)) {
          why = fmt::format("linked evidence points to {}", j);
        }
      } else {
        for (const std::string& person : m.persons) {
          const std::string lp = Lower(person);
          if (person == c_.id ||
              std::find(c_.list_entity_ids.begin(), c_.list_entity_ids.end(), person) !=
                  c_.list_entity_ids.end() ||
              std::any_of(c_.names.begin(), c_.names.end(),
                          [&](const std::string& n) { return Lower(n) == lp; })) {
            why = fmt::format("named person '{}'", person);
            break;
          }
        }
      }
      if (why.empty()) continue;
      s_.always.push_back(
          Reason{"special-measure." + m.id, r->id, m.action,
                 fmt::format("special measure {} ({} from {} until {}): {}{}", m.id,
                             m.action == Action::kDeny ? "prohibition" : "conditions",
                             FormatDate(m.effective), FormatDate(m.expires), why,
                             m.conditions.empty() ? "" : "; conditions: " + m.conditions)});
    }
  }

  void Cip() {
    const Regime* r = Active("iaas-cip-2024");
    if (!r || !s_.foreign) return;
    if (c_.verification == "failed") {
      Add(s_.always, *r, "cip.verification-failed", "foreign customer whose verification failed");
    } else if (c_.verification == "failed_restricted") {
      Add(s_.always, *r, "cip.verification-failed-restricted",
          "foreign customer whose verification failed, restricted and monitored");
    } else if (c_.verification != "verified") {
      Add(s_.always, *r, "cip.unverified-foreign",
          fmt::format("foreign customer, verification {}", c_.verification));
    }
  }

  // Why `party` (or a parent up its chain) counts as headquartered in the regime's
  // `headquarters` groups; "" if it does not.
  std::string HeadquartersFlag(const Regime& r, const PartyFacts& party, int depth,
                               std::set<std::string>& seen) {
    if (depth > kMaxDepth || !seen.insert(party.id).second) return "";
    const bool org = party.kind != "individual";
    const std::string& hq =
        !party.headquarters_country.empty() ? party.headquarters_country : party.country;
    if (org) {
      if (auto g = GroupOf(p_, r, "headquarters", hq); !g.empty()) {
        return fmt::format("{} headquartered in {} ({})", Who(party), hq, g);
      }
    }
    if (auto g = GroupOf(p_, r, "headquarters", party.ultimate_parent_country); !g.empty()) {
      return fmt::format("{} has its ultimate parent in {} ({})", Who(party),
                         party.ultimate_parent_country, g);
    }
    std::vector<std::string> parents;
    if (!party.parent_id.empty()) parents.push_back(party.parent_id);
    for (const Ownership& o : party.owners) {
      if (o.share > 0.5) parents.push_back(o.id);
    }
    for (const std::string& id : parents) {
      if (const PartyFacts* parent = dir_.Find(id)) {
        if (auto why = HeadquartersFlag(r, *parent, depth + 1, seen); !why.empty()) {
          return fmt::format("{} is a subsidiary: {}", Who(party), why);
        }
      }
    }
    return "";
  }
  std::string Who(const PartyFacts& party) const {
    return party.id == c_.id ? std::string("the customer") : fmt::format("'{}'", party.id);
  }

  void Ear() {
    const Regime* r = Active("ear-advanced-computing");
    if (!r) return;
    std::set<std::string> seen;
    if (auto why = HeadquartersFlag(*r, c_, 0, seen); !why.empty()) {
      Add(s_.controlled, *r, "ear.headquarters", why);
    } else {
      for (const std::string& c : c_.linked_countries) {
        if (auto g = GroupOf(p_, *r, "headquarters", c); !g.empty()) {
          Add(s_.controlled, *r, "ear.headquarters-inferred",
              fmt::format("linked accounts or evidence point to {} ({})", c, g));
          break;
        }
      }
    }
    if (c_.kind == "individual") {
      std::vector<std::string> where = c_.PresenceCountries();
      where.insert(where.end(), c_.nationalities.begin(), c_.nationalities.end());
      for (const std::string& c : where) {
        if (auto g = GroupOf(p_, *r, "headquarters", c); !g.empty()) {
          Add(s_.controlled, *r, "ear.d5-person",
              fmt::format("an individual located in, connecting from or a national of {} ({})", c,
                          g));
          break;
        }
      }
    }
    if (c_.entity_list) {
      Add(s_.controlled, *r, "ear.entity-list", "confirmed match on the Entity List");
    }
    if (c_.legal_hold) {
      Add(s_.controlled, *r, "ear.legal-hold", "a legal hold is set on this customer (R32)");
    }
    for (const std::string& c : c_.end_user_countries) {
      if (auto g = GroupOf(p_, *r, "headquarters", c); !g.empty()) {
        Add(s_.controlled, *r, "ear.reseller-end-users",
            fmt::format("a reseller whose end users point to {} ({})", c, g));
        break;
      }
    }
  }

  void Affiliates() {
    const Regime* r = Active("affiliates-rule");
    if (!r || c_.entity_list) return;
    const double threshold = Threshold(*r);
    const double share = BlockedShare(dir_, c_, true, threshold);
    if (share >= threshold) {
      Add(s_.controlled, *r, "affiliates.50-percent",
          fmt::format("{:.0f}% owned, in aggregate, by Entity List parties (threshold {:.0f}%)",
                      share * 100, threshold * 100));
    }
  }

  void Diffusion() {
    const Regime* r = p_.FindRegime("ai-diffusion-iaas-red-flag");
    if (!r || !r->AppliesAt(date_) || !s_.foreign) return;
    const std::string& hq = !c_.headquarters_country.empty() ? c_.headquarters_country : c_.country;
    s_.diffusion_candidate = GroupOf(p_, *r, "trusted", hq).empty();
  }

  void RemoteAccess() {
    const Regime* r = Active("remote-access-licensing");
    if (!r || !s_.foreign) return;
    for (const std::string& c : c_.PresenceCountries()) {
      if (auto g = GroupOf(p_, *r, "licence_destinations", c); !g.empty()) {
        Add(s_.controlled, *r, "rasa.remote-access",
            fmt::format("foreign person with access from {} ({}): remote access needs a licence", c,
                        g));
        break;
      }
    }
  }

  const Policy& p_;
  const PartyDirectory& dir_;
  const PartyFacts& c_;
  Date date_;
  Standing s_;
};

double BlockedShareImpl(const PartyDirectory& dir, const PartyFacts& party, bool entity_list,
                        double threshold, int depth, std::set<std::string>& path) {
  if (entity_list ? party.entity_list : party.sanctions == "listed") return 1;
  if (depth > kMaxDepth || !path.insert(party.id).second) return 0;
  double total = 0;
  for (const Ownership& o : party.owners) {
    bool blocked = entity_list ? o.entity_list : o.blocked;
    if (!blocked) {
      if (const PartyFacts* owner = dir.Find(o.id)) {
        blocked =
            BlockedShareImpl(dir, *owner, entity_list, threshold, depth + 1, path) >= threshold;
      }
    }
    if (blocked) total += o.share;
  }
  path.erase(party.id);
  return std::min(total, 1.0);
}

}  // namespace

std::vector<std::string> PartyDirectory::References(const PartyFacts& p) {
  std::vector<std::string> refs;
  if (!p.parent_id.empty()) refs.push_back(p.parent_id);
  if (!p.reseller_id.empty()) refs.push_back(p.reseller_id);
  for (const Ownership& o : p.owners) refs.push_back(o.id);
  return refs;
}

void PartyDirectory::Put(PartyFacts p) {
  if (auto old = parties_.find(p.id); old != parties_.end()) {
    for (const std::string& ref : References(old->second)) {
      if (auto it = dependents_.find(ref); it != dependents_.end()) {
        it->second.erase(p.id);
        if (it->second.empty()) dependents_.erase(it);
      }
    }
  }
  for (const std::string& ref : References(p)) dependents_[ref].insert(p.id);
  std::string id = p.id;
  parties_.insert_or_assign(std::move(id), std::move(p));
}

const PartyFacts* PartyDirectory::Find(std::string_view id) const {
  auto it = parties_.find(std::string(id));
  return it == parties_.end() ? nullptr : &it->second;
}

std::vector<const PartyFacts*> PartyDirectory::All() const {
  std::vector<const PartyFacts*> out;
  out.reserve(parties_.size());
  for (const auto& [id, p] : parties_) out.push_back(&p);
  return out;
}

std::vector<std::string> PartyDirectory::Dependents(std::string_view id) const {
  auto it = dependents_.find(std::string(id));
  if (it == dependents_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

Action Standing::Worst(bool include_controlled) const {
  Action worst = Action::kAllow;
  for (const Reason& r : always) worst = std::max(worst, r.action);
  if (include_controlled) {
    for (const Reason& r : controlled) worst = std::max(worst, r.action);
  }
  return worst;
}

Standing EvaluateStanding(const Policy& policy, const PartyDirectory& parties,
                          const PartyFacts& customer, Date date) {
  return Evaluator(policy, parties, customer, date).Run();
}

double BlockedShare(const PartyDirectory& parties, const PartyFacts& party, bool entity_list,
                    double threshold) {
  std::set<std::string> path;
  return BlockedShareImpl(parties, party, entity_list, threshold, 0, path);
}

}  // namespace kycloud::policy
