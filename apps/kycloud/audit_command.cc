// kycloud audit verify|checkpoint|verifier-key: the audit log from the command line.
//
//   verify        recomputes the whole log from the database (audit/audit_verifier.h) and checks
//                 the stored checkpoints and, with --checkpoint FILE, one kept outside the
//                 database; exit 0 when everything verifies, 2 when the log was altered (the
//                 first bad leaf is named), 1 on other errors.
//   checkpoint    signs a checkpoint of the current log when it grew, and prints the latest
//                 signed checkpoint on stdout (keep it outside the database).
//   verifier-key  prints the verifier key ("<name>+<id>+<base64>") of the signing key.
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "commands.h"
#include "kycloud/audit/audit_log.h"
#include "kycloud/audit/audit_verifier.h"
#include "kycloud/storage/open_database.h"
#include "kycloud/storage/sql_audit_store.h"

namespace kycloud::app {

void RegisterAuditCommand(CLI::App& app) {
  auto* audit = app.add_subcommand("audit", "Verify the tamper-evident audit log");
  audit->require_subcommand(1);

  auto flags = std::make_shared<CommonFlags>();
  auto checkpoint_file = std::make_shared<std::string>();
  auto vkey = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  auto* verify = audit->add_subcommand(
      "verify", "Recompute the log from the database and check it against signed checkpoints");
  flags->AddTo(*verify);
  verify->add_option("--checkpoint", *checkpoint_file,
                     "a signed checkpoint kept outside the database (from `kycloud audit "
                     "checkpoint` or GET /v1/audit/checkpoint's note)");
  verify->add_option("--verifier-key", *vkey,
                     "KEY or @FILE: the verifier key to check signatures with (default: derived "
                     "from audit.signing_key_file when readable)");
  verify->add_flag("--json", *json, "print the report as JSON");
  verify->callback([flags, checkpoint_file, vkey, json] {
    Opened o = OpenOrFail(*flags);
    storage::SqlAuditStore store(*o.db);
    audit::VerifyOptions options;
    std::string key_source;
    if (!vkey->empty()) {
      std::string text =
          vkey->starts_with("@") ? ReadFileOrFail(vkey->substr(1), "verifier key") : *vkey;
      auto k = audit::ParseVerifierKey(text);
      if (!k) Fail(k.error().Annotate("--verifier-key"));
      options.key = *k;
      key_source = "--verifier-key";
    } else if (auto k =
                   audit::SigningKey::Load(o.config.audit_signing_key_file, o.config.audit.origin);
               k.has_value()) {
      options.key = *audit::ParseVerifierKey(k->VerifierKey());
      key_source = o.config.audit_signing_key_file;
    }
    if (!checkpoint_file->empty()) {
      options.external_checkpoint = ReadFileOrFail(*checkpoint_file, "checkpoint");
    }
    options.progress = [](std::int64_t done, std::int64_t total) {
      std::cerr << fmt::format("verified {} of {} entries\n", done, total);
    };
    auto report = audit::VerifyAuditLog(store, options);
    if (!report) Fail(report.error());
    if (*json) {
      nlohmann::json j = {{"ok", report->ok},
                          {"entries", report->entries},
                          {"root", HexEncode(report->root)},
                          {"checkpoints_checked", report->checkpoints_checked},
                          {"signatures_checked", report->signatures_checked},
                          {"first_bad_leaf", nullptr},
                          {"problems", report->problems}};
      if (report->first_bad_leaf) j["first_bad_leaf"] = *report->first_bad_leaf;
      std::cout << j.dump() << std::endl;
    } else {
      std::cout << fmt::format(
          "entries: {}\nroot: {}\ncheckpoints checked: {}{}\n", report->entries,
          HexEncode(report->root), report->checkpoints_checked,
          report->signatures_checked ? " (signatures checked with " + key_source + ")"
                                     : " (signatures NOT checked: no verifier key)");
      for (const auto& p : report->problems) std::cout << "problem: " << p << "\n";
      if (report->ok) {
        std::cout << "OK: the audit log verifies" << std::endl;
      } else if (report->first_bad_leaf) {
        std::cout << "FAILED: the audit log was altered; first bad leaf: "
                  << *report->first_bad_leaf << std::endl;
      } else {
        std::cout << "FAILED: the audit log does not verify" << std::endl;
      }
    }
    if (!report->ok) throw CLI::RuntimeError(2);
  });

  auto cp_flags = std::make_shared<CommonFlags>();
  auto* checkpoint = audit->add_subcommand(
      "checkpoint", "Sign a checkpoint of the current log if it grew; print the latest one");
  cp_flags->AddTo(*checkpoint);
  checkpoint->callback([cp_flags] {
    Opened o = OpenOrFail(*cp_flags);
    auto key = audit::SigningKey::Load(o.config.audit_signing_key_file, o.config.audit.origin);
    if (!key) Fail(key.error());
    storage::SqlAuditStore store(*o.db);
    audit::AuditLog log(store, SystemClock::Default(), &*key, o.config.audit);
    auto signed_now = log.CheckpointIfDue(/*force=*/true);
    if (!signed_now) Fail(signed_now.error());
    auto latest = log.LatestCheckpoint();
    if (!latest) Fail(latest.error());
    if (!*latest) Fail(FailedPreconditionError("the audit log is empty; nothing to checkpoint"));
    std::cout << (*latest)->note << std::flush;
  });

  auto vk_flags = std::make_shared<CommonFlags>();
  auto* verifier_key =
      audit->add_subcommand("verifier-key", "Print the verifier key of the signing key");
  vk_flags->AddTo(*verifier_key);
  verifier_key->callback([vk_flags] {
    auto config = vk_flags->Resolve();
    if (!config) Fail(config.error());
    auto key = audit::SigningKey::Load(config->audit_signing_key_file, config->audit.origin);
    if (!key) Fail(key.error());
    std::cout << key->VerifierKey() << std::endl;
  });
}

}  // namespace kycloud::app
