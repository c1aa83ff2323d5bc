#include "kycloud/metering/usage_ledger.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>

#include "kycloud/metering/compute_json.h"

namespace kycloud::metering {

namespace {

using nlohmann::json;

std::string Severity(double fraction) {
  if (fraction >= 1.0) return "critical";
  if (fraction >= 0.5) return "high";
  if (fraction >= 0.1) return "medium";
  return "low";
}

// "account:acct-1" -> "acct-1".
std::string SubjectId(const std::string& subject) { return subject.substr(subject.find(':') + 1); }

storage::UsageFigure Figure(compute::EstimateKind k) {
  switch (k) {
    case compute::EstimateKind::kLow:
      return storage::UsageFigure::kLow;
    case compute::EstimateKind::kCentral:
      return storage::UsageFigure::kCentral;
    case compute::EstimateKind::kHigh:
      return storage::UsageFigure::kHigh;
    case compute::EstimateKind::kUpperBound:
      return storage::UsageFigure::kUpperBound;
  }
  return storage::UsageFigure::kHigh;
}

const compute::TrainingRun* LargestRun(const std::vector<compute::TrainingRun>& runs,
                                       compute::EstimateKind kind) {
  const compute::TrainingRun* best = nullptr;
  for (const auto& r : runs) {
    if (!best || r.Estimate(kind) > best->Estimate(kind)) best = &r;
  }
  return best;
}

}  // namespace

storage::UsageRow ToRow(const compute::MeteredUsage& m, Timestamp ingested_at) {
  storage::UsageRow r;
  r.record_id = m.record_id;
  r.account_id = m.account_id;
  r.payer_id = m.payer_id;
  r.organization_id = m.organization_id;
  r.resource_id = m.resource_id;
  r.instance_type = m.instance_type;
  r.accelerator = m.accelerator;
  r.chips = m.chips;
  r.start = m.start;
  r.end = m.end;
  r.region = m.region;
  r.cluster = m.cluster;
  r.precision = m.precision;
  r.method = m.method;
  r.low = m.low;
  r.central = m.central;
  r.high = m.high;
  r.upper_bound = m.upper_bound;
  r.peak_bf16 = m.peak_bf16;
  r.peak_max_dense = m.peak_max_dense;
  r.peak_sparse = m.peak_sparse;
  r.internode_gbps = m.internode_gbps;
  r.source = m.source;
  r.ingested_at = ingested_at;
  return r;
}

compute::MeteredUsage FromRow(const storage::UsageRow& r) {
  compute::MeteredUsage m;
  m.record_id = r.record_id;
  m.account_id = r.account_id;
  m.payer_id = r.payer_id;
  m.organization_id = r.organization_id;
  m.resource_id = r.resource_id;
  m.instance_type = r.instance_type;
  m.accelerator = r.accelerator;
  m.chips = r.chips;
  m.start = r.start;
  m.end = r.end;
  m.region = r.region;
  m.cluster = r.cluster;
  m.precision = r.precision;
  m.method = r.method;
  m.low = r.low;
  m.central = r.central;
  m.high = r.high;
  m.upper_bound = r.upper_bound;
  m.peak_bf16 = r.peak_bf16;
  m.peak_max_dense = r.peak_max_dense;
  m.peak_sparse = r.peak_sparse;
  m.internode_gbps = r.internode_gbps;
  m.source = r.source;
  return m;
}

UsageLedger::UsageLedger(storage::UsageStore& store, cases::CaseManager* cases,
                         cases::ReportManager* reports, const compute::Estimator& estimator,
                         const compute::ComputePolicy& policy, const Clock& clock,
                         LedgerOptions options)
    : store_(store),
      cases_(cases),
      reports_(reports),
      estimator_(estimator),
      policy_(policy),
      clock_(clock),
      options_(std::move(options)) {}

Result<ApplyResult> UsageLedger::Apply(const std::vector<compute::UsageRecord>& records,
                                       const std::string& actor) {
  ApplyResult res;
  res.received = records.size();
  const Timestamp now = clock_.Now();
  std::vector<storage::UsageRow> rows;
  rows.reserve(records.size());
  std::map<std::string, Timestamp> earliest;  // account -> earliest start in the batch
  KY_ASSIGN_OR_RETURN(const std::vector<compute::UsageRecord> with_telemetry,
                      WithTelemetry(records));
  const auto& refined = with_telemetry.empty() ? records : with_telemetry;
  for (size_t i = 0; i < refined.size(); ++i) {
    auto m = compute::Meter(refined[i], estimator_);
    if (!m) {
      res.errors.push_back({i, records[i].record_id, m.error()});
      continue;
    }
    auto [it, inserted] = earliest.emplace(m->account_id, m->start);
    if (!inserted) it->second = std::min(it->second, m->start);
    rows.push_back(ToRow(*m, now));
  }
  if (rows.empty()) return res;
  KY_ASSIGN_OR_RETURN(res.accepted, store_.Insert(rows));
  res.duplicates = rows.size() - res.accepted;

  // Every account of the batch (new or replayed: a replay repairs an interrupted check) and
  // its group, from the earliest new usage less the longest window.
  KY_ASSIGN_OR_RETURN(auto links, Links());
  AccountGroups groups(links, options_.max_accounts_per_value);
  const auto back = std::chrono::days(policy_.windows_days.back());
  std::map<std::string, std::pair<std::vector<std::string>, Timestamp>> subjects;
  auto add = [&](const std::string& subject, const std::vector<std::string>& accounts,
                 Timestamp since) {
    auto [it, inserted] = subjects.emplace(subject, std::pair(accounts, since));
    if (!inserted) it->second.second = std::min(it->second.second, since);
  };
  for (const auto& [account, start] : earliest) {
    add("account:" + account, {account}, start - back);
    const std::string g = groups.GroupOf(account);
    if (!g.empty()) add("group:" + g, groups.Members(g), start - back);
  }
  // A cheap bound first: a subject's all-time total (kept per account by the store) is at least
  // any window or run the check could find; most subjects stay below every tier.
  std::vector<std::string> all;
  for (const auto& [subject, what] : subjects) {
    all.insert(all.end(), what.first.begin(), what.first.end());
  }
  KY_ASSIGN_OR_RETURN(auto sums, store_.Totals(all, Figure(policy_.estimate)));
  KY_ASSIGN_OR_RETURN(auto bio, store_.BioAmong(all));
  for (const auto& [subject, what] : subjects) {
    double bound = 0;
    bool any_bio = false;
    for (const auto& a : what.first) {
      if (auto it = sums.find(a); it != sums.end()) bound += it->second;
      any_bio = any_bio || bio.contains(a);
    }
    if (compute::ReachedTiers(bound, policy_, any_bio).empty()) continue;
    KY_TRY(CheckSubject(subject, what.first, what.second, bound, groups, actor, res.crossings));
  }
  return res;
}

Result<std::vector<compute::UsageRecord>> UsageLedger::WithTelemetry(
    const std::vector<compute::UsageRecord>& records) {
  std::vector<std::string> resources;
  Timestamp from = Timestamp::max(), to = Timestamp::min();
  for (const auto& r : records) {
    if (r.resource_id.empty() || r.tensor_active || r.utilization) continue;
    resources.push_back(r.resource_id);
    from = std::min(from, r.start);
    to = std::max(to, r.end);
  }
  if (resources.empty()) return std::vector<compute::UsageRecord>();
  KY_ASSIGN_OR_RETURN(auto samples, store_.Telemetry(resources, from, to));
  if (samples.empty()) return std::vector<compute::UsageRecord>();
  std::vector<compute::UsageRecord> out = records;
  std::map<std::string, std::vector<const storage::TelemetryRow*>> by_resource;
  for (const auto& s : samples) {
    if (s.tensor_active) by_resource[s.resource_id].push_back(&s);
  }
  for (auto& r : out) {
    if (r.resource_id.empty() || r.tensor_active || r.utilization) continue;
    auto it = by_resource.find(r.resource_id);
    if (it == by_resource.end()) continue;
    double sum = 0;
    size_t n = 0;
    for (const auto* s : it->second) {
      if (s->at < r.start || s->at > r.end) continue;
      sum += *s->tensor_active;
      ++n;
    }
    if (n > 0) r.tensor_active = std::clamp(sum / static_cast<double>(n), 0.0, 1.0);
  }
  return out;
}

Result<size_t> UsageLedger::ApplyTelemetry(const std::vector<compute::TelemetrySample>& samples) {
  const Timestamp now = clock_.Now();
  std::vector<storage::TelemetryRow> rows;
  rows.reserve(samples.size());
  for (const auto& s : samples) {
    if (s.resource_id.empty() || (!s.tensor_active && !s.gpu_util)) continue;
    rows.push_back({s.resource_id, s.gpu, s.at.value_or(now), s.tensor_active, s.gpu_util});
  }
  if (!rows.empty()) KY_TRY(store_.InsertTelemetry(rows));
  return rows.size();
}

Result<SubjectCompute> UsageLedger::Evaluate(const std::string& subject,
                                             const std::vector<std::string>& accounts,
                                             std::optional<Timestamp> since, bool full) {
  KY_ASSIGN_OR_RETURN(auto rows, store_.ForAccounts(accounts, since));
  std::vector<compute::MeteredUsage> usage;
  usage.reserve(rows.size());
  for (const auto& r : rows) usage.push_back(FromRow(r));
  SubjectCompute c;
  c.subject = subject;
  c.accounts = accounts;
  const std::string owner = SubjectId(subject);
  c.runs = compute::SegmentRuns(usage, policy_.run_gap_hours, policy_,
                                [&owner](const compute::MeteredUsage&) { return owner; });
  for (int days : policy_.windows_days) {
    compute::WindowTotals w;
    w.days = days;
    w.totals.low = compute::MaxWindowTotal(usage, days, compute::EstimateKind::kLow);
    w.totals.central = compute::MaxWindowTotal(usage, days, compute::EstimateKind::kCentral);
    w.totals.high = compute::MaxWindowTotal(usage, days, compute::EstimateKind::kHigh);
    w.totals.upper_bound = compute::MaxWindowTotal(usage, days, compute::EstimateKind::kUpperBound);
    c.busiest.push_back(w);
  }
  c.measure = c.busiest.empty() ? 0 : c.busiest.back().totals.Get(policy_.estimate);
  if (const auto* run = LargestRun(c.runs, policy_.estimate)) {
    c.measure = std::max(c.measure, run->Estimate(policy_.estimate));
  }
  if (full) {
    c.totals = compute::RollUp(usage, clock_.Now(), policy_.windows_days);
    c.series = compute::DailySeries(usage);
    KY_ASSIGN_OR_RETURN(c.crossings, store_.Crossings(subject));
  }
  return c;
}

Status UsageLedger::CheckSubject(const std::string& subject,
                                 const std::vector<std::string>& accounts, Timestamp since,
                                 double bound, const AccountGroups& groups,
                                 const std::string& actor, std::vector<TierEvent>& out) {
  KY_ASSIGN_OR_RETURN(auto bio_accounts, store_.BioAmong(accounts));
  const bool bio = !bio_accounts.empty();
  KY_ASSIGN_OR_RETURN(auto existing, store_.Crossings(subject));
  // Nothing to do when every tier the bound allows is recorded and alerted already.
  bool pending = false;
  for (const compute::Tier& t : compute::ReachedTiers(bound, policy_, bio)) {
    auto it = std::find_if(existing.begin(), existing.end(),
                           [&](const storage::TierCrossingRow& x) { return x.tier == t.name; });
    pending = pending || it == existing.end() || (it->alert_id.empty() && cases_);
  }
  if (!pending) return OkStatus();
  KY_ASSIGN_OR_RETURN(SubjectCompute c, Evaluate(subject, accounts, since, false));
  const auto reached = compute::ReachedTiers(c.measure, policy_, bio);
  if (reached.empty()) return OkStatus();
  const Timestamp now = clock_.Now();
  for (const compute::Tier& tier : reached) {
    auto find = [&]() -> std::optional<storage::TierCrossingRow> {
      for (const auto& x : existing) {
        if (x.tier == tier.name) return x;
      }
      return std::nullopt;
    };
    auto row = find();
    bool is_new = false;
    if (!row) {
      storage::TierCrossingRow x{subject,
                                 tier.name,
                                 tier.threshold_ops,
                                 c.measure,
                                 std::string(compute::EstimateKindName(policy_.estimate)),
                                 policy_.version,
                                 now,
                                 "",
                                 ""};
      KY_ASSIGN_OR_RETURN(is_new, store_.AddCrossing(x));
      if (!is_new) {  // another writer recorded it first
        KY_ASSIGN_OR_RETURN(existing, store_.Crossings(subject));
        row = find();
      }
      if (!row) row = x;
    }
    // Done already, or nothing to raise it with.
    if (!is_new && (!row->alert_id.empty() || !cases_)) continue;
    TierEvent ev{subject, tier.name, c.measure, row->alert_id, row->report_id};
    const std::string group = subject.starts_with("group:") ? SubjectId(subject) : "";
    const compute::TrainingRun* run = LargestRun(c.runs, policy_.estimate);
    if (cases_) {
      json details = {{"tier", tier.name},
                      {"fraction", tier.fraction},
                      {"bio", tier.bio},
                      {"threshold_ops", tier.threshold_ops},
                      {"measure_ops", c.measure},
                      {"estimate", compute::EstimateKindName(policy_.estimate)},
                      {"window_days", policy_.windows_days.back()},
                      {"policy_version", policy_.version},
                      {"accounts", accounts},
                      {"largest_run", run ? RunJson(*run) : json(nullptr)}};
      if (!group.empty()) details["group_evidence"] = groups.Evidence(group);
      cases::NewAlert alert{
          "compute",
          "compute.tier",
          Severity(tier.fraction),
          SubjectId(subject),
          fmt::format("{} reached the {} tier of {:.3g} operations ({} estimate {:.3g})", subject,
                      tier.name, tier.bio ? policy_.bio_threshold_ops : policy_.threshold_ops,
                      compute::EstimateKindName(policy_.estimate), c.measure),
          details.dump(-1, ' ', false, json::error_handler_t::replace),
          subject + "|" + tier.name};
      KY_ASSIGN_OR_RETURN(auto raised, cases_->RaiseAlert(alert, actor));
      ev.alert_id = raised.alert.id;
    }
    if (tier.fraction >= 1.0 && ev.report_id.empty() && reports_) {
      bool report = false;
      for (const auto& a : accounts) {
        const std::optional<bool> foreign =
            options_.is_foreign ? options_.is_foreign(a) : std::nullopt;
        report = report || foreign.value_or(true);
      }
      if (report) {
        KY_ASSIGN_OR_RETURN(ev.report_id, DraftReport(subject, accounts, c, tier, actor));
      }
    }
    KY_TRY(store_.SetCrossingRefs(subject, tier.name, ev.alert_id, ev.report_id));
    out.push_back(std::move(ev));
  }
  return OkStatus();
}

Result<std::string> UsageLedger::DraftReport(const std::string& subject,
                                             const std::vector<std::string>& accounts,
                                             const SubjectCompute& c, const compute::Tier& tier,
                                             const std::string& actor) {
  const Timestamp now = clock_.Now();
  const compute::TrainingRun* run = LargestRun(c.runs, policy_.estimate);
  std::vector<compute::TrainingRun> top = c.runs;
  std::sort(top.begin(), top.end(), [&](const auto& a, const auto& b) {
    return a.Estimate(policy_.estimate) > b.Estimate(policy_.estimate);
  });
  if (top.size() > 20) top.resize(20);
  json runs = json::array();
  for (const auto& r : top) runs.push_back(RunJson(r));
  std::optional<bool> foreign;
  if (accounts.size() == 1 && options_.is_foreign) foreign = options_.is_foreign(accounts[0]);
  const compute::WindowTotals& busiest = c.busiest.back();
  json content = {
      {"customer",
       {{"id", SubjectId(subject)},
        {"accounts", accounts},
        {"name", nullptr},
        {"country", nullptr},
        {"foreign", foreign ? json(*foreign) : json(nullptr)},
        {"identification",
         "account ids until the CIP record exists; complete name and "
         "country from the customer's CIP record"}}},
      {"run",
       {{"first_seen", run ? FormatRfc3339(run->start) : ""},
        {"last_seen", run ? FormatRfc3339(run->end) : ""},
        {"estimated_operations",
         {{"low_p5", run ? run->low : 0},
          {"central_p50", run ? run->central : 0},
          {"high_p95", run ? run->high : 0},
          {"upper_bound", run ? run->upper_bound : 0}}},
        {"busiest_window",
         {{"days", busiest.days},
          {"low_p5", busiest.totals.low},
          {"central_p50", busiest.totals.central},
          {"high_p95", busiest.totals.high},
          {"upper_bound", busiest.totals.upper_bound}}},
        {"method",
         "Epoch AI hardware method: chips x dense peak x time x utilisation; utilisation from "
         "a prior fitted on Epoch's training runs (P5/P50/P95), or declared or measured "
         "(DCGM) where the usage carries it; upper bound at 100% of the fastest dense "
         "precision (docs/compute-estimation.md)"},
        {"runs", runs}}},
      {"cluster",
       {{"accelerator", run ? run->accelerator : ""},
        {"count", run ? run->cluster.max_concurrent_chips : 0},
        {"location", run ? run->location : ""},
        {"test", run ? run->cluster.result : "unknown"},
        {"reason", run ? run->cluster.reason : ""}}},
      {"threshold",
       {{"tier", tier.name},
        {"threshold_ops", tier.bio ? policy_.bio_threshold_ops : policy_.threshold_ops},
        {"measure_ops", c.measure},
        {"estimate", compute::EstimateKindName(policy_.estimate)},
        {"policy_version", policy_.version},
        {"policy_state", policy_.state}}},
      {"knowledge_date", FormatRfc3339(now).substr(0, 10)},
      {"provider_contact", nullptr}};
  cases::NewReport r;
  r.kind = "training_run";
  r.subject = SubjectId(subject);
  r.title = fmt::format("Large AI training run: {} ({} tier)", subject, tier.name);
  r.content_json = content.dump(-1, ' ', false, json::error_handler_t::replace);
  r.due_at = now + std::chrono::days(policy_.report_due_days);
  KY_ASSIGN_OR_RETURN(auto created, reports_->Create(r, actor));
  return created.id;
}

Result<std::vector<storage::AccountLink>> UsageLedger::Links() {
  KY_ASSIGN_OR_RETURN(auto links, store_.AccountLinks());
  if (options_.linked_groups) {
    std::vector<storage::AccountLink> linked = options_.linked_groups();
    links.insert(links.end(), std::make_move_iterator(linked.begin()),
                 std::make_move_iterator(linked.end()));
  }
  return links;
}

Status UsageLedger::SetBio(const std::string& account, bool bio, const std::string& actor) {
  KY_TRY(store_.SetBio(account, bio));
  if (!bio) return OkStatus();
  KY_ASSIGN_OR_RETURN(auto links, Links());
  AccountGroups groups(links, options_.max_accounts_per_value);
  std::vector<TierEvent> events;
  const Timestamp epoch = FromUnixMicros(0);
  const double any = std::numeric_limits<double>::infinity();
  KY_TRY(CheckSubject("account:" + account, {account}, epoch, any, groups, actor, events));
  const std::string g = groups.GroupOf(account);
  if (!g.empty()) {
    KY_TRY(CheckSubject("group:" + g, groups.Members(g), epoch, any, groups, actor, events));
  }
  return OkStatus();
}

Result<AccountCompute> UsageLedger::Compute(const std::string& account) {
  AccountCompute out;
  out.account = account;
  KY_ASSIGN_OR_RETURN(out.own, Evaluate("account:" + account, {account}, std::nullopt, true));
  if (out.own.totals.all_time.records == 0) {
    return Err(NotFoundError(fmt::format("account '{}' has no usage", account)));
  }
  KY_ASSIGN_OR_RETURN(out.bio, store_.IsBio(account));
  if (options_.is_foreign) out.foreign = options_.is_foreign(account);
  KY_ASSIGN_OR_RETURN(auto links, Links());
  AccountGroups groups(links, options_.max_accounts_per_value);
  const std::string g = groups.GroupOf(account);
  if (!g.empty()) {
    KY_ASSIGN_OR_RETURN(auto group, Evaluate("group:" + g, groups.Members(g), std::nullopt, true));
    out.group = std::move(group);
    out.group_evidence = groups.Evidence(g);
  }
  out.tiers = compute::Tiers(policy_, out.bio);
  return out;
}

}  // namespace kycloud::metering
