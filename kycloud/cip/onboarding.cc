#include "kycloud/cip/onboarding.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "kycloud/base/log.h"
#include "kycloud/base/sha256.h"
#include "kycloud/cip/cip_policy.h"
#include "kycloud/cip/customer_json.h"
#include "kycloud/cip/risk_score.h"
#include "kycloud/cip/sealed_columns.h"
#include "kycloud/cip/verification.h"

namespace kycloud::cip {

namespace {

using json = nlohmann::json;

std::string Associated(const std::string& id) { return std::string(kCustomerSealPrefix) + id; }

// Stored records were valid when written; a later policy may require more. Reading them back
// checks form, not the policy's requirements.
CipPolicy Lenient() {
  CipPolicy p;
  p.owner_min_share = 0;
  return p;
}

}  // namespace

policy::PartyFacts FactsOf(const Customer& c, const Classification& k,
                           const std::string& verification) {
  policy::PartyFacts f;
  f.id = c.id;
  f.kind = c.kind == "individual" ? "individual" : "organisation";
  // No names: the facts are stored in clear (policy_parties); a special measure naming a person
  // reaches a customer through its id or a confirmed list match (list_entity_ids).
  if (!c.addresses.empty()) f.country = c.addresses[0].country;
  for (const Address& a : c.addresses) {
    if (!a.subdivision.empty()) f.subdivisions.push_back(a.subdivision);
  }
  for (const PaymentInstrument& p : c.payment_instruments) {
    if (!p.issuing_country.empty()) f.billing_countries.push_back(p.issuing_country);
  }
  f.nationalities = c.nationalities;
  f.headquarters_country =
      !c.headquarters_country.empty() ? c.headquarters_country : c.country_of_incorporation;
  f.ultimate_parent_country = c.ultimate_parent_country;
  if (f.ultimate_parent_country.empty()) {
    // A company holding a majority is the parent: its country stands for the parent's.
    for (const BeneficialOwner& o : c.beneficial_owners) {
      if (o.kind == "company" && o.share > 0.5 && !o.residence_country.empty()) {
        f.ultimate_parent_country = o.residence_country;
      }
    }
  }
  f.us_person = k.customer_us;
  f.verification = verification;
  f.reseller = c.is_reseller;
  f.end_user_countries = c.end_user_countries;
  f.reseller_id = c.reseller_id;
  return f;
}

Onboarding::Onboarding(storage::CustomerStore& customers, const storage::PiiCipher& cipher,
                       provisioning::ProvisioningService& provisioning, cases::CaseManager* cases,
                       const Clock& clock)
    : customers_(customers),
      cipher_(cipher),
      provisioning_(provisioning),
      cases_(cases),
      clock_(clock) {}

Result<OnboardingResult> Onboarding::Create(std::string_view body, std::string_view idempotency_key,
                                            const std::string& actor) {
  KY_ASSIGN_OR_RETURN(PreparedCustomer p, Prepare(body, idempotency_key));
  return Commit(std::move(p), actor);
}

Result<PreparedCustomer> Onboarding::Prepare(std::string_view body,
                                             std::string_view idempotency_key) {
  const std::shared_ptr<const policy::Policy> pol = provisioning_.policy();
  KY_ASSIGN_OR_RETURN(auto cip, CipPolicy::ForPolicy(*pol));
  PreparedCustomer p;
  KY_ASSIGN_OR_RETURN(p.customer, ParseCustomer(body, *cip));
  const Customer& c = p.customer;
  p.classification = ClassifyUsPerson(c, {});
  KY_ASSIGN_OR_RETURN(p.screening, ScreenParties(c));
  storage::CustomerRow& row = p.row;
  row.id = c.id;
  row.kind = c.kind;
  row.country = c.addresses.empty() ? "" : c.addresses[0].country;
  row.headquarters_country =
      !c.headquarters_country.empty() ? c.headquarters_country : c.country_of_incorporation;
  row.verification = p.classification.verification_required ? "pending" : "not_required";
  row.us_person = p.classification.customer_us;
  row.decision = "pending";
  row.policy_id = pol->Id();
  row.record_sealed = cipher_.Seal(CustomerJson(c), Associated(c.id));
  row.classification_json = p.classification.Json();
  row.created_at = row.updated_at = clock_.Now();
  p.idempotency_key = std::string(idempotency_key);
  p.request_hash = Sha256Hex(body);
  return p;
}

Result<OnboardingResult> Onboarding::Commit(PreparedCustomer p, const std::string& actor) {
  KY_ASSIGN_OR_RETURN(auto inserted, customers_.Insert(p.row, p.idempotency_key, p.request_hash));
  if (!inserted.second && inserted.first.decision == "pending") {
    // Stored but never decided (the decision failed after the insert): decide it now.
    return Decide(inserted.first, std::move(p.customer), p.classification, {}, false,
                  std::move(p.screening), actor);
  }
  if (!inserted.second) {
    // A replay: the record first created, as it stands now.
    KY_ASSIGN_OR_RETURN(auto got, Get(inserted.first.id));
    OnboardingResult r{got.first, got.second, false, {}, std::nullopt};
    if (auto s = provisioning_.StandingOf(r.row.id)) {
      r.reasons = s->always;
      r.reasons.insert(r.reasons.end(), s->controlled.begin(), s->controlled.end());
    }
    return r;
  }
  return Decide(inserted.first, std::move(p.customer), p.classification, {}, true,
                std::move(p.screening), actor);
}

Result<OnboardingResult> Onboarding::Update(const std::string& id, std::string_view patch,
                                            const std::string& actor) {
  KY_ASSIGN_OR_RETURN(CipPolicy cip, CipPolicy::FromPolicy(*provisioning_.policy()));
  KY_ASSIGN_OR_RETURN(auto current, Get(id));
  auto& [row, old] = current;
  KY_ASSIGN_OR_RETURN(Customer c, ApplyCustomerPatch(old, patch, cip));
  std::set<std::string> known;
  for (const BeneficialOwner& o : old.beneficial_owners) known.insert(o.id);
  bool new_owner = false;
  for (const BeneficialOwner& o : c.beneficial_owners) new_owner |= !known.count(o.id);
  KY_ASSIGN_OR_RETURN(std::vector<std::string> ips, customers_.AccessCountries(id));
  const Classification k = ClassifyUsPerson(c, ips);
  if (!k.verification_required) {
    row.verification = "not_required";
  } else if (row.verification == "not_required" || (new_owner && row.verification == "verified")) {
    row.verification = "pending";  // R11: a new owner, or no longer all-US, re-triggers it
  }
  row.country = c.addresses.empty() ? "" : c.addresses[0].country;
  row.headquarters_country =
      !c.headquarters_country.empty() ? c.headquarters_country : c.country_of_incorporation;
  row.us_person = k.customer_us;
  row.record_sealed = cipher_.Seal(CustomerJson(c), Associated(c.id));
  row.classification_json = k.Json();
  row.updated_at = clock_.Now();
  KY_ASSIGN_OR_RETURN(auto screened, ScreenParties(c));
  return Decide(row, std::move(c), k, ips, false, std::move(screened), actor);
}

Result<OnboardingResult> Onboarding::Refresh(const std::string& id, const std::string& actor) {
  KY_ASSIGN_OR_RETURN(auto current, Get(id));
  auto& [row, c] = current;
  KY_ASSIGN_OR_RETURN(std::vector<std::string> ips, customers_.AccessCountries(id));
  const Classification k = ClassifyUsPerson(c, ips);
  if (!k.verification_required) {
    row.verification = "not_required";
  } else if (row.verification == "not_required") {
    row.verification = "pending";
  }
  row.us_person = k.customer_us;
  row.classification_json = k.Json();
  row.updated_at = clock_.Now();
  KY_ASSIGN_OR_RETURN(auto screened, ScreenParties(c));
  return Decide(row, std::move(c), k, ips, false, std::move(screened), actor);
}

Result<OnboardingResult> Onboarding::Verify(const std::string& id, std::string_view body,
                                            const std::string& actor) {
  KY_ASSIGN_OR_RETURN(CipPolicy cip, CipPolicy::FromPolicy(*provisioning_.policy()));
  KY_ASSIGN_OR_RETURN(VerificationRequest v, ParseVerificationRequest(body, cip));
  KY_ASSIGN_OR_RETURN(auto current, Get(id));
  auto& [row, c] = current;
  if (row.status == "closed") {
    return Err(FailedPreconditionError(fmt::format("customer '{}' is closed", id))
                   .WithReason("cip.closed"));
  }
  KY_ASSIGN_OR_RETURN(std::vector<std::string> ips, customers_.AccessCountries(id));
  const Classification k = ClassifyUsPerson(c, ips);
  if (!k.verification_required) {
    return Err(FailedPreconditionError(
                   fmt::format("customer '{}' needs no verification: it and all its beneficial "
                               "owners are US persons (R8)",
                               id))
                   .WithReason("cip.verification_not_required"));
  }
  const Timestamp now = clock_.Now();
  row.verification_resolution.clear();
  if (v.outcome == "verified") {
    row.verification = "verified";
    row.verified_at = now;
  } else if (v.outcome == "failed") {
    row.verification = "failed";
    row.verification_resolution = v.resolution;
    row.reverify_due.reset();
    if (v.resolution == "close") {
      row.status = "closed";
      row.closed_at = now;
    }
  } else {
    row.verification = "pending";
  }
  row.us_person = k.customer_us;
  row.classification_json = k.Json();
  row.updated_at = now;
  storage::VerificationRow rec;
  rec.customer_id = id;
  rec.at = now;
  rec.outcome = v.outcome;
  rec.method = v.method;
  rec.resolution = v.resolution;
  rec.details_sealed = cipher_.Seal(v.DetailsJson(), std::string(kVerificationSealPrefix) + id);
  rec.actor = actor;
  KY_ASSIGN_OR_RETURN(auto screened, ScreenParties(c));
  return Decide(row, std::move(c), k, ips, false, std::move(screened), actor, &rec);
}

Result<CipPolicy> Onboarding::CipRules() const {
  return CipPolicy::FromPolicy(*provisioning_.policy());
}

Result<OnboardingResult> Onboarding::Close(const std::string& id, const std::string& actor) {
  KY_ASSIGN_OR_RETURN(auto current, Get(id));
  auto& [row, c] = current;
  if (row.status == "closed") {
    return Err(FailedPreconditionError(fmt::format("customer '{}' is closed", id))
                   .WithReason("cip.closed"));
  }
  row.status = "closed";
  row.closed_at = row.updated_at = clock_.Now();
  row.reverify_due.reset();
  KY_ASSIGN_OR_RETURN(std::vector<std::string> ips, customers_.AccessCountries(id));
  const Classification k = ClassifyUsPerson(c, ips);
  // Screened again so that the standing keeps its sanctions state (an open hit stays open).
  KY_ASSIGN_OR_RETURN(auto screened, ScreenParties(c));
  return Decide(row, std::move(c), k, ips, false, std::move(screened), actor);
}

Result<storage::CustomerRow> Onboarding::SetRetentionHold(const std::string& id, bool hold) {
  KY_ASSIGN_OR_RETURN(storage::CustomerRow row, customers_.Get(id));
  row.legal_hold = hold;
  row.updated_at = clock_.Now();
  return customers_.Update(row);
}

Result<std::optional<ScreeningOutcome>> Onboarding::ScreenParties(const Customer& c) {
  if (!screener_) return std::optional<ScreeningOutcome>();
  KY_ASSIGN_OR_RETURN(ScreeningOutcome o, screener_->Screen(ScreeningQueries(c)));
  return std::optional<ScreeningOutcome>(std::move(o));
}

std::vector<screening::ScreeningQuery> ScreeningQueries(const Customer& c) {
  std::vector<screening::ScreeningQuery> out;
  const bool person = c.kind == "individual";
  for (const Name& n : c.names) {
    screening::ScreeningQuery q;
    q.name = n.full;
    q.schema = person ? lists::Schema::kPerson : lists::Schema::kCompany;
    q.date_of_birth = c.date_of_birth;
    q.country = !c.addresses.empty() ? c.addresses[0].country : "";
    q.subject_id = c.id;
    out.push_back(std::move(q));
  }
  for (const BeneficialOwner& o : c.beneficial_owners) {
    for (const Name& n : o.names) {
      screening::ScreeningQuery q;
      q.name = n.full;
      q.schema = o.kind == "person" ? lists::Schema::kPerson : lists::Schema::kCompany;
      q.date_of_birth = o.date_of_birth;
      q.country = !o.nationality.empty() ? o.nationality : o.residence_country;
      q.subject_id = c.id + "/owners/" + o.id;
      out.push_back(std::move(q));
    }
  }
  if (!c.ultimate_parent_name.empty()) {
    screening::ScreeningQuery q;
    q.name = c.ultimate_parent_name;
    q.schema = lists::Schema::kCompany;
    q.country = c.ultimate_parent_country;
    q.subject_id = c.id + "/parent";
    out.push_back(std::move(q));
  }
  // Payers (a holder who is not the customer) and the institutions that hold the money: a
  // sanctioned bank is a hit as surely as a sanctioned customer.
  std::set<std::string> own_names;
  for (const Name& n : c.names) own_names.insert(n.full);
  for (size_t i = 0; i < c.payment_instruments.size(); ++i) {
    const PaymentInstrument& p = c.payment_instruments[i];
    if (!p.holder_name.empty() && !own_names.count(p.holder_name)) {
      screening::ScreeningQuery q;
      q.name = p.holder_name;
      q.country = p.issuing_country;
      q.subject_id = fmt::format("{}/payers/{}", c.id, i);
      out.push_back(std::move(q));
    }
    if (!p.institution.empty()) {
      screening::ScreeningQuery q;
      q.name = p.institution;
      q.schema = lists::Schema::kCompany;
      q.country = p.issuing_country;
      q.subject_id = fmt::format("{}/institutions/{}", c.id, i);
      out.push_back(std::move(q));
    }
  }
  return out;
}

Result<std::pair<storage::CustomerRow, Customer>> Onboarding::Get(const std::string& id) {
  KY_ASSIGN_OR_RETURN(storage::CustomerRow row, customers_.Get(id));
  KY_ASSIGN_OR_RETURN(Customer c, Open(row));
  return std::make_pair(std::move(row), std::move(c));
}

Result<Customer> Onboarding::Open(const storage::CustomerRow& row) const {
  KY_ASSIGN_OR_RETURN(std::string plain, cipher_.Open(row.record_sealed, Associated(row.id)));
  return ParseCustomer(plain, Lenient());
}

Result<OnboardingResult> Onboarding::Decide(storage::CustomerRow row, Customer c,
                                            const Classification& k,
                                            const std::vector<std::string>& ips, bool created,
                                            std::optional<ScreeningOutcome> screening,
                                            const std::string& actor,
                                            const storage::VerificationRow* verification) {
  const std::shared_ptr<const policy::Policy> pol = provisioning_.policy();
  KY_ASSIGN_OR_RETURN(std::shared_ptr<const CipPolicy> cip_rules, CipPolicy::ForPolicy(*pol));
  const CipPolicy& cip = *cip_rules;
  const bool restricted =
      row.verification == "failed" && row.verification_resolution == "restrict_and_monitor";
  policy::PartyFacts facts = FactsOf(c, k, restricted ? "failed_restricted" : row.verification);
  facts.closed = row.status == "closed";
  facts.ip_countries = ips;
  if (screening) {
    facts.sanctions = screening->status;
    if (screening->entity_list) facts.entity_list = true;
    KY_TRY(screener_->Record(*screening, actor));
  }
  std::optional<LinkedEvidence> linked;
  if (links_) {
    KY_ASSIGN_OR_RETURN(linked, links_->Observe(c, facts));
    ApplyLinkedEvidence(*linked, facts);
  }
  KY_ASSIGN_OR_RETURN(policy::Standing s, provisioning_.PutParty(std::move(facts)));
  OnboardingResult r;
  r.links = linked;
  r.reasons = s.always;
  r.reasons.insert(r.reasons.end(), s.controlled.begin(), s.controlled.end());
  const RiskScore risk = ScoreRisk({c, k, ips, screening ? screening->status : std::string(),
                                    std::chrono::floor<std::chrono::days>(clock_.Now())},
                                   cip, *pol);
  row.risk_level = risk.level;
  row.risk_json = risk.Json();
  if (row.verification == "verified" && row.verified_at) {
    auto days = cip.reverify_days.find(risk.level);
    row.reverify_due =
        *row.verified_at + std::chrono::days(days != cip.reverify_days.end() ? days->second : 365);
  } else if (row.verification != "pending") {
    row.reverify_due.reset();
  }
  const bool risky =
      !cip.risk_review_at.empty() && RiskRank(risk.level) >= RiskRank(cip.risk_review_at);
  const policy::Action any = s.Worst(false), controlled = s.Worst(true);
  if (any == policy::Action::kDeny || (row.verification == "failed" && !restricted)) {
    row.decision = "reject";
  } else if (controlled != policy::Action::kAllow || restricted || risky) {
    row.decision = "review";
  } else if (row.verification == "pending") {
    row.decision = "verify";
  } else {
    row.decision = "approve";
  }
  if (risky && row.decision == "review") {
    r.reasons.push_back(policy::Reason{
        "cip.risk-" + risk.level, "cip-risk", policy::Action::kReview,
        fmt::format("CIP risk {} (score {} under {})", risk.level, risk.score, cip.version)});
  }
  row.policy_id = s.policy_id;
  auto stored =
      verification ? customers_.RecordVerification(row, *verification) : customers_.Update(row);
  if (!stored.has_value()) {
    // Observe linked a record that is not stored: the index takes the stored one back.
    if (linked) {
      if (auto back = links_->RelinkStored(row.id); !back.has_value()) {
        KY_LOG_WARN("linking: {} not linked back after a failed decision: {}", row.id,
                    back.error().ToString());
      }
    }
    return Err(stored.error());
  }
  r.row = std::move(*stored);
  r.customer = std::move(c);
  r.created = created;
  r.screening = std::move(screening);
  if (cases_ && (r.row.decision == "review" || r.row.decision == "reject")) {
    json reasons = json::array();
    std::string rules;
    for (const policy::Reason& x : r.reasons) {
      reasons.push_back({{"rule", x.rule},
                         {"regime", x.regime},
                         {"action", policy::ActionName(x.action)},
                         {"text", x.text}});
      rules += (rules.empty() ? "" : ", ") + x.rule;
    }
    cases::NewAlert a;
    a.source = "cip";
    a.kind = "cip.decision";
    a.severity = r.row.decision == "reject" ? "high" : "medium";
    a.subject = r.row.id;
    a.title = fmt::format("CIP decision {}: {}", r.row.decision, rules.empty() ? "-" : rules);
    a.details_json = json{{"decision", r.row.decision},
                          {"policy_version", r.row.policy_id},
                          {"verification", r.row.verification},
                          {"reasons", std::move(reasons)}}
                         .dump(-1, ' ', false, json::error_handler_t::replace);
    a.dedup_key = "decision";
    KY_ASSIGN_OR_RETURN(auto raised, cases_->RaiseAlert(a, actor));
    r.alert_id = raised.alert.id;
  }
  // Linked customers whose evidence this record changed are decided again, one level deep: their
  // re-decisions may change others' evidence in turn (a re-screen that confirms a hit), which
  // their next decision picks up; failures are logged, the record's own decision stands.
  thread_local bool redeciding = false;
  if (linked && !linked->affected.empty() && !redeciding) {
    redeciding = true;
    for (const std::string& other : linked->affected) {
      if (auto again = Refresh(other, actor); !again.has_value()) {
        KY_LOG_WARN("linking: deciding {} again after {} changed failed: {}", other, r.row.id,
                    again.error().ToString());
      }
    }
    redeciding = false;
  }
  return r;
}

void ApplyLinkedEvidence(const LinkedEvidence& e, policy::PartyFacts& facts) {
  auto merge = [](std::vector<std::string>& into, const std::vector<std::string>& from) {
    into.insert(into.end(), from.begin(), from.end());
    std::sort(into.begin(), into.end());
    into.erase(std::unique(into.begin(), into.end()), into.end());
  };
  merge(facts.linked_countries, e.countries);
  merge(facts.linked_listed, e.listed);
  merge(facts.end_user_countries, e.end_user_countries);
}

}  // namespace kycloud::cip
