#include "kycloud/account_linking/account_linking.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "kycloud/base/log.h"
#include "kycloud/cip/customer_link_record.h"
#include "kycloud/cip/sealed_columns.h"
#include "kycloud/simulation/population.h"

namespace kycloud::account_linking {

namespace {

using json = nlohmann::json;

void SortUnique(std::vector<std::string>& v) {
  v.erase(std::remove(v.begin(), v.end(), std::string()), v.end());
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// The EAR regime's headquarters group (D:5, Macau) that holds `country`, "" if none.
std::string HeadquartersGroup(const policy::Policy& p, const std::string& country) {
  const policy::Regime* r = p.FindRegime("ear-advanced-computing");
  if (!r || country.empty()) return "";
  auto it = r->groups.find("headquarters");
  if (it == r->groups.end()) return "";
  for (const std::string& g : it->second) {
    if (p.InGroup(g, country)) return g;
  }
  return "";
}

}  // namespace

AccountLinking::AccountLinking(cip::Onboarding& onboarding, storage::CustomerStore& customers,
                               const storage::PiiCipher& cipher,
                               storage::LinkJudgementStore& judgements,
                               provisioning::ProvisioningService& provisioning,
                               cases::CaseManager* cases, audit::AuditLog* audit,
                               const Clock& clock, AccountLinkingOptions options)
    : onboarding_(onboarding),
      customers_(customers),
      cipher_(cipher),
      judgements_(judgements),
      provisioning_(provisioning),
      cases_(cases),
      audit_(audit),
      clock_(clock),
      options_(std::move(options)) {}

AccountLinking::Member AccountLinking::MemberOf(const cip::Customer& c,
                                                const policy::PartyFacts& facts) {
  Member m;
  m.countries = facts.PresenceCountries();
  m.countries.push_back(facts.headquarters_country);
  m.countries.push_back(facts.ultimate_parent_country);
  m.countries.push_back(c.country_of_incorporation);
  SortUnique(m.countries);
  m.evidence_countries = facts.ip_countries;
  m.evidence_countries.insert(m.evidence_countries.end(), facts.billing_countries.begin(),
                              facts.billing_countries.end());
  SortUnique(m.evidence_countries);
  m.listed = facts.sanctions == "listed" || facts.entity_list;
  m.reseller = c.is_reseller;
  m.reseller_id = c.reseller_id;
  return m;
}

Result<std::vector<std::string>> AccountLinking::IpsOf(const std::string& customer_id) {
  KY_ASSIGN_OR_RETURN(auto events, customers_.AccessEvents(customer_id, options_.access_events));
  std::vector<std::string> ips;
  const std::string associated = std::string(cip::kAccessSealPrefix) + customer_id;
  for (const storage::AccessEventRow& e : events) {  // newest first
    if (ips.size() >= options_.max_ips) break;
    KY_ASSIGN_OR_RETURN(std::string ip, cipher_.Open(e.ip_sealed, associated));
    if (std::find(ips.begin(), ips.end(), ip) == ips.end()) ips.push_back(std::move(ip));
  }
  return ips;
}

Result<AccountLinking::Built> AccountLinking::Build() {
  const auto started = std::chrono::steady_clock::now();
  const policy::PartyDirectory parties = provisioning_.authorizer().Parties();
  std::vector<linking::LinkRecord> records;
  Built out;
  storage::CustomerFilter page;
  page.limit = 1000;
  for (;;) {
    KY_ASSIGN_OR_RETURN(auto rows, customers_.List(page));
    for (const storage::CustomerRow& row : rows) {
      // A record or an IP that does not open (a lost data key) is left out, counted and logged:
      // one bad row must not stop the service.
      auto c = onboarding_.Open(row);
      auto ips = c.has_value() ? IpsOf(row.id) : Result<std::vector<std::string>>(Err(c.error()));
      if (!ips.has_value()) {
        ++out.status.skipped;
        KY_LOG_ERROR("linking: customer {} left out of the index: {}", row.id,
                     ips.error().ToString());
        continue;
      }
      policy::PartyFacts facts;
      if (const policy::PartyFacts* f = parties.Find(row.id)) {
        facts = *f;
        cip::LinkedEvidence& d = out.decided[row.id];
        d.countries = f->linked_countries;
        d.listed = f->linked_listed;
        d.end_user_countries = f->end_user_countries;
        // Its own facts only: what linked accounts added is recomputed from the new groups.
        facts.linked_countries.clear();
        facts.linked_listed.clear();
      }
      out.members[row.id] = MemberOf(*c, facts);
      records.push_back(cip::CustomerLinkRecord(*c, *ips));
    }
    if (rows.size() < page.limit) break;
    page.after_id = rows.back().id;
  }
  KY_ASSIGN_OR_RETURN(auto stored, judgements_.All());
  std::vector<linking::NamedJudgement> judged;
  for (const storage::LinkJudgementRecord& j : stored) judged.push_back({j.a, j.b, j.same});

  linking::LinkOptions link = options_.link;
  out.status.customers = records.size();
  out.status.trained_on = records.size();
  if (records.size() < options_.min_training) {
    // Too few to train on: the model learns from them together with a simulated population
    // (ids "~background-..." never collide with a customer's: customer ids cannot hold '~').
    simulation::SimulationOptions sim;
    sim.customers = options_.min_training - records.size();
    sim.seed = 20261202;
    sim.access_events = false;
    sim.usage = false;
    KY_ASSIGN_OR_RETURN(simulation::Population background, simulation::Simulate(sim));
    std::vector<linking::LinkRecord> training = records;
    for (const simulation::SimulatedCustomer& s : background.customers) {
      training.push_back(cip::CustomerLinkRecord(s.record, s.ips));
      training.back().id = "~background-" + training.back().id;
    }
    linking::LinkOptions train = link;
    train.keep_pairs = false;
    KY_ASSIGN_OR_RETURN(linking::LinkResult trained, linking::Link(training, {}, train));
    link.model = std::make_shared<const linking::FellegiSunterModel>(std::move(trained.model));
    out.status.trained_on = training.size();
    out.status.background = true;
  }
  KY_ASSIGN_OR_RETURN(linking::LinkIndex index, linking::LinkIndex::Build(records, judged, link));
  out.index = std::move(index);
  out.status.built_at = clock_.Now();
  KY_LOG_EVENT(
      kInfo, "account linking built",
      {{"customers", std::to_string(records.size())},
       {"trained_on", std::to_string(out.status.trained_on)},
       {"background", out.status.background ? "true" : "false"},
       {"seconds",
        fmt::format(
            "{:.2f}",
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count())}});
  return out;
}

Result<std::vector<std::string>> AccountLinking::Load() {
  KY_ASSIGN_OR_RETURN(Built built, Build());
  std::lock_guard lock(mu_);
  index_ = std::move(built.index);
  members_.clear();
  end_users_.clear();
  for (const auto& [id, m] : built.members) SetMemberLocked(id, m);
  status_ = built.status;
  ++version_;
  // Stale: a linked country or listed member its facts lack or no longer have; a reseller's end
  // users' country its facts lack (its facts also hold the countries it declares).
  auto covers = [](const std::vector<std::string>& have, const std::vector<std::string>& want) {
    return std::all_of(want.begin(), want.end(), [&](const std::string& x) {
      return std::find(have.begin(), have.end(), x) != have.end();
    });
  };
  std::vector<std::string> stale;
  for (const auto& [id, m] : members_) {
    const cip::LinkedEvidence now = EvidenceLocked(id);
    auto it = built.decided.find(id);
    const cip::LinkedEvidence before =
        it == built.decided.end() ? cip::LinkedEvidence{} : it->second;
    std::vector<std::string> had = before.countries, listed = before.listed;
    std::sort(had.begin(), had.end());
    std::sort(listed.begin(), listed.end());
    if (had != now.countries || listed != now.listed ||
        !covers(before.end_user_countries, now.end_user_countries)) {
      stale.push_back(id);
    }
  }
  std::sort(stale.begin(), stale.end());
  return stale;
}

namespace {

bool SameEvidence(const cip::LinkedEvidence& x, const cip::LinkedEvidence& y) {
  return x.members == y.members && x.countries == y.countries && x.listed == y.listed &&
         x.end_user_countries == y.end_user_countries;
}

}  // namespace

Result<std::vector<std::string>> AccountLinking::Relink(const std::string& actor) {
  {
    std::lock_guard lock(mu_);
    if (relinking_) return Err(FailedPreconditionError("a re-link is running"));
    relinking_ = true;
    pending_records_.clear();
    pending_judgements_.clear();
  }
  auto built = Build();
  std::unique_lock lock(mu_);
  relinking_ = false;
  if (!built) return Err(built.error());
  // Every customer's evidence before and after: whoever's changed (its group's members, their
  // countries or listing, a reseller's end users) is decided again.
  std::unordered_map<std::string, cip::LinkedEvidence> before;
  for (const auto& [id, m] : members_) before[id] = EvidenceLocked(id);
  index_ = std::move(built->index);
  members_.clear();
  end_users_.clear();
  for (const auto& [id, m] : built->members) SetMemberLocked(id, m);
  status_ = built->status;
  for (const PendingChange& change : pending_records_) {
    bool self = false;
    if (change.remove) {
      (void)RemoveLocked(change.record.id);
    } else {
      (void)ApplyLocked(change.record, change.member, self);
    }
  }
  for (const linking::NamedJudgement& j : pending_judgements_) (void)index_->Judge(j);
  pending_records_.clear();
  pending_judgements_.clear();
  ++version_;
  std::vector<std::string> changed;
  for (const auto& [id, m] : members_) {
    auto it = before.find(id);
    if (it == before.end() || !SameEvidence(it->second, EvidenceLocked(id))) changed.push_back(id);
  }
  std::sort(changed.begin(), changed.end());
  lock.unlock();
  Redecide(changed, actor);
  return changed;
}

void AccountLinking::SetMemberLocked(const std::string& id, const Member& m) {
  auto old = members_.find(id);
  if (old != members_.end() && !old->second.reseller_id.empty()) {
    end_users_[old->second.reseller_id].erase(id);
  }
  members_[id] = m;
  if (!m.reseller_id.empty()) end_users_[m.reseller_id].insert(id);
}

std::vector<std::string> AccountLinking::Forget(const std::vector<std::string>& ids) {
  std::set<std::string> affected;
  std::lock_guard lock(mu_);
  for (const std::string& id : ids) {
    if (relinking_) {
      linking::LinkRecord gone;
      gone.id = id;
      pending_records_.push_back({std::move(gone), std::nullopt, true});
    }
    if (!index_) continue;
    affected.merge(RemoveLocked(id));
  }
  for (const std::string& id : ids) affected.erase(id);
  return std::vector<std::string>(affected.begin(), affected.end());
}

std::set<std::string> AccountLinking::RemoveLocked(const std::string& id) {
  std::set<std::string> affected;
  if (!index_->Contains(id)) return affected;
  // Its former group's evidence loses what it brought; a reseller's evidence, its end user's.
  for (const std::string& m : index_->MembersOf(id)) affected.insert(m);
  auto change = index_->Remove(id);
  if (change.has_value()) affected.insert(change->regrouped.begin(), change->regrouped.end());
  if (auto m = members_.find(id); m != members_.end()) {
    if (!m->second.reseller_id.empty()) {
      end_users_[m->second.reseller_id].erase(id);
      affected.insert(m->second.reseller_id);
    }
    members_.erase(m);
  }
  ++version_;
  affected.erase(id);
  for (auto it = affected.begin(); it != affected.end();) {
    it = members_.count(*it) ? std::next(it) : affected.erase(it);
  }
  KY_LOG_INFO("linking: customer {} taken out of the index", id);
  return affected;
}

std::set<std::string> AccountLinking::ApplyLocked(const linking::LinkRecord& record,
                                                  const std::optional<Member>& member,
                                                  bool& self_changed) {
  const std::string& id = record.id;
  std::set<std::string> affected;
  const std::vector<std::string> old_group = index_->MembersOf(id);
  const auto old_member = members_.find(id);
  const std::optional<Member> was =
      old_member == members_.end() ? std::nullopt : std::optional<Member>(old_member->second);
  auto change = index_->Upsert(record);
  if (!change) {  // only an empty id fails, which CIP validation never lets through
    KY_LOG_WARN("linking: {} not linked: {}", id, change.error().ToString());
    return affected;
  }
  if (member) SetMemberLocked(id, *member);
  ++version_;
  const std::vector<std::string> new_group = index_->MembersOf(id);
  const bool facts_changed = member && (!was || !(*was == *member));
  self_changed = old_group != new_group;
  if (self_changed || facts_changed) {
    affected.insert(old_group.begin(), old_group.end());
    affected.insert(new_group.begin(), new_group.end());
  }
  affected.insert(change->regrouped.begin(), change->regrouped.end());
  // A reseller's evidence is its end users': a changed end user changes it.
  if (facts_changed && member) {
    if (!member->reseller_id.empty()) affected.insert(member->reseller_id);
    if (was && !was->reseller_id.empty()) affected.insert(was->reseller_id);
  }
  affected.erase(id);
  for (auto it = affected.begin(); it != affected.end();) {
    it = members_.count(*it) ? std::next(it) : affected.erase(it);  // a reseller not stored
  }
  return affected;
}

cip::LinkedEvidence AccountLinking::EvidenceLocked(const std::string& id) const {
  cip::LinkedEvidence e;
  if (!index_ || !index_->Contains(id)) return e;
  for (const std::string& m : index_->MembersOf(id)) {
    if (m == id) continue;
    e.members.push_back(m);
    auto it = members_.find(m);
    if (it == members_.end()) continue;
    e.countries.insert(e.countries.end(), it->second.countries.begin(), it->second.countries.end());
    if (it->second.listed) e.listed.push_back(m);
  }
  if (!e.members.empty()) e.group = index_->GroupOf(id);
  if (auto self = members_.find(id); self != members_.end() && self->second.reseller) {
    if (auto users = end_users_.find(id); users != end_users_.end()) {
      for (const std::string& u : users->second) {
        auto it = members_.find(u);
        if (it == members_.end()) continue;
        e.end_user_countries.insert(e.end_user_countries.end(),
                                    it->second.evidence_countries.begin(),
                                    it->second.evidence_countries.end());
      }
    }
  }
  SortUnique(e.countries);
  SortUnique(e.end_user_countries);
  return e;
}

cip::LinkedEvidence AccountLinking::EvidenceOf(const std::string& customer_id) const {
  std::lock_guard lock(mu_);
  return EvidenceLocked(customer_id);
}

Result<cip::LinkedEvidence> AccountLinking::Observe(const cip::Customer& c,
                                                    const policy::PartyFacts& own) {
  KY_ASSIGN_OR_RETURN(std::vector<std::string> ips, IpsOf(c.id));
  const linking::LinkRecord record = cip::CustomerLinkRecord(c, ips);
  const Member member = MemberOf(c, own);
  cip::LinkedEvidence e;
  {
    std::lock_guard lock(mu_);
    if (!index_) return e;  // not loaded: nothing linked yet
    bool self = false;
    const std::set<std::string> affected = ApplyLocked(record, member, self);
    if (relinking_) pending_records_.push_back({record, member});
    e = EvidenceLocked(c.id);
    e.affected.assign(affected.begin(), affected.end());
  }
  if (c.is_reseller) RaiseIntermediaryAlert(c.id, e);
  return e;
}

Result<std::vector<std::string>> AccountLinking::RelinkStored(const std::string& customer_id) {
  KY_ASSIGN_OR_RETURN(auto current, onboarding_.Get(customer_id));
  KY_ASSIGN_OR_RETURN(std::vector<std::string> ips, IpsOf(customer_id));
  const linking::LinkRecord record = cip::CustomerLinkRecord(current.second, ips);
  std::lock_guard lock(mu_);
  if (!index_) return std::vector<std::string>{};
  bool self = false;
  std::set<std::string> affected = ApplyLocked(record, std::nullopt, self);
  if (relinking_) pending_records_.push_back({record, std::nullopt});
  if (self) affected.insert(customer_id);
  return std::vector<std::string>(affected.begin(), affected.end());
}

Status AccountLinking::FollowCustomers(const std::vector<std::string>& ids) {
  for (const std::string& id : ids) {
    auto row = customers_.Get(id);
    if (!row.has_value()) {
      if (row.error().code() != StatusCode::kNotFound) return row.error();
      (void)Forget({id});  // erased after retention
      continue;
    }
    auto c = onboarding_.Open(*row);
    if (!c.has_value()) {
      KY_LOG_ERROR("linking: customer {} not followed: {}", id, c.error().ToString());
      continue;
    }
    KY_ASSIGN_OR_RETURN(std::vector<std::string> ips, IpsOf(id));
    policy::PartyFacts facts =
        provisioning_.authorizer().FactsOf(id).value_or(policy::PartyFacts{});
    facts.linked_countries.clear();  // its own facts only, as in Build()
    facts.linked_listed.clear();
    const Member member = MemberOf(*c, facts);
    const linking::LinkRecord record = cip::CustomerLinkRecord(*c, ips);
    std::lock_guard lock(mu_);
    if (!index_) return OkStatus();
    bool self = false;
    ApplyLocked(record, member, self);
    if (relinking_) pending_records_.push_back({record, member});
  }
  return OkStatus();
}

Status AccountLinking::FollowJudgements(const std::vector<std::string>& pairs) {
  for (const std::string& pair : pairs) {
    const size_t space = pair.find(' ');
    if (space == std::string::npos) continue;
    const std::string a = pair.substr(0, space), b = pair.substr(space + 1);
    KY_ASSIGN_OR_RETURN(auto of_a, judgements_.Of(a));
    for (const storage::LinkJudgementRecord& j : of_a) {
      if (j.a != a || j.b != b) continue;
      const linking::NamedJudgement named{j.a, j.b, j.same};
      std::lock_guard lock(mu_);
      if (!index_ || !index_->Contains(a) || !index_->Contains(b)) continue;
      if (auto change = index_->Judge(named); !change.has_value()) {
        KY_LOG_WARN("linking: judgement {} not followed: {}", pair, change.error().ToString());
        continue;
      }
      ++version_;
      if (relinking_) pending_judgements_.push_back(named);
    }
  }
  return OkStatus();
}

Result<std::vector<std::string>> AccountLinking::Judge(const JudgementInput& in,
                                                       const std::string& actor) {
  if (in.a.empty() || in.b.empty()) {
    return Err(InvalidArgumentError("both customer ids are required")
                   .WithField(in.a.empty() ? "/a" : "/b")
                   .WithReason("linking.invalid_judgement"));
  }
  if (in.a == in.b) {
    return Err(InvalidArgumentError("a customer cannot be judged against itself")
                   .WithField("/b")
                   .WithReason("linking.invalid_judgement"));
  }
  if (in.reason.empty()) {
    return Err(InvalidArgumentError("an officer's judgement needs a reason")
                   .WithField("/reason")
                   .WithReason("linking.invalid_judgement"));
  }
  {
    std::lock_guard lock(mu_);
    for (const std::string* id : {&in.a, &in.b}) {
      if (!index_ || !index_->Contains(*id)) {
        return Err(
            NotFoundError(fmt::format("customer '{}' is not known to account linking", *id)));
      }
    }
  }
  storage::LinkJudgementRecord row{
      std::min(in.a, in.b), std::max(in.a, in.b), in.same, in.reason, actor, clock_.Now()};
  KY_TRY(judgements_.Put(row));
  if (audit_) {
    auto appended = audit_->Append({"linking.judgement", actor,
                                    json{{"a", row.a},
                                         {"b", row.b},
                                         {"same", row.same},
                                         {"reason", audit_->PiiDigest(row.reason)}}
                                        .dump(-1, ' ', false, json::error_handler_t::replace)});
    if (!appended) return Err(appended.error());
  }
  std::vector<std::string> out;
  {
    std::lock_guard lock(mu_);
    std::set<std::string> affected;
    for (const std::string* id : {&row.a, &row.b}) {
      for (const std::string& m : index_->MembersOf(*id)) affected.insert(m);
    }
    const linking::NamedJudgement j{row.a, row.b, row.same};
    KY_ASSIGN_OR_RETURN(auto change, index_->Judge(j));
    ++version_;
    if (relinking_) pending_judgements_.push_back(j);
    for (const std::string* id : {&row.a, &row.b}) {
      for (const std::string& m : index_->MembersOf(*id)) affected.insert(m);
    }
    affected.insert(change.regrouped.begin(), change.regrouped.end());
    out.assign(affected.begin(), affected.end());
  }
  Redecide(out, actor);
  return out;
}

void AccountLinking::Redecide(const std::vector<std::string>& ids, const std::string& actor) {
  for (const std::string& id : ids) {
    if (auto again = onboarding_.Refresh(id, actor); !again.has_value()) {
      KY_LOG_WARN("linking: deciding {} again failed: {}", id, again.error().ToString());
    }
  }
}

Result<std::string> AccountLinking::LinksJson(const std::string& customer_id) {
  KY_ASSIGN_OR_RETURN(auto judged, judgements_.Of(customer_id));
  std::lock_guard lock(mu_);
  if (!index_ || !index_->Contains(customer_id)) {
    return Err(NotFoundError(fmt::format("customer '{}' not found", customer_id)));
  }
  const cip::LinkedEvidence e = EvidenceLocked(customer_id);
  json links = json::array();
  // The links among the group's members (each once), strongest first: the evidence paths.
  std::vector<std::string> group = index_->MembersOf(customer_id);
  std::vector<linking::IndexedLink> all;
  auto in_group = [&](const std::string& x) {
    return std::binary_search(group.begin(), group.end(), x);
  };
  for (const std::string& m : group) {
    for (linking::IndexedLink& l : index_->LinksOf(m)) {
      if (in_group(l.a) && in_group(l.b)) all.push_back(std::move(l));
    }
  }
  std::sort(all.begin(), all.end(),
            [](const auto& x, const auto& y) { return std::tie(x.a, x.b) < std::tie(y.a, y.b); });
  all.erase(std::unique(all.begin(), all.end(),
                        [](const auto& x, const auto& y) { return x.a == y.a && x.b == y.b; }),
            all.end());
  std::stable_sort(all.begin(), all.end(),
                   [](const auto& x, const auto& y) { return x.weight > y.weight; });
  for (const linking::IndexedLink& l : all) {
    json ev = json::parse(l.evidence, nullptr, false);
    links.push_back({{"a", l.a},
                     {"b", l.b},
                     {"weight", l.weight},
                     {"probability", l.probability},
                     {"evidence", ev.is_discarded() ? json(nullptr) : ev}});
  }
  json judgements = json::array();
  for (const storage::LinkJudgementRecord& j : judged) {
    judgements.push_back({{"a", j.a},
                          {"b", j.b},
                          {"same", j.same},
                          {"reason", j.reason},
                          {"decided_by", j.decided_by},
                          {"decided_at", FormatRfc3339(j.decided_at)}});
  }
  return json{{"customer_id", customer_id},
              {"group", e.group.empty() ? json(nullptr) : json(e.group)},
              {"members", group.size() > 1 ? group : std::vector<std::string>{}},
              {"links", std::move(links)},
              {"judgements", std::move(judgements)},
              {"linked_countries", e.countries},
              {"linked_listed", e.listed},
              {"end_user_countries", e.end_user_countries}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

void AccountLinking::RefreshCacheLocked() const {
  if (cached_version_ == version_) return;
  cached_links_.clear();
  cached_groups_ = 0;
  if (index_) {
    for (const std::vector<std::string>& group : index_->Groups(2)) {
      ++cached_groups_;
      for (const std::string& id : group) cached_links_.push_back({id, "", "", group.front()});
    }
  }
  std::sort(cached_links_.begin(), cached_links_.end(),
            [](const auto& x, const auto& y) { return x.account_id < y.account_id; });
  cached_version_ = version_;
}

std::vector<storage::AccountLink> AccountLinking::GroupLinks() const {
  std::lock_guard lock(mu_);
  RefreshCacheLocked();
  return cached_links_;
}

LinkingStatus AccountLinking::status() const {
  std::lock_guard lock(mu_);
  RefreshCacheLocked();
  LinkingStatus s = status_;
  s.customers = index_ ? index_->size() : 0;
  s.groups = cached_groups_;
  return s;
}

void AccountLinking::RaiseIntermediaryAlert(const std::string& reseller_id,
                                            const cip::LinkedEvidence& e) {
  if (!cases_) return;
  const std::shared_ptr<const policy::Policy> pol = provisioning_.policy();
  std::vector<std::string> flagged;
  for (const std::string& c : e.end_user_countries) {
    if (auto g = HeadquartersGroup(*pol, c); !g.empty()) flagged.push_back(c);
  }
  if (flagged.empty()) return;
  std::vector<std::string> users;
  {
    std::lock_guard lock(mu_);
    if (auto it = end_users_.find(reseller_id); it != end_users_.end()) {
      for (const std::string& u : it->second) {
        auto m = members_.find(u);
        if (m == members_.end()) continue;
        for (const std::string& c : m->second.evidence_countries) {
          if (std::find(flagged.begin(), flagged.end(), c) != flagged.end()) {
            users.push_back(u);
            break;
          }
        }
      }
    }
  }
  cases::NewAlert a;
  a.source = "linking";
  a.kind = "linking.intermediary";
  a.severity = "high";
  a.subject = reseller_id;
  a.title = fmt::format("Reseller's end users connect or pay from {}", fmt::join(flagged, ", "));
  a.details_json = json{{"countries", flagged},
                        {"end_users", users},
                        {"evidence", "access-IP geolocation and payment issuing countries"}}
                       .dump();
  a.dedup_key = "intermediary";
  if (auto raised = cases_->RaiseAlert(a, "system"); !raised.has_value()) {
    KY_LOG_ERROR("linking: raising the intermediary alert on {} failed: {}", reseller_id,
                 raised.error().ToString());
  }
}

}  // namespace kycloud::account_linking
