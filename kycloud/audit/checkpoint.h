// Checkpoint: a signed statement "the audit log of <origin> had <size> entries with root <hash>
// at <time>", in the C2SP tlog-checkpoint / signed-note text format, so that tools written for
// Certificate-Transparency-style logs can read it:
//
//   <origin>\n
//   <size, decimal>\n
//   <root hash, base64>\n
//   time <RFC 3339 UTC>\n          (an extension line)
//   \n
//   — <key name> <base64(4-byte key id || 64-byte Ed25519 signature of the text above the blank
//   line, newline included)>\n
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "kycloud/audit/merkle.h"
#include "kycloud/audit/signing_key.h"
#include "kycloud/base/result.h"
#include "kycloud/base/time.h"

namespace kycloud::audit {

struct Checkpoint {
  std::string origin;
  std::int64_t size = 0;
  Hash root{};
  Timestamp time{};
};

std::string CheckpointBody(const Checkpoint& c);
// The signed note. Errors: as SigningKey::Sign.
Result<std::string> SignCheckpoint(const Checkpoint& c, const SigningKey& key);

// Parses a signed note. With `key`, a signature line by that key must verify (other keys'
// lines are ignored); without, signatures are not checked (signature_checked stays false).
// Errors: InvalidArgument naming the line that is malformed; PermissionDenied when no line by
// `key` verifies.
struct ParsedCheckpoint {
  Checkpoint checkpoint;
  bool signature_checked = false;
};
Result<ParsedCheckpoint> ParseCheckpoint(std::string_view note, const VerifierKey* key);

}  // namespace kycloud::audit
