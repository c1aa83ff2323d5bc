// kycloud keys create|list|revoke: API key management from the command line (works while the
// service runs; a revocation reaches running instances within auth.cache_ttl_ms).
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "commands.h"
#include "kycloud/audit/audit_log.h"
#include "kycloud/server/api_key_auth.h"
#include "kycloud/storage/open_database.h"
#include "kycloud/storage/sql_api_key_store.h"
#include "kycloud/storage/sql_audit_store.h"

namespace kycloud::app {

namespace {

// Records a key change in the audit log, as the service does for POST/DELETE /v1/keys. The
// signing key is only read: without it the entry is appended and the service signs it later.
void RecordOrFail(const Opened& o, std::string kind, const storage::ApiKeyRecord& k) {
  std::optional<audit::SigningKey> key;
  if (auto loaded = audit::SigningKey::Load(o.config.audit_signing_key_file, o.config.audit.origin);
      loaded.has_value()) {
    key = std::move(*loaded);
  }
  storage::SqlAuditStore store(*o.db);
  audit::AuditLog log(store, SystemClock::Default(), key ? &*key : nullptr, o.config.audit);
  nlohmann::json data = {{"key_id", k.id}, {"role", k.role}};
  if (auto e = log.Append({std::move(kind), "cli", data.dump()}); !e.has_value()) Fail(e.error());
}

}  // namespace

void RegisterKeysCommand(CLI::App& app) {
  auto* keys = app.add_subcommand("keys", "Manage API keys");
  keys->require_subcommand(1);

  auto flags = std::make_shared<CommonFlags>();
  auto name = std::make_shared<std::string>();
  auto role = std::make_shared<std::string>();
  auto* create = keys->add_subcommand("create", "Create a key; prints the secret once, on stdout");
  flags->AddTo(*create);
  create->add_option("--name", *name, "what the key is for")->required();
  create->add_option("--role", *role, "admin, officer, auditor, integrator or ingest")->required();
  create->callback([flags, name, role] {
    Opened o = OpenOrFail(*flags);
    storage::SqlApiKeyStore store(*o.db);
    auto key = server::CreateApiKey(store, *name, *role, "cli", SystemClock::Default());
    if (!key) Fail(key.error());
    RecordOrFail(o, "key.created", key->record);
    std::cout << key->plaintext << std::endl;
    std::cerr << "created " << key->record.id << " (" << key->record.role << ", \""
              << key->record.name << "\"); the secret above is not stored and cannot be shown again"
              << std::endl;
  });

  auto list_flags = std::make_shared<CommonFlags>();
  auto json = std::make_shared<bool>(false);
  auto* list = keys->add_subcommand("list", "List keys (never their secrets)");
  list_flags->AddTo(*list);
  list->add_flag("--json", *json, "one JSON object per line");
  list->callback([list_flags, json] {
    auto db = OpenOrFail(*list_flags).db;
    storage::SqlApiKeyStore store(*db);
    auto all = store.List();
    if (!all) Fail(all.error());
    if (!*json)
      std::cout << fmt::format("{:<14} {:<11} {:<22} {:<22} {}\n", "ID", "ROLE", "CREATED",
                               "REVOKED", "NAME");
    for (const auto& k : *all) {
      std::string revoked = k.revoked_at ? FormatRfc3339(*k.revoked_at) : "";
      if (*json) {
        std::string name_json;
        log::AppendJsonEscaped(name_json, k.name);
        std::cout
            << fmt::format(
                   R"({{"id":"{}","name":"{}","role":"{}","created_at":"{}","created_by":"{}","revoked_at":{}}})",
                   k.id, name_json, k.role, FormatRfc3339(k.created_at), k.created_by,
                   revoked.empty() ? "null" : "\"" + revoked + "\"")
            << "\n";
      } else {
        std::cout << fmt::format("{:<14} {:<11} {:<22} {:<22} {}\n", k.id, k.role,
                                 FormatRfc3339(k.created_at), revoked.empty() ? "-" : revoked,
                                 k.name);
      }
    }
  });

  auto revoke_flags = std::make_shared<CommonFlags>();
  auto id = std::make_shared<std::string>();
  auto* revoke = keys->add_subcommand("revoke", "Revoke a key by id");
  revoke_flags->AddTo(*revoke);
  revoke->add_option("id", *id, "key id, e.g. kyc_3fA9b2Qx")->required();
  revoke->callback([revoke_flags, id] {
    Opened o = OpenOrFail(*revoke_flags);
    storage::SqlApiKeyStore store(*o.db);
    Status st = store.Revoke(*id, SystemClock::Default().Now());
    if (!st.ok()) Fail(st);
    auto revoked = store.Get(*id);
    if (!revoked) Fail(revoked.error());
    RecordOrFail(o, "key.revoked", *revoked);
    std::cerr << "revoked " << *id << std::endl;
  });
}

}  // namespace kycloud::app
