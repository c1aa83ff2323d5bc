#include "kycloud/policy/authorizer.h"

#include <fmt/format.h>

#include <algorithm>
#include <mutex>

namespace kycloud::policy {

namespace {

// Rules that belong to no regime: the provider's own preconditions.
constexpr std::string_view kProvider = "kycloud";

bool InLicenceDestination(const Policy& p, const Regime& r, const std::string& country,
                          std::string* group) {
  auto dest = r.groups.find("licence_destinations");
  if (dest == r.groups.end() || country.empty()) return false;
  if (auto ex = r.groups.find("licence_exempt"); ex != r.groups.end()) {
    for (const std::string& g : ex->second) {
      if (p.InGroup(g, country)) return false;
    }
  }
  for (const std::string& g : dest->second) {
    if (p.InGroup(g, country)) {
      *group = g;
      return true;
    }
  }
  return false;
}

}  // namespace

Date Today(const Clock& clock) { return std::chrono::floor<std::chrono::days>(clock.Now()); }

Decision Decide(const Policy& policy, const Standing* standing, const AuthorizeRequest& request,
                Date date) {
  Decision d;
  d.policy_id = policy.Id();
  d.customer_id = request.customer_id;
  d.date = date;
  const Regime* ear = policy.FindRegime("ear-advanced-computing");
  if (ear && !ear->AppliesAt(date)) ear = nullptr;
  const Regime* embargoes = policy.FindRegime("ofac-embargoes");
  if (embargoes && !embargoes->AppliesAt(date)) embargoes = nullptr;

  if (!standing) {
    d.reasons.push_back(
        Reason{"cip.unknown-customer", std::string(kProvider), Action::kDeny,
               fmt::format("no customer '{}' is known: onboard it first", request.customer_id)});
  } else if (standing->closed) {
    d.reasons.push_back(Reason{"cip.account-closed", std::string(kProvider), Action::kDeny,
                               fmt::format("the account of '{}' is closed", request.customer_id)});
  }

  // The hardware: controlled when its legal status (or, without one, the numeric test) says so.
  double controlled_chips = 0;
  bool unclassified = false;
  for (const HardwareItem& h : request.hardware) {
    bool controlled = false;
    if (const AcceleratorStatus* s = policy.StatusOf(h.name)) {
      controlled = s->Controlled();
      d.classes.push_back(fmt::format("{} (maintained)", s->eccn));
    } else if (h.numeric_class == "3A090.a" || h.numeric_class == "3A090.b") {
      controlled = true;
      d.classes.push_back(fmt::format("{} (numeric test)", h.numeric_class));
    } else if (h.numeric_class == "none") {
      d.classes.push_back("none (numeric test)");
    } else {
      controlled = unclassified = true;
      d.classes.push_back("unknown");
    }
    if (controlled) controlled_chips += h.count;
  }
  d.controlled = controlled_chips > 0;
  if (unclassified && ear) {
    d.reasons.push_back(Reason{"ear.unclassified-accelerator", ear->id,
                               ear->ActionOf("ear.unclassified-accelerator"),
                               "an accelerator without a legal status or numeric class is treated "
                               "as controlled"});
  }

  // The region.
  if (!request.region.empty()) {
    if (auto c = policy.CountryOfRegion(request.region)) {
      d.region_country = *c;
    } else {
      d.reasons.push_back(Reason{"region.unknown", std::string(kProvider), Action::kReview,
                                 fmt::format("region '{}' has no known country "
                                             "(cloud-regions.toml)",
                                             request.region)});
    }
  }
  if (!d.region_country.empty()) {
    if (embargoes) {
      for (const Embargo* e : policy.EmbargoesOn(d.region_country, date)) {
        if (!e->region.empty()) continue;
        d.reasons.push_back(Reason{
            "embargo.region", embargoes->id, embargoes->ActionOf("embargo.region"),
            fmt::format("the datacenter is in {} ({}: {})", d.region_country, e->id, e->program)});
      }
    }
    std::string group;
    if (d.controlled && ear && InLicenceDestination(policy, *ear, d.region_country, &group)) {
      d.reasons.push_back(
          Reason{"ear.destination", ear->id, ear->ActionOf("ear.destination"),
                 fmt::format("controlled accelerators in {} ({}): a licence is required there",
                             d.region_country, group)});
    }
  }

  if (standing) {
    d.reasons.insert(d.reasons.end(), standing->always.begin(), standing->always.end());
    if (d.controlled) {
      d.reasons.insert(d.reasons.end(), standing->controlled.begin(), standing->controlled.end());
      const Regime* diffusion = policy.FindRegime("ai-diffusion-iaas-red-flag");
      if (standing->diffusion_candidate && diffusion && diffusion->AppliesAt(date)) {
        auto it = diffusion->numbers.find("min_chips");
        const double min_chips = it == diffusion->numbers.end() ? 0 : it->second;
        if (controlled_chips >= min_chips) {
          d.reasons.push_back(Reason{
              "diffusion.red-flag", diffusion->id, diffusion->ActionOf("diffusion.red-flag"),
              fmt::format("foreign customer outside the trusted groups asks for {:g} controlled "
                          "chips (red flag at {:g})",
                          controlled_chips, min_chips)});
        }
      }
    }
  }
  std::stable_sort(d.reasons.begin(), d.reasons.end(),
                   [](const Reason& a, const Reason& b) { return a.action > b.action; });
  for (const Reason& r : d.reasons) d.outcome = std::max(d.outcome, r.action);
  return d;
}

Authorizer::Authorizer(std::shared_ptr<const Policy> policy, const Clock& clock)
    : clock_(clock), policy_(std::move(policy)), standings_date_(Today(clock)) {}

Decision Authorizer::Authorize(const AuthorizeRequest& request) const {
  const Date today = Today(clock_);
  {
    std::shared_lock lock(mu_);
    if (standings_date_ == today && (!request.at || *request.at == today)) {
      auto it = standings_.find(request.customer_id);
      return Decide(*policy_, it == standings_.end() ? nullptr : &it->second, request, today);
    }
  }
  const Date date = request.at.value_or(today);
  std::unique_lock lock(mu_);
  if (standings_date_ != today) RefreshIfNewDayLocked();
  if (date == today) {
    auto it = standings_.find(request.customer_id);
    return Decide(*policy_, it == standings_.end() ? nullptr : &it->second, request, date);
  }
  const PartyFacts* p = parties_.Find(request.customer_id);
  if (!p) return Decide(*policy_, nullptr, request, date);
  const Standing s = EvaluateStanding(*policy_, parties_, *p, date);
  return Decide(*policy_, &s, request, date);
}

std::shared_ptr<const Policy> Authorizer::policy() const {
  // Not mu_: a party update holds it while it recomputes standings, and readers of the policy
  // (every onboarding) need not wait for that.
  std::lock_guard lock(policy_ptr_mu_);
  return policy_;
}

void Authorizer::SetPolicy(std::shared_ptr<const Policy> policy) {
  std::unique_lock lock(mu_);
  {
    std::lock_guard ptr_lock(policy_ptr_mu_);
    policy_ = std::move(policy);
  }
  standings_date_ = Date{};
  RefreshIfNewDayLocked();
}

void Authorizer::RefreshIfNewDayLocked() const {
  const Date today = Today(clock_);
  standings_.clear();
  for (const PartyFacts* p : parties_.All()) {
    standings_.emplace(p->id, EvaluateStanding(*policy_, parties_, *p, today));
  }
  standings_date_ = today;
}

void Authorizer::RecomputeLocked(const std::string& id, Date today) {
  // The party, then whatever refers to it, transitively (cycle-safe).
  std::vector<std::string> queue{id};
  std::unordered_map<std::string, bool> done;
  while (!queue.empty()) {
    std::string next = std::move(queue.back());
    queue.pop_back();
    if (done[next]) continue;
    done[next] = true;
    if (const PartyFacts* p = parties_.Find(next)) {
      standings_.insert_or_assign(next, EvaluateStanding(*policy_, parties_, *p, today));
    }
    for (std::string& dep : parties_.Dependents(next)) queue.push_back(std::move(dep));
  }
}

void Authorizer::PutParty(PartyFacts party) {
  std::unique_lock lock(mu_);
  std::string id = party.id;
  parties_.Put(std::move(party));
  const Date today = Today(clock_);
  if (standings_date_ != today) {
    RefreshIfNewDayLocked();
  } else {
    RecomputeLocked(id, today);
  }
}

std::optional<Standing> Authorizer::StandingOf(const std::string& customer_id) const {
  std::shared_lock lock(mu_);
  auto it = standings_.find(customer_id);
  if (it == standings_.end()) return std::nullopt;
  return it->second;
}

std::optional<PartyFacts> Authorizer::FactsOf(const std::string& id) const {
  std::shared_lock lock(mu_);
  const PartyFacts* f = parties_.Find(id);
  return f ? std::optional<PartyFacts>(*f) : std::nullopt;
}

PartyDirectory Authorizer::Parties() const {
  std::shared_lock lock(mu_);
  return parties_;
}

size_t Authorizer::size() const {
  std::shared_lock lock(mu_);
  return parties_.size();
}

}  // namespace kycloud::policy
