// Config: every component's options in one struct, as loaded by the composition root.
//
// Precedence, lowest first: the documented defaults of each options struct; the config file
// (TOML, --config FILE); secrets from the environment or files; command-line flags. Secrets
// (the database password) are never read from the config file or a flag: KYCLOUD_DB_PASSWORD or
// storage.password_file (a path; the file holds the password). The file format is documented in
// docs/configuration.md; an unknown key or a wrong type is an error naming the key and line.
#pragma once

#include <string>
#include <vector>

#include "kycloud/audit/audit_log.h"
#include "kycloud/base/log.h"
#include "kycloud/base/result.h"
#include "kycloud/cases/case_manager.h"
#include "kycloud/server/api_key_auth.h"
#include "kycloud/server/server_options.h"
#include "kycloud/server/session_auth.h"
#include "kycloud/storage/storage_options.h"

namespace kycloud::app {

struct Config {
  server::ServerOptions server;
  server::AuthOptions auth;
  server::SessionOptions sessions;  // [auth] session_minutes, secure_cookie
  storage::StorageOptions storage;
  log::LogOptions log;
  // [storage] password_file: where the database password is read from (optional).
  std::string storage_password_file;
  // [screening] lists_dir: load every list file in this directory instead of the bundled lists.
  // Default: "" (the bundled lists).
  std::string lists_dir;
  // [screening] lists_poll_seconds: how often the service checks the list directory for changed
  // files (as `kycloud lists update` leaves them) and reloads; 0 turns polling off (SIGHUP and
  // POST /v1/lists/reload still reload). Default: 60.
  int lists_poll_seconds = 60;
  // [audit] signing_key_file: the Ed25519 key (PEM) that signs checkpoints; created on first
  // start when missing. Default: "./var/audit-signing.key".
  std::string audit_signing_key_file = "./var/audit-signing.key";
  // [audit] origin, checkpoint_every_seconds, checkpoint_every_entries: see AuditLogOptions.
  audit::AuditLogOptions audit;
  // [cases] due_hours_critical|high|medium|low (SLA by severity), cooldown_hours,
  // max_evidence_bytes: see CaseOptions.
  cases::CaseOptions cases;
  // [compute] thresholds_file: a thresholds policy file in the format of
  // policy/compute-thresholds.toml, used instead of the bundled one. Default: "" (bundled).
  std::string compute_thresholds_file;
  // [security] data_key_file: the key (64 hex characters) that encrypts personal data at rest;
  // created on first start when missing (mode 0600). KYCLOUD_DATA_KEY (hex) takes precedence.
  // Default: "./var/data.key".
  std::string data_key_file = "./var/data.key";
  // [security] old_data_key_files: keys of earlier rotations, still able to open what they
  // sealed. Default: none.
  std::vector<std::string> old_data_key_files;
  // [cip] geoip_database: a MaxMind DB (.mmdb) mapping IPs to countries (MaxMind GeoIP2/GeoLite2
  // Country, DB-IP, ip-location-db). Default: "" (the bundled data/geo database).
  std::string geoip_database;
  // [linking] min_training: a population smaller than this trains the account-linking model
  // together with a simulated background population (account_linking.h). Default 20000; smaller
  // starts faster and links a small population less well.
  size_t linking_min_training = 20000;
  // [cluster] several `kycloud serve` instances on one database (docs/operations.md):
  // poll_ms: how often each instance reads the change feed (what the others wrote). Default 500.
  int cluster_poll_ms = 500;
  // lease_seconds: the leader's lease (background duties run on one instance). Default 15.
  int cluster_lease_seconds = 15;
  // feed_retention_hours: change-feed rows older than this are pruned by the leader. Default 24.
  int cluster_feed_retention_hours = 24;
};

// Parses TOML text (`origin` names it in errors).
Result<Config> ParseConfig(std::string_view toml_text, std::string_view origin);
// Reads and parses a config file. Errors: NotFound, InvalidArgument with file:line.
Result<Config> LoadConfigFile(const std::string& path);

// Fills config.storage.password from KYCLOUD_DB_PASSWORD or the password file, and refuses a
// password inside the URI. `getenv` is injectable for tests.
Status ResolveSecrets(Config& config, const char* (*getenv_fn)(const char*));

}  // namespace kycloud::app
