// SessionStore: the web console's sign-in sessions. A session is opened with an API key and then
// carried by an HttpOnly cookie holding a random token; only the SHA-256 of that token is stored,
// with the API key it acts for, the CSRF token the console must send back on every change, and its
// expiry. Sessions live in the database so that every `kycloud serve` instance on it accepts them
// and a sign-out ends them everywhere.
//
// Thread-safety: implementations are safe to use from many threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "kycloud/base/result.h"
#include "kycloud/base/time.h"

namespace kycloud::storage {

struct SessionRecord {
  std::string token_hash;  // lower-case hex SHA-256 of the cookie's token
  std::string key_id;      // the API key the session acts for
  std::string csrf_token;  // random; the console sends it in X-CSRF-Token
  Timestamp created_at;
  Timestamp expires_at;
  friend bool operator==(const SessionRecord&, const SessionRecord&) = default;
};

class SessionStore {
 public:
  virtual ~SessionStore() = default;
  // Errors: AlreadyExists if the token hash is taken.
  virtual Status Insert(const SessionRecord& session) = 0;
  // Errors: NotFound (unknown or deleted; expiry is the caller's to check).
  virtual Result<SessionRecord> Find(std::string_view token_hash) = 0;
  // Deletes one session; deleting an unknown one is not an error.
  virtual Status Delete(std::string_view token_hash) = 0;
  // Deletes the sessions of one API key (when it is revoked). Returns how many.
  virtual Result<int64_t> DeleteForKey(std::string_view key_id) = 0;
  // Deletes the sessions whose expiry is at or before `now`. Returns how many.
  virtual Result<int64_t> DeleteExpired(Timestamp now) = 0;
};

}  // namespace kycloud::storage
