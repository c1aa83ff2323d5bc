#include "kycloud/policy/reevaluation.h"

#include <algorithm>
#include <set>

namespace kycloud::policy {

namespace {

std::vector<Reason> All(const Standing& s) {
  std::vector<Reason> out = s.always;
  out.insert(out.end(), s.controlled.begin(), s.controlled.end());
  return out;
}

std::vector<Reason> Minus(const std::vector<Reason>& a, const std::vector<Reason>& b) {
  std::set<std::string> ids;
  for (const Reason& r : b) ids.insert(r.rule);
  std::vector<Reason> out;
  for (const Reason& r : a) {
    if (!ids.count(r.rule)) out.push_back(r);
  }
  return out;
}

std::vector<StandingChange> Compare(const Policy& before, Date d_before, const Policy& after,
                                    Date d_after, const PartyDirectory& parties) {
  std::vector<const PartyFacts*> all = parties.All();
  std::sort(all.begin(), all.end(),
            [](const PartyFacts* a, const PartyFacts* b) { return a->id < b->id; });
  std::vector<StandingChange> out;
  for (const PartyFacts* p : all) {
    const Standing a = EvaluateStanding(before, parties, *p, d_before);
    const Standing b = EvaluateStanding(after, parties, *p, d_after);
    const std::vector<Reason> ra = All(a), rb = All(b);
    StandingChange c;
    c.customer_id = p->id;
    c.before = a.Worst(true);
    c.after = b.Worst(true);
    c.added = Minus(rb, ra);
    c.removed = Minus(ra, rb);
    if (!c.added.empty() || !c.removed.empty() || c.before != c.after) out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

std::vector<StandingChange> Reevaluate(const Policy& before, const Policy& after,
                                       const PartyDirectory& parties, Date date) {
  return Compare(before, date, after, date, parties);
}

std::vector<StandingChange> ReevaluateDates(const Policy& policy, const PartyDirectory& parties,
                                            Date before, Date after) {
  return Compare(policy, before, policy, after, parties);
}

}  // namespace kycloud::policy
