#include "kycloud/storage/sql_usage_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <tuple>

namespace kycloud::storage {

namespace {

constexpr std::string_view kColumns =
    "record_id, account_id, payer_id, organization_id, resource_id, instance_type, accelerator, "
    "chips, start_at, end_at, region, cluster_name, precision_used, method, flop_low, "
    "flop_central, flop_high, flop_upper, peak_bf16, peak_max_dense, peak_sparse, "
    "internode_gbps, source, ingested_at";
constexpr size_t kColumnCount = 24;
// Rows per INSERT statement and accounts per IN list: well under both engines' parameter limits.
constexpr size_t kRowsPerStatement = 40;
constexpr size_t kChunk = 500;

long long Micros(Timestamp t) { return static_cast<long long>(ToUnixMicros(t)); }

void AppendParams(const UsageRow& r, Params& p) {
  p.insert(p.end(), {r.record_id,     r.account_id,
                     r.payer_id,      r.organization_id,
                     r.resource_id,   r.instance_type,
                     r.accelerator,   r.chips,
                     Micros(r.start), Micros(r.end),
                     r.region,        r.cluster,
                     r.precision,     r.method,
                     r.low,           r.central,
                     r.high,          r.upper_bound,
                     r.peak_bf16,     r.peak_max_dense,
                     r.peak_sparse,   Value(r.internode_gbps),
                     r.source,        Micros(r.ingested_at)});
}

UsageRow FromRow(const Row& v) {
  UsageRow r;
  r.record_id = v[0].AsText();
  r.account_id = v[1].AsText();
  r.payer_id = v[2].AsText();
  r.organization_id = v[3].AsText();
  r.resource_id = v[4].AsText();
  r.instance_type = v[5].AsText();
  r.accelerator = v[6].AsText();
  r.chips = v[7].AsReal();
  r.start = FromUnixMicros(v[8].AsInt());
  r.end = FromUnixMicros(v[9].AsInt());
  r.region = v[10].AsText();
  r.cluster = v[11].AsText();
  r.precision = v[12].AsText();
  r.method = v[13].AsText();
  r.low = v[14].AsReal();
  r.central = v[15].AsReal();
  r.high = v[16].AsReal();
  r.upper_bound = v[17].AsReal();
  r.peak_bf16 = v[18].AsReal();
  r.peak_max_dense = v[19].AsReal();
  r.peak_sparse = v[20].AsReal();
  if (!v[21].is_null()) r.internode_gbps = v[21].AsReal();
  r.source = v[22].AsText();
  r.ingested_at = FromUnixMicros(v[23].AsInt());
  return r;
}

// `rows` VALUES tuples of `columns` marks each.
std::string Marks(size_t rows, size_t columns) {
  const std::string one = "(" + Placeholders(columns) + ")";
  std::string out;
  for (size_t i = 0; i < rows; ++i) out += (i ? "," : "") + one;
  return out;
}

// The ids (accounts, resources), sorted and unique, in chunks for IN lists.
std::vector<std::vector<std::string>> AccountChunks(const std::vector<std::string>& accounts) {
  std::vector<std::string> unique = accounts;
  std::sort(unique.begin(), unique.end());
  unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
  std::vector<std::vector<std::string>> out;
  for (size_t at = 0; at < unique.size(); at += kChunk) {
    out.emplace_back(unique.begin() + static_cast<long>(at),
                     unique.begin() + static_cast<long>(std::min(at + kChunk, unique.size())));
  }
  return out;
}

}  // namespace

Result<size_t> SqlUsageStore::Insert(const std::vector<UsageRow>& rows) {
  size_t added = 0;
  std::set<std::tuple<std::string, std::string, std::string>> links;
  for (const UsageRow& r : rows) links.emplace(r.account_id, r.payer_id, r.organization_id);
  KY_TRY(db_.Transact(TxMode::kWrite, [&](Session& s) -> Status {
    added = 0;
    std::map<std::string, std::array<double, 5>> totals;  // records, low, central, high, upper
    for (size_t at = 0; at < rows.size(); at += kRowsPerStatement) {
      const size_t n = std::min(kRowsPerStatement, rows.size() - at);
      Params params;
      params.reserve(n * kColumnCount);
      for (size_t i = 0; i < n; ++i) AppendParams(rows[at + i], params);
      // RETURNING names the rows that were new: only they add to the account totals.
      KY_ASSIGN_OR_RETURN(
          Rows inserted,
          s.Query(fmt::format("INSERT INTO usage_records ({}) VALUES {} "
                              "ON CONFLICT (record_id) DO NOTHING RETURNING account_id, flop_low, "
                              "flop_central, flop_high, flop_upper",
                              kColumns, Marks(n, kColumnCount)),
                  params));
      added += inserted.rows.size();
      for (const Row& r : inserted.rows) {
        auto& t = totals[r[0].AsText()];
        t[0] += 1;
        for (size_t k = 1; k < 5; ++k) t[k] += r[k].AsReal();
      }
    }
    for (const auto& [account, t] : totals) {
      KY_TRY(s.Execute(
          "INSERT INTO usage_account_totals (account_id, records, flop_low, flop_central, "
          "flop_high, flop_upper) VALUES (?,?,?,?,?,?) ON CONFLICT (account_id) DO UPDATE SET "
          "records = usage_account_totals.records + excluded.records, "
          "flop_low = usage_account_totals.flop_low + excluded.flop_low, "
          "flop_central = usage_account_totals.flop_central + excluded.flop_central, "
          "flop_high = usage_account_totals.flop_high + excluded.flop_high, "
          "flop_upper = usage_account_totals.flop_upper + excluded.flop_upper",
          {account, static_cast<long long>(t[0]), t[1], t[2], t[3], t[4]}));
    }
    for (const auto& [a, p, o] : links) {
      KY_TRY(
          s.Execute("INSERT INTO usage_account_links (account_id, payer_id, organization_id) "
                    "VALUES (?,?,?) ON CONFLICT (account_id, payer_id, organization_id) DO NOTHING",
                    {a, p, o}));
    }
    return OkStatus();
  }));
  return added;
}

Result<std::vector<UsageRow>> SqlUsageStore::ForAccounts(const std::vector<std::string>& accounts,
                                                         std::optional<Timestamp> since) {
  std::vector<UsageRow> out;
  for (const auto& chunk : AccountChunks(accounts)) {
    Params params(chunk.begin(), chunk.end());
    std::string sql = fmt::format("SELECT {} FROM usage_records WHERE account_id IN ({})", kColumns,
                                  Placeholders(chunk.size()));
    if (since) {
      sql += " AND end_at > ?";
      params.push_back(Micros(*since));
    }
    KY_ASSIGN_OR_RETURN(Rows rows, QueryOnce(db_, sql, params));
    for (const Row& r : rows.rows) out.push_back(FromRow(r));
  }
  std::sort(out.begin(), out.end(), [](const UsageRow& a, const UsageRow& b) {
    return std::tie(a.start, a.record_id) < std::tie(b.start, b.record_id);
  });
  return out;
}

Result<std::map<std::string, double>> SqlUsageStore::Totals(
    const std::vector<std::string>& accounts, UsageFigure figure) {
  const char* column = figure == UsageFigure::kLow       ? "flop_low"
                       : figure == UsageFigure::kCentral ? "flop_central"
                       : figure == UsageFigure::kHigh    ? "flop_high"
                                                         : "flop_upper";
  std::map<std::string, double> out;
  for (const auto& chunk : AccountChunks(accounts)) {
    Params params(chunk.begin(), chunk.end());
    KY_ASSIGN_OR_RETURN(
        Rows rows,
        QueryOnce(db_,
                  fmt::format("SELECT account_id, {} FROM usage_account_totals WHERE account_id "
                              "IN ({})",
                              column, Placeholders(chunk.size())),
                  params));
    for (const Row& r : rows.rows) out[r[0].AsText()] = r[1].AsReal();
  }
  return out;
}

Result<std::vector<AccountLink>> SqlUsageStore::AccountLinks() {
  KY_ASSIGN_OR_RETURN(Rows rows, QueryOnce(db_,
                                           "SELECT account_id, payer_id, organization_id FROM "
                                           "usage_account_links ORDER BY account_id, payer_id, "
                                           "organization_id"));
  std::vector<AccountLink> out;
  for (const Row& r : rows.rows) out.push_back({r[0].AsText(), r[1].AsText(), r[2].AsText()});
  return out;
}

Result<std::vector<std::string>> SqlUsageStore::Accounts() {
  KY_ASSIGN_OR_RETURN(
      Rows rows,
      QueryOnce(db_, "SELECT DISTINCT account_id FROM usage_account_links ORDER BY account_id"));
  std::vector<std::string> out;
  for (const Row& r : rows.rows) out.push_back(r[0].AsText());
  return out;
}

Result<size_t> SqlUsageStore::CountRecords() {
  KY_ASSIGN_OR_RETURN(Rows rows, QueryOnce(db_, "SELECT COUNT(*) FROM usage_records"));
  return static_cast<size_t>(rows[0][0].AsInt());
}

Status SqlUsageStore::InsertTelemetry(const std::vector<TelemetryRow>& rows) {
  return db_.Transact(TxMode::kWrite, [&](Session& s) -> Status {
    for (const TelemetryRow& r : rows) {
      KY_TRY(s.Execute("DELETE FROM usage_telemetry WHERE resource_id = ? AND gpu = ? AND at = ?",
                       {r.resource_id, r.gpu, Micros(r.at)}));
      KY_TRY(s.Execute(
          "INSERT INTO usage_telemetry (resource_id, gpu, at, tensor_active, gpu_util) "
          "VALUES (?,?,?,?,?)",
          {r.resource_id, r.gpu, Micros(r.at), Value(r.tensor_active), Value(r.gpu_util)}));
    }
    return OkStatus();
  });
}

Result<std::vector<TelemetryRow>> SqlUsageStore::Telemetry(
    const std::vector<std::string>& resources, Timestamp from, Timestamp to) {
  std::vector<TelemetryRow> out;
  for (const auto& chunk : AccountChunks(resources)) {
    Params params(chunk.begin(), chunk.end());
    params.push_back(Micros(from));
    params.push_back(Micros(to));
    KY_ASSIGN_OR_RETURN(
        Rows rows,
        QueryOnce(db_,
                  fmt::format("SELECT resource_id, gpu, at, tensor_active, gpu_util FROM "
                              "usage_telemetry WHERE resource_id IN ({}) AND at >= ? AND at <= ? "
                              "ORDER BY resource_id, at, gpu",
                              Placeholders(chunk.size())),
                  params));
    for (const Row& r : rows.rows) {
      TelemetryRow t{r[0].AsText(), r[1].AsText(), FromUnixMicros(r[2].AsInt()), {}, {}};
      if (!r[3].is_null()) t.tensor_active = r[3].AsReal();
      if (!r[4].is_null()) t.gpu_util = r[4].AsReal();
      out.push_back(std::move(t));
    }
  }
  std::sort(out.begin(), out.end(), [](const TelemetryRow& a, const TelemetryRow& b) {
    return std::tie(a.resource_id, a.at, a.gpu) < std::tie(b.resource_id, b.at, b.gpu);
  });
  return out;
}

Status SqlUsageStore::SetBio(const std::string& account_id, bool bio) {
  return db_.Transact(TxMode::kWrite, [&](Session& s) -> Status {
    KY_TRY(s.Execute("DELETE FROM compute_account_flags WHERE account_id = ?", {account_id}));
    if (bio) {
      KY_TRY(s.Execute("INSERT INTO compute_account_flags (account_id, bio) VALUES (?, 1)",
                       {account_id}));
    }
    return OkStatus();
  });
}

Result<bool> SqlUsageStore::IsBio(const std::string& account_id) {
  KY_ASSIGN_OR_RETURN(Rows rows, QueryOnce(db_,
                                           "SELECT bio FROM compute_account_flags WHERE "
                                           "account_id = ?",
                                           {account_id}));
  return !rows.rows.empty() && rows[0][0].AsInt() != 0;
}

Result<std::set<std::string>> SqlUsageStore::BioAmong(const std::vector<std::string>& accounts) {
  std::set<std::string> out;
  for (const auto& chunk : AccountChunks(accounts)) {
    Params params(chunk.begin(), chunk.end());
    KY_ASSIGN_OR_RETURN(Rows rows,
                        QueryOnce(db_,
                                  fmt::format("SELECT account_id FROM compute_account_flags WHERE "
                                              "bio <> 0 AND account_id IN ({})",
                                              Placeholders(chunk.size())),
                                  params));
    for (const Row& r : rows.rows) out.insert(r[0].AsText());
  }
  return out;
}

Result<bool> SqlUsageStore::AddCrossing(const TierCrossingRow& c) {
  KY_ASSIGN_OR_RETURN(
      std::int64_t changed,
      ExecuteOnce(db_,
                  "INSERT INTO compute_tier_crossings (subject, tier, threshold_ops, measure, "
                  "estimate, policy_version, crossed_at, alert_id, report_id) VALUES "
                  "(?,?,?,?,?,?,?,?,?) ON CONFLICT (subject, tier) DO NOTHING",
                  {c.subject, c.tier, c.threshold_ops, c.measure, c.estimate, c.policy_version,
                   Micros(c.crossed_at), c.alert_id, c.report_id}));
  return changed == 1;
}

Status SqlUsageStore::SetCrossingRefs(const std::string& subject, const std::string& tier,
                                      const std::string& alert_id, const std::string& report_id) {
  KY_ASSIGN_OR_RETURN(std::int64_t changed,
                      ExecuteOnce(db_,
                                  "UPDATE compute_tier_crossings SET alert_id = ?, report_id = ? "
                                  "WHERE subject = ? AND tier = ?",
                                  {alert_id, report_id, subject, tier}));
  if (changed == 0) return NotFoundError("no crossing of " + tier + " by " + subject);
  return OkStatus();
}

Result<std::vector<TierCrossingRow>> SqlUsageStore::Crossings(const std::string& subject) {
  KY_ASSIGN_OR_RETURN(
      Rows rows, QueryOnce(db_,
                           "SELECT subject, tier, threshold_ops, measure, estimate, "
                           "policy_version, crossed_at, alert_id, report_id FROM "
                           "compute_tier_crossings WHERE subject = ? ORDER BY threshold_ops, tier",
                           {subject}));
  std::vector<TierCrossingRow> out;
  for (const Row& r : rows.rows) {
    out.push_back({r[0].AsText(), r[1].AsText(), r[2].AsReal(), r[3].AsReal(), r[4].AsText(),
                   r[5].AsText(), FromUnixMicros(r[6].AsInt()), r[7].AsText(), r[8].AsText()});
  }
  return out;
}

}  // namespace kycloud::storage
