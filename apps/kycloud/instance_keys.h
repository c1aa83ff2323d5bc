// Every `kycloud serve` instance on one database must hold the same keys: the data key that
// seals personal data (or a later one, with the earlier kept in [security] old_data_key_files)
// and the audit signing key. An instance started without the shared key files would otherwise
// make new ones: it could open no customer record, and it would sign checkpoints the auditors'
// pinned verifier key rejects. The database remembers the keys' ids (settings), the first
// instance's on first start, and an instance with other keys refuses to start.
#pragma once

#include "kycloud/audit/signing_key.h"
#include "kycloud/storage/pii_cipher.h"
#include "kycloud/storage/settings_store.h"

namespace kycloud::app {

// Records the keys' ids on first start; later, accepts the same keys, or a data key rotated
// from the recorded one (kept among the older keys: the record moves to the new one). A database
// made before the record existed has no data-key record: then `sampled_key_ids` (the keys of
// stored values, storage::SealedValues::SampleKeyIds) must all be held, so that an instance with
// a wrong key cannot record it. Errors: FailedPrecondition naming the setting and what to do;
// the store's.
Status CheckInstanceKeys(storage::SettingsStore& settings, const storage::PiiCipher& cipher,
                         const audit::SigningKey& signing_key,
                         const std::vector<std::string>& sampled_key_ids = {});

}  // namespace kycloud::app
