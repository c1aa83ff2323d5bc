#include "kycloud/provisioning/provisioning_service.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "kycloud/base/log.h"
#include "kycloud/compute/provisioning_hardware.h"
#include "kycloud/policy/policy_data.h"

namespace kycloud::provisioning {

namespace {

using json = nlohmann::json;

json ReasonJson(const policy::Reason& r) {
  return {{"rule", r.rule},
          {"regime", r.regime},
          {"action", policy::ActionName(r.action)},
          {"text", r.text}};
}

json ReasonsJson(const std::vector<policy::Reason>& rs) {
  json out = json::array();
  for (const auto& r : rs) out.push_back(ReasonJson(r));
  return out;
}

std::string FilesJson(const std::vector<policy::PolicyFile>& files) {
  json out = json::array();
  for (const auto& f : files) out.push_back({{"name", f.name}, {"text", f.text}});
  return out.dump();
}

Result<std::vector<policy::PolicyFile>> FilesFromJson(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (!j.is_array()) return Err(DataLossError("stored policy files are not a JSON array"));
  std::vector<policy::PolicyFile> out;
  for (const json& f : j) {
    if (!f.is_object() || !f.contains("name") || !f.contains("text")) {
      return Err(DataLossError("stored policy file without name or text"));
    }
    out.push_back({f["name"].get<std::string>(), f["text"].get<std::string>()});
  }
  return out;
}

}  // namespace

ProvisioningService::ProvisioningService(storage::PolicyStore& store, cases::CaseManager* cases,
                                         const Clock& clock, const compute::Estimator& estimator,
                                         audit::AuditLog* audit)
    : store_(store),
      cases_(cases),
      audit_(audit),
      clock_(clock),
      estimator_(estimator),
      authorizer_(std::make_shared<policy::Policy>(policy::Policy::Bundled()), clock) {}

Status ProvisioningService::Load() {
  KY_ASSIGN_OR_RETURN(auto latest, store_.Latest());
  if (latest) {
    auto files = FilesFromJson(latest->files_json);
    auto parsed = files ? policy::Policy::Parse(std::move(*files))
                        : Result<policy::Policy>(Err(files.error()));
    if (parsed) {
      authorizer_.SetPolicy(std::make_shared<policy::Policy>(std::move(*parsed)));
    } else {
      KY_LOG_ERROR("policy {} as stored does not parse ({}); serving the bundled policy {}",
                   latest->id, parsed.error().ToString(), policy::Policy::Bundled().Id());
    }
  }
  KY_ASSIGN_OR_RETURN(auto parties, store_.Parties());
  for (const auto& p : parties) {
    auto facts = policy::ParsePartyFacts(p.facts_json);
    if (!facts) {
      KY_LOG_ERROR("party {}: stored facts do not parse: {}", p.id, facts.error().ToString());
      continue;
    }
    authorizer_.PutParty(std::move(*facts));
  }
  return OkStatus();
}

Status ProvisioningService::FollowPolicy() {
  std::lock_guard lock(write_mu_);
  KY_ASSIGN_OR_RETURN(auto latest, store_.Latest());
  if (!latest || latest->hash == authorizer_.policy()->hash()) return OkStatus();
  auto files = FilesFromJson(latest->files_json);
  auto parsed =
      files ? policy::Policy::Parse(std::move(*files)) : Result<policy::Policy>(Err(files.error()));
  if (!parsed) {
    KY_LOG_ERROR("policy {} as stored does not parse ({}); keeping {}", latest->id,
                 parsed.error().ToString(), authorizer_.policy()->Id());
    return OkStatus();
  }
  const std::string before = authorizer_.policy()->Id();
  authorizer_.SetPolicy(std::make_shared<policy::Policy>(std::move(*parsed)));
  KY_LOG_EVENT(kInfo, "policy in force, published by another instance",
               {{"version", latest->id}, {"previous", before}});
  return OkStatus();
}

Status ProvisioningService::FollowParties(const std::vector<std::string>& ids) {
  for (const std::string& id : ids) {
    std::lock_guard lock(write_mu_);  // against a local PutParty of the same party
    KY_ASSIGN_OR_RETURN(auto stored, store_.GetParty(id));
    if (!stored) continue;
    auto facts = policy::ParsePartyFacts(stored->facts_json);
    if (!facts) {
      KY_LOG_ERROR("party {}: stored facts do not parse: {}", id, facts.error().ToString());
      continue;
    }
    authorizer_.PutParty(std::move(*facts));
  }
  return OkStatus();
}

Result<policy::Decision> ProvisioningService::Authorize(const AuthorizeInput& in) const {
  if (in.customer_id.empty()) {
    return Err(InvalidArgumentError("customer_id is required").WithField("/customer_id"));
  }
  if (in.instance_type.empty() == in.accelerator.empty()) {
    return Err(InvalidArgumentError("give exactly one of instance_type and accelerator")
                   .WithField("/instance_type"));
  }
  const std::string& what = in.instance_type.empty() ? in.accelerator : in.instance_type;
  auto hw = compute::ProvisioningHardware(estimator_, what, in.count);
  if (!hw) {
    const std::string field = hw.error().field() == "count" ? "/count"
                              : in.instance_type.empty()    ? "/accelerator"
                                                            : "/instance_type";
    // An unknown instance type is a bad value in the request (422), not a missing resource.
    return Err(InvalidArgumentError(std::string(hw.error().message())).WithField(field));
  }
  policy::Decision d = authorizer_.Authorize(
      policy::AuthorizeRequest{in.customer_id, std::move(*hw), in.region, in.at});
  if (decision_log_) {
    json request = {{"customer_id", in.customer_id}, {"count", in.count}, {"region", in.region}};
    if (!in.instance_type.empty()) request["instance_type"] = in.instance_type;
    if (!in.accelerator.empty()) request["accelerator"] = in.accelerator;
    if (in.at) request["at"] = policy::FormatDate(*in.at);
    decision_log_->Record(storage::DecisionRecord{
        0, d.customer_id, clock_.Now(), std::string(policy::ActionName(d.outcome)), d.policy_id,
        request.dump(-1, ' ', false, json::error_handler_t::replace),
        ReasonsJson(d.reasons).dump(-1, ' ', false, json::error_handler_t::replace)});
  }
  return d;
}

Result<policy::Standing> ProvisioningService::PutParty(const std::string& id,
                                                       std::string_view facts_json) {
  KY_ASSIGN_OR_RETURN(policy::PartyFacts facts, policy::ParsePartyFacts(facts_json));
  if (facts.id != id) {
    return Err(InvalidArgumentError(
                   fmt::format("id '{}' differs from the customer in the path '{}'", facts.id, id))
                   .WithField("/id"));
  }
  return PutParty(std::move(facts));
}

Result<policy::Standing> ProvisioningService::PutParty(policy::PartyFacts facts) {
  const std::string id = facts.id;
  std::string json = policy::PartyFactsJson(facts);
  std::lock_guard lock(write_mu_);
  KY_TRY(store_.PutParty(storage::PartyRecord{id, std::move(json), clock_.Now()}));
  authorizer_.PutParty(std::move(facts));
  auto s = authorizer_.StandingOf(id);
  if (!s) return Err(InternalError("standing missing after an update"));
  return *s;
}

std::optional<policy::Standing> ProvisioningService::StandingOf(const std::string& id) const {
  return authorizer_.StandingOf(id);
}

Result<PublishResult> ProvisioningService::Publish(std::vector<policy::PolicyFile> files,
                                                   const std::string& actor) {
  KY_ASSIGN_OR_RETURN(policy::Policy parsed, policy::Policy::Parse(std::move(files)));
  auto next = std::make_shared<policy::Policy>(std::move(parsed));
  std::lock_guard lock(write_mu_);
  PublishResult out;
  out.policy_id = next->Id();
  KY_ASSIGN_OR_RETURN(out.published, store_.Publish(storage::PolicyVersionRecord{
                                         next->Id(), next->version(), next->hash(),
                                         FilesJson(next->files()), clock_.Now(), actor, 0}));
  std::shared_ptr<const policy::Policy> before = authorizer_.policy();
  if (before->hash() == next->hash()) return out;
  const policy::Date today = policy::Today(clock_);
  out.changes = policy::Reevaluate(*before, *next, authorizer_.Parties(), today);
  authorizer_.SetPolicy(next);
  KY_ASSIGN_OR_RETURN(out.alert_ids, RaiseAlerts(next->Id(), out.changes, actor));
  if (audit_) {
    auto e = audit_->Append({"policy.published", actor,
                             json{{"policy_version", next->Id()},
                                  {"hash", next->hash()},
                                  {"previous", before->Id()},
                                  {"standings_changed", out.changes.size()},
                                  {"alerts", out.alert_ids.size()}}
                                 .dump()});
    if (!e) KY_LOG_ERROR("audit: recording policy {} failed: {}", next->Id(), e.error().ToString());
  }
  KY_LOG_INFO("policy {} in force ({} standings changed, {} alerts)", next->Id(),
              out.changes.size(), out.alert_ids.size());
  return out;
}

Result<PublishResult> ProvisioningService::ReevaluateDates(policy::Date before, policy::Date after,
                                                           const std::string& actor) {
  std::lock_guard lock(write_mu_);
  auto p = authorizer_.policy();
  PublishResult out;
  out.policy_id = p->Id();
  out.changes = policy::ReevaluateDates(*p, authorizer_.Parties(), before, after);
  KY_ASSIGN_OR_RETURN(
      out.alert_ids,
      RaiseAlerts(fmt::format("{}@{}", p->Id(), policy::FormatDate(after)), out.changes, actor));
  return out;
}

Result<std::vector<std::string>> ProvisioningService::RaiseAlerts(
    const std::string& policy_id, const std::vector<policy::StandingChange>& changes,
    const std::string& actor) {
  std::vector<std::string> ids;
  if (!cases_) return ids;
  for (const policy::StandingChange& c : changes) {
    if (c.added.empty()) continue;  // only improvements: nothing for an officer to do
    std::string rules;
    for (const auto& r : c.added) rules += (rules.empty() ? "" : ", ") + r.rule;
    cases::NewAlert a;
    a.source = "policy";
    a.kind = "policy.standing";
    a.severity = c.after == policy::Action::kDeny     ? "high"
                 : c.after == policy::Action::kReview ? "medium"
                                                      : "low";
    a.subject = c.customer_id;
    a.title = fmt::format("Policy {}: {} ({} -> {})", policy_id, rules,
                          policy::ActionName(c.before), policy::ActionName(c.after));
    a.details_json = json{{"policy_id", policy_id},
                          {"before", policy::ActionName(c.before)},
                          {"after", policy::ActionName(c.after)},
                          {"added", ReasonsJson(c.added)},
                          {"removed", ReasonsJson(c.removed)}}
                         .dump();
    a.dedup_key = policy_id;
    KY_ASSIGN_OR_RETURN(auto raised, cases_->RaiseAlert(a, actor));
    ids.push_back(raised.alert.id);
  }
  return ids;
}

std::string DecisionJson(const policy::Decision& d) {
  return json{{"decision", policy::ActionName(d.outcome)},
              {"customer_id", d.customer_id},
              {"reasons", ReasonsJson(d.reasons)},
              {"policy_version", d.policy_id},
              {"date", policy::FormatDate(d.date)},
              {"region_country", d.region_country},
              {"controlled", d.controlled},
              {"classes", d.classes}}
      .dump();
}

std::string StandingJson(const policy::Standing& s) {
  return json{{"customer_id", s.customer_id},
              {"policy_version", s.policy_id},
              {"date", policy::FormatDate(s.date)},
              {"foreign", s.foreign},
              {"any_request", policy::ActionName(s.Worst(false))},
              {"controlled_request", policy::ActionName(s.Worst(true))},
              {"always", ReasonsJson(s.always)},
              {"controlled", ReasonsJson(s.controlled)}}
      .dump();
}

std::string StandingChangeJson(const policy::StandingChange& c) {
  return json{{"customer_id", c.customer_id},
              {"before", policy::ActionName(c.before)},
              {"after", policy::ActionName(c.after)},
              {"added", ReasonsJson(c.added)},
              {"removed", ReasonsJson(c.removed)}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string PolicyJson(const policy::Policy& p, policy::Date at) {
  json regimes = json::array(), groups = json::array(), embargoes = json::array(),
       measures = json::array(), accelerators = json::array();
  for (const auto& r : p.regimes()) {
    regimes.push_back({{"id", r.id},
                       {"title", r.title},
                       {"state", policy::RegimeStateName(r.state)},
                       {"enabled", r.enabled},
                       {"effective", policy::FormatDate(r.effective)},
                       {"status", r.StatusAt(at)},
                       {"applies", r.AppliesAt(at)},
                       {"source", r.source}});
  }
  for (const auto& g : p.groups()) {
    groups.push_back({{"id", g.id},
                      {"name", g.name},
                      {"countries", g.countries},
                      {"source", g.source},
                      {"as_of", policy::FormatDate(g.as_of)}});
  }
  for (const auto& e : p.embargoes()) {
    embargoes.push_back({{"id", e.id},
                         {"country", e.country},
                         {"region", e.region},
                         {"subdivisions", e.subdivisions},
                         {"program", e.program},
                         {"active", e.ActiveAt(at)},
                         {"source", e.source}});
  }
  for (const auto& m : p.special_measures()) {
    measures.push_back({{"id", m.id},
                        {"jurisdiction", m.jurisdiction},
                        {"persons", m.persons},
                        {"action", policy::ActionName(m.action)},
                        {"effective", policy::FormatDate(m.effective)},
                        {"expires", policy::FormatDate(m.expires)},
                        {"active", m.ActiveAt(at)},
                        {"conditions", m.conditions},
                        {"source", m.source}});
  }
  for (const auto& a : p.accelerator_statuses()) {
    accelerators.push_back(
        {{"name", a.name}, {"eccn", a.eccn}, {"controlled", a.Controlled()}, {"source", a.source}});
  }
  return json{{"policy_version", p.Id()},
              {"version", p.version()},
              {"hash", p.hash()},
              {"date", policy::FormatDate(at)},
              {"regimes", std::move(regimes)},
              {"groups", std::move(groups)},
              {"embargoes", std::move(embargoes)},
              {"special_measures", std::move(measures)},
              {"accelerator_status", std::move(accelerators)},
              {"regions", p.regions()}}
      .dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace kycloud::provisioning
