// kycloud's database schema, as migrations. Append only: add a new migration, never edit one
// that has been released (Migrate() checks the checksums).
#include "kycloud/storage/migrations.h"

namespace kycloud::storage {
namespace {

constexpr Migration kMigrations[] = {
    {1, "api keys and settings", R"sql(
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  role TEXT NOT NULL,
  secret_hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX api_keys_created ON api_keys (created_at, id);
)sql"},
    {2, "screening dispositions", R"sql(
CREATE TABLE screening_dispositions (
  subject TEXT NOT NULL,
  list TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  entity_fingerprint TEXT NOT NULL,
  decision TEXT NOT NULL,
  reason TEXT NOT NULL,
  decided_by TEXT NOT NULL,
  decided_at BIGINT NOT NULL,
  PRIMARY KEY (subject, list, entity_id)
);
)sql"},
    {3, "audit log", R"sql(
CREATE TABLE audit_entries (
  idx BIGINT PRIMARY KEY,
  created_at BIGINT NOT NULL,
  kind TEXT NOT NULL,
  entry TEXT NOT NULL,
  leaf_hash {blob} NOT NULL,
  leaf_key BIGINT NOT NULL
);
CREATE INDEX audit_entries_kind ON audit_entries (kind, idx);
CREATE INDEX audit_entries_leaf ON audit_entries (leaf_key);
CREATE TABLE audit_nodes (
  level INTEGER NOT NULL,
  idx BIGINT NOT NULL,
  hash {blob} NOT NULL,
  PRIMARY KEY (level, idx)
);
CREATE TABLE audit_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  size BIGINT NOT NULL
);
INSERT INTO audit_head (id, size) VALUES (1, 0);
CREATE TABLE audit_checkpoints (
  size BIGINT PRIMARY KEY,
  root {blob} NOT NULL,
  created_at BIGINT NOT NULL,
  note TEXT NOT NULL
);
)sql"},
    {4, "alerts, cases and reports", R"sql(
CREATE TABLE cases (
  id TEXT PRIMARY KEY,
  subject TEXT NOT NULL,
  title TEXT NOT NULL,
  status TEXT NOT NULL,
  severity TEXT NOT NULL,
  queue TEXT NOT NULL,
  assignee TEXT,
  opened_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  due_at BIGINT NOT NULL,
  resolution TEXT,
  closed_at BIGINT,
  pending_resolution TEXT,
  pending_by TEXT,
  approval_required INTEGER NOT NULL,
  version BIGINT NOT NULL,
  events BIGINT NOT NULL
);
CREATE UNIQUE INDEX cases_open_subject ON cases (subject) WHERE status <> 'closed';
CREATE INDEX cases_subject ON cases (subject, created_at);
CREATE INDEX cases_queue ON cases (status, queue, due_at);
CREATE INDEX cases_due ON cases (due_at, id);
CREATE TABLE alerts (
  id TEXT PRIMARY KEY,
  source TEXT NOT NULL,
  kind TEXT NOT NULL,
  severity TEXT NOT NULL,
  subject TEXT NOT NULL,
  dedup_key TEXT NOT NULL,
  title TEXT NOT NULL,
  details TEXT NOT NULL,
  case_id TEXT NOT NULL,
  status TEXT NOT NULL,
  resolution TEXT,
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  closed_at BIGINT,
  occurrences BIGINT NOT NULL
);
CREATE UNIQUE INDEX alerts_open_key ON alerts (dedup_key) WHERE status = 'open';
CREATE INDEX alerts_key ON alerts (dedup_key, created_at);
CREATE INDEX alerts_case ON alerts (case_id);
CREATE INDEX alerts_created ON alerts (created_at, id);
CREATE TABLE case_events (
  case_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  type TEXT NOT NULL,
  actor TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  data TEXT NOT NULL,
  audit_index BIGINT,
  PRIMARY KEY (case_id, seq)
);
CREATE INDEX case_events_outbox ON case_events (created_at) WHERE audit_index IS NULL;
CREATE TABLE evidence_files (
  sha256 TEXT PRIMARY KEY,
  media_type TEXT NOT NULL,
  size BIGINT NOT NULL,
  content {blob} NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE reports (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  subject TEXT NOT NULL,
  title TEXT NOT NULL,
  status TEXT NOT NULL,
  content TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  due_at BIGINT,
  completed_by TEXT,
  completed_at BIGINT,
  approved_by TEXT,
  approved_at BIGINT,
  filed_by TEXT,
  filed_at BIGINT,
  frozen TEXT,
  notes TEXT NOT NULL,
  version BIGINT NOT NULL
);
CREATE INDEX reports_created ON reports (created_at, id);
)sql"},
    {5, "compute usage and threshold crossings", R"sql(
CREATE TABLE usage_records (
  record_id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL,
  payer_id TEXT NOT NULL,
  organization_id TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  instance_type TEXT NOT NULL,
  accelerator TEXT NOT NULL,
  chips {double} NOT NULL,
  start_at BIGINT NOT NULL,
  end_at BIGINT NOT NULL,
  region TEXT NOT NULL,
  cluster_name TEXT NOT NULL,
  precision_used TEXT NOT NULL,
  method TEXT NOT NULL,
  flop_low {double} NOT NULL,
  flop_central {double} NOT NULL,
  flop_high {double} NOT NULL,
  flop_upper {double} NOT NULL,
  peak_bf16 {double} NOT NULL,
  peak_max_dense {double} NOT NULL,
  peak_sparse {double} NOT NULL,
  internode_gbps {double},
  source TEXT NOT NULL,
  ingested_at BIGINT NOT NULL
);
CREATE INDEX usage_records_account ON usage_records (account_id, end_at);
CREATE TABLE usage_account_links (
  account_id TEXT NOT NULL,
  payer_id TEXT NOT NULL,
  organization_id TEXT NOT NULL,
  PRIMARY KEY (account_id, payer_id, organization_id)
);
CREATE TABLE compute_account_flags (
  account_id TEXT PRIMARY KEY,
  bio BIGINT NOT NULL
);
CREATE TABLE compute_tier_crossings (
  subject TEXT NOT NULL,
  tier TEXT NOT NULL,
  threshold_ops {double} NOT NULL,
  measure {double} NOT NULL,
  estimate TEXT NOT NULL,
  policy_version TEXT NOT NULL,
  crossed_at BIGINT NOT NULL,
  alert_id TEXT NOT NULL,
  report_id TEXT NOT NULL,
  PRIMARY KEY (subject, tier)
);
CREATE TABLE usage_account_totals (
  account_id TEXT PRIMARY KEY,
  records BIGINT NOT NULL,
  flop_low {double} NOT NULL,
  flop_central {double} NOT NULL,
  flop_high {double} NOT NULL,
  flop_upper {double} NOT NULL
);
CREATE TABLE usage_telemetry (
  resource_id TEXT NOT NULL,
  gpu TEXT NOT NULL,
  at BIGINT NOT NULL,
  tensor_active {double},
  gpu_util {double},
  PRIMARY KEY (resource_id, at, gpu)
);
)sql"},
    {6, "policy versions, parties' policy facts, authorization decisions", R"sql(
CREATE TABLE policy_versions (
  seq BIGINT PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  version TEXT NOT NULL UNIQUE,
  hash TEXT NOT NULL,
  files_json TEXT NOT NULL,
  published_at BIGINT NOT NULL,
  published_by TEXT NOT NULL
);
CREATE TABLE policy_parties (
  id TEXT PRIMARY KEY,
  facts_json TEXT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE TABLE authorization_decisions (
  seq {serial_pk},
  customer_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  outcome TEXT NOT NULL,
  policy_id TEXT NOT NULL,
  request_json TEXT NOT NULL,
  reasons_json TEXT NOT NULL
);
CREATE INDEX authorization_decisions_customer ON authorization_decisions (customer_id, seq);
)sql"},
    {7, "CIP customers (personal data sealed) and idempotency keys", R"sql(
CREATE TABLE customers (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  country TEXT NOT NULL,
  headquarters_country TEXT NOT NULL,
  verification TEXT NOT NULL,
  us_person BIGINT NOT NULL,
  decision TEXT NOT NULL,
  risk_level TEXT NOT NULL,
  policy_id TEXT NOT NULL,
  record_sealed TEXT NOT NULL,
  classification_json TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  closed_at BIGINT,
  last_access_at BIGINT,
  reverify_due BIGINT,
  legal_hold BIGINT NOT NULL,
  revision BIGINT NOT NULL
);
CREATE INDEX customers_country ON customers (country, id);
CREATE INDEX customers_reverify ON customers (reverify_due);
CREATE TABLE customer_idempotency (
  key TEXT PRIMARY KEY,
  request_hash TEXT NOT NULL,
  customer_id TEXT NOT NULL
);
)sql"},
    {8, "CIP access events (IP sealed, country in clear)", R"sql(
CREATE TABLE customer_access_events (
  seq {serial_pk},
  customer_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  action TEXT NOT NULL,
  ip_sealed TEXT NOT NULL,
  ip_country TEXT NOT NULL
);
CREATE INDEX customer_access_events_customer ON customer_access_events (customer_id, seq);
)sql"},
    {9, "CIP risk, verifications and the reseller registry", R"sql(
ALTER TABLE customers ADD COLUMN verified_at BIGINT;
ALTER TABLE customers ADD COLUMN risk_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE customers ADD COLUMN verification_resolution TEXT NOT NULL DEFAULT '';
CREATE TABLE customer_verifications (
  seq {serial_pk},
  customer_id TEXT NOT NULL,
  at BIGINT NOT NULL,
  outcome TEXT NOT NULL,
  method TEXT NOT NULL,
  resolution TEXT NOT NULL,
  details_sealed TEXT NOT NULL,
  actor TEXT NOT NULL
);
CREATE INDEX customer_verifications_customer ON customer_verifications (customer_id, seq);
CREATE INDEX customer_verifications_at ON customer_verifications (at);
CREATE TABLE resellers (
  customer_id TEXT PRIMARY KEY,
  cip TEXT NOT NULL,
  contract_flow_down BIGINT NOT NULL,
  reports_pass_through BIGINT NOT NULL,
  compliance_status TEXT NOT NULL,
  noncompliant_since BIGINT,
  terminate_by BIGINT,
  terminated_at BIGINT,
  note TEXT NOT NULL,
  updated_at BIGINT NOT NULL,
  updated_by TEXT NOT NULL,
  revision BIGINT NOT NULL
);
)sql"},
    {10, "CIP requests (R17) and resellers' CIP documents", R"sql(
ALTER TABLE resellers ADD COLUMN cip_document TEXT NOT NULL DEFAULT '';
CREATE TABLE cip_requests (
  id TEXT PRIMARY KEY,
  received_at BIGINT NOT NULL,
  due_at BIGINT NOT NULL,
  requester TEXT NOT NULL,
  reference TEXT NOT NULL,
  provider BIGINT NOT NULL,
  resellers_json TEXT NOT NULL,
  note TEXT NOT NULL,
  status TEXT NOT NULL,
  produced_at BIGINT,
  produced_by TEXT NOT NULL,
  package_sha256 TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  revision BIGINT NOT NULL
);
CREATE INDEX cip_requests_due ON cip_requests (status, due_at);
)sql"},
    {11, "account-linking judgements", R"sql(
CREATE TABLE link_judgements (
  a TEXT NOT NULL,
  b TEXT NOT NULL,
  same INTEGER NOT NULL,
  reason TEXT NOT NULL,
  decided_by TEXT NOT NULL,
  decided_at BIGINT NOT NULL,
  PRIMARY KEY (a, b)
);
CREATE INDEX link_judgements_b ON link_judgements (b);
)sql"},
    {12, "console sign-in sessions", R"sql(
CREATE TABLE console_sessions (
  token_hash TEXT PRIMARY KEY,
  key_id TEXT NOT NULL,
  csrf_token TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX console_sessions_expiry ON console_sessions (expires_at);
)sql"},
    {13, "change feed and leases for several instances", R"sql(
CREATE TABLE change_feed (
  seq {serial_pk},
  topic TEXT NOT NULL,
  key TEXT NOT NULL,
  instance TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX change_feed_at ON change_feed (at);
CREATE TABLE cluster_leases (
  name TEXT PRIMARY KEY,
  holder TEXT NOT NULL,
  expires_at BIGINT NOT NULL
);
)sql"},
};

}  // namespace

std::span<const Migration> SchemaMigrations() { return kMigrations; }

}  // namespace kycloud::storage
