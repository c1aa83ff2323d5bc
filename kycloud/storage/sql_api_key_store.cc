#include "kycloud/storage/sql_api_key_store.h"

#include <fmt/format.h>

namespace kycloud::storage {

namespace {

constexpr std::string_view kColumns =
    "id, name, role, secret_hash, created_at, created_by, revoked_at";

ApiKeyRecord FromRow(const Row& r) {
  ApiKeyRecord k;
  k.id = r[0].AsText();
  k.name = r[1].AsText();
  k.role = r[2].AsText();
  k.secret_hash = r[3].AsText();
  k.created_at = FromUnixMicros(r[4].AsInt());
  k.created_by = r[5].AsText();
  if (!r[6].is_null()) k.revoked_at = FromUnixMicros(r[6].AsInt());
  return k;
}

Params ToParams(const ApiKeyRecord& k) {
  std::optional<long long> revoked;
  if (k.revoked_at) revoked = ToUnixMicros(*k.revoked_at);
  return {k.id,
          k.name,
          k.role,
          k.secret_hash,
          static_cast<long long>(ToUnixMicros(k.created_at)),
          k.created_by,
          revoked};
}

Status InsertIn(Session& s, const ApiKeyRecord& key) {
  return StatusOf(s.Execute(
      fmt::format("INSERT INTO api_keys ({}) VALUES (?,?,?,?,?,?,?)", kColumns), ToParams(key)));
}

}  // namespace

Status SqlApiKeyStore::Insert(const ApiKeyRecord& key) {
  return db_.Transact(TxMode::kWrite, [&](Session& s) { return InsertIn(s, key); });
}

Result<bool> SqlApiKeyStore::InsertBootstrapKey(const ApiKeyRecord& key) {
  bool inserted = false;
  KY_TRY(db_.Transact(TxMode::kWrite, [&](Session& s) -> Status {
    KY_ASSIGN_OR_RETURN(std::int64_t n,
                        s.Execute("INSERT INTO settings (key, value) VALUES ('bootstrap_key', ?) "
                                  "ON CONFLICT (key) DO NOTHING",
                                  {key.id}));
    inserted = n == 1;
    return inserted ? InsertIn(s, key) : OkStatus();
  }));
  return inserted;
}

Result<ApiKeyRecord> SqlApiKeyStore::FindOne(std::string_view column, std::string_view value) {
  KY_ASSIGN_OR_RETURN(
      Rows rows,
      QueryOnce(db_, fmt::format("SELECT {} FROM api_keys WHERE {} = ?", kColumns, column),
                {value}));
  if (rows.empty()) return Err(NotFoundError("no such API key"));
  return FromRow(rows[0]);
}

Result<ApiKeyRecord> SqlApiKeyStore::FindBySecretHash(std::string_view secret_hash) {
  return FindOne("secret_hash", secret_hash);
}

Result<ApiKeyRecord> SqlApiKeyStore::Get(std::string_view id) { return FindOne("id", id); }

Result<std::vector<ApiKeyRecord>> SqlApiKeyStore::List() {
  KY_ASSIGN_OR_RETURN(
      Rows rows,
      QueryOnce(db_, fmt::format("SELECT {} FROM api_keys ORDER BY created_at, id", kColumns)));
  std::vector<ApiKeyRecord> out;
  out.reserve(rows.size());
  for (const Row& r : rows.rows) out.push_back(FromRow(r));
  return out;
}

Status SqlApiKeyStore::Revoke(std::string_view id, Timestamp at) {
  return db_.Transact(TxMode::kWrite, [&](Session& s) -> Status {
    KY_ASSIGN_OR_RETURN(Rows rows, s.Query("SELECT revoked_at FROM api_keys WHERE id = ?", {id}));
    if (rows.empty()) return NotFoundError(fmt::format("no API key with id '{}'", id));
    if (!rows[0][0].is_null()) {
      return FailedPreconditionError(fmt::format("API key '{}' is already revoked", id));
    }
    KY_TRY(s.Execute("UPDATE api_keys SET revoked_at = ? WHERE id = ?",
                     {static_cast<long long>(ToUnixMicros(at)), id}));
    return OkStatus();
  });
}

}  // namespace kycloud::storage
