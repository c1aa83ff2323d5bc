// kycloud keys create|list|revoke: API key management from the command line (works while the
// service runs; a revocation reaches running instances within auth.cache_ttl_ms).
// kycloud keys new-data-key|rotate-data-key: rotating the data key that seals personal data
// (docs/operations.md "Rotating the data key").
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "commands.h"
#include "data_key.h"
#include "instance_keys.h"
#include "kycloud/audit/audit_log.h"
#include "kycloud/cip/sealed_columns.h"
#include "kycloud/server/api_key_auth.h"
#include "kycloud/storage/open_database.h"
#include "kycloud/storage/sealed_values.h"
#include "kycloud/storage/settings_store.h"
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

  auto out_path = std::make_shared<std::string>();
  auto* new_key = keys->add_subcommand(
      "new-data-key", "Write a new random data key to FILE (mode 0600; never over a file)");
  new_key->add_option("file", *out_path, "where to write the key")->required();
  new_key->callback([out_path] {
    auto id = WriteNewDataKey(*out_path);
    if (!id) Fail(id.error());
    std::cout << *id << std::endl;
    std::cerr << "wrote data key " << *id << " to " << *out_path
              << ". Next: set [security] data_key_file to it, add the current key's file to "
                 "old_data_key_files, restart every instance, then run `kycloud keys "
                 "rotate-data-key` (or let the service re-seal in the background)"
              << std::endl;
  });

  auto rotate_flags = std::make_shared<CommonFlags>();
  auto dry_run = std::make_shared<bool>(false);
  auto batch = std::make_shared<size_t>(1000);
  auto* rotate = keys->add_subcommand(
      "rotate-data-key",
      "Re-seal every personal-data value sealed with an older data key under the current one");
  rotate_flags->AddTo(*rotate);
  rotate->add_flag("--dry-run", *dry_run, "only count the values under older keys");
  rotate->add_option("--batch", *batch, "values re-sealed per round (1000)")
      ->check(CLI::Range(size_t{1}, size_t{100000}));
  rotate->callback([rotate_flags, dry_run, batch] {
    Opened o = OpenOrFail(*rotate_flags);
    auto cipher = LoadDataCipher(o.config);
    if (!cipher) Fail(cipher.error());
    if (!*dry_run) {
      auto signing =
          audit::SigningKey::Load(o.config.audit_signing_key_file, o.config.audit.origin);
      if (!signing) Fail(signing.error());
      storage::SqlSettingsStore settings(*o.db);
      storage::SealedValues sample(*o.db, *cipher, cip::SealedColumns());
      auto sampled = sample.SampleKeyIds();
      if (!sampled) Fail(sampled.error());
      if (Status st = CheckInstanceKeys(settings, *cipher, *signing, *sampled); !st.ok()) Fail(st);
    }
    storage::SealedValues sealed(*o.db, *cipher, cip::SealedColumns());
    auto report = [&](const char* when) {
      auto counts = sealed.Count();
      if (!counts) Fail(counts.error());
      std::int64_t older = 0;
      for (const auto& c : *counts) {
        std::cout << when << " " << c.column << ": " << c.total << " values, " << c.older
                  << " under older keys" << std::endl;
        older += c.older;
      }
      return older;
    };
    const std::int64_t older = report("before");
    if (*dry_run || older == 0) {
      std::cerr << (older == 0 ? "every value is sealed with the current key "
                               : "values under older keys remain; current key ")
                << cipher->current_key_id() << std::endl;
      return;
    }
    std::int64_t total = 0, unopened = 0;
    for (bool done = false; !done;) {
      auto n = sealed.ResealBatch(*batch);
      if (!n) Fail(n.error());
      total += n->resealed;
      unopened += n->unopened;
      done = n->pass_complete;
      std::cerr << "re-sealed " << total << " of " << older << std::endl;
    }
    const std::int64_t left = report("after");
    std::optional<audit::SigningKey> key;
    if (auto loaded =
            audit::SigningKey::Load(o.config.audit_signing_key_file, o.config.audit.origin)) {
      key = std::move(*loaded);
    }
    storage::SqlAuditStore store(*o.db);
    audit::AuditLog log(store, SystemClock::Default(), key ? &*key : nullptr, o.config.audit);
    nlohmann::json data = {{"key_id", cipher->current_key_id()}, {"resealed", total}};
    if (auto e = log.Append({"data_key.rotated", "cli", data.dump()}); !e.has_value()) {
      Fail(e.error());
    }
    if (left > 0) {
      // Values written meanwhile by instances still on an older key, or values that do not open:
      // the older keys must stay.
      Fail(FailedPreconditionError(fmt::format(
          "{} values are still sealed with older keys ({} did not open: see the log); keep the "
          "older keys, make sure every instance runs with data key {}, and run this again",
          left, unopened, cipher->current_key_id())));
    }
    std::cerr << "re-sealed " << total << " values under data key " << cipher->current_key_id()
              << "; none is left under an older key: the older keys can be retired once every "
                 "instance runs with this one"
              << std::endl;
  });
}

}  // namespace kycloud::app
