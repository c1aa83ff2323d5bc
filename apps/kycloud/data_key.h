// The data key that encrypts personal data at rest (storage/pii_cipher.h): KYCLOUD_DATA_KEY (64
// hex characters) when set, else [security] data_key_file, created with a new random key (mode
// 0600, its directory made) when missing; [security] old_data_key_files open what earlier keys
// sealed.
#pragma once

#include "config.h"
#include "kycloud/storage/pii_cipher.h"

namespace kycloud::app {

// Errors: InvalidArgument naming the file or variable (not a key); the file system's.
Result<storage::PiiCipher> LoadDataCipher(const Config& config);

// Writes a new random data key to `path` (created with mode 0600, its directory made; never
// over an existing file). Returns the key id. Errors: AlreadyExists; InvalidArgument naming the
// file when it cannot be written.
Result<std::string> WriteNewDataKey(const std::string& path);

}  // namespace kycloud::app
