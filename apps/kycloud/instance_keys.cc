#include "instance_keys.h"

#include <fmt/format.h>

#include "kycloud/base/log.h"

namespace kycloud::app {

namespace {

constexpr std::string_view kDataKeySetting = "data_key_id";
constexpr std::string_view kVerifierSetting = "audit_verifier_key";

}  // namespace

Status CheckInstanceKeys(storage::SettingsStore& settings, const storage::PiiCipher& cipher,
                         const audit::SigningKey& signing_key,
                         const std::vector<std::string>& sampled_key_ids) {
  const std::string verifier = signing_key.VerifierKey();
  KY_ASSIGN_OR_RETURN(std::string recorded_verifier,
                      settings.PutIfAbsent(kVerifierSetting, verifier));
  if (recorded_verifier != verifier) {
    return FailedPreconditionError(
               fmt::format("this database's audit log is signed with verifier key {}, but this "
                           "instance's audit signing key is {}: give every instance the same "
                           "[audit] signing_key_file (docs/operations.md)",
                           recorded_verifier, verifier))
        .WithField("audit.signing_key_file");
  }
  const std::string& current = cipher.current_key_id();
  KY_ASSIGN_OR_RETURN(auto existing, settings.Get(kDataKeySetting));
  if (!existing) {
    for (const std::string& id : sampled_key_ids) {
      if (!id.empty() && !cipher.HasKey(id)) {
        return FailedPreconditionError(
                   fmt::format("personal data in this database is sealed with data key {}, "
                               "which this instance does not hold (its key is {}): give it the "
                               "[security] data_key_file the data was sealed with",
                               id, current))
            .WithField("security.data_key_file");
      }
    }
  }
  KY_ASSIGN_OR_RETURN(std::string recorded_key, settings.PutIfAbsent(kDataKeySetting, current));
  if (recorded_key == current) return OkStatus();
  if (!cipher.HasKey(recorded_key)) {
    return FailedPreconditionError(
               fmt::format("personal data in this database is sealed with data key {}, which "
                           "this instance does not hold (its key is {}): give every instance the "
                           "same [security] data_key_file, and keep rotated keys in "
                           "old_data_key_files (docs/operations.md)",
                           recorded_key, current))
        .WithField("security.data_key_file");
  }
  // A rotation: the recorded key is among the older ones; new data is sealed with this one.
  KY_ASSIGN_OR_RETURN(bool moved, settings.Replace(kDataKeySetting, recorded_key, current));
  if (moved) {
    KY_LOG_EVENT(kInfo, "data key rotated", {{"from", recorded_key}, {"to", current}});
  }
  return OkStatus();
}

}  // namespace kycloud::app
