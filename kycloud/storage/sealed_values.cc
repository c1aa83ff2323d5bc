#include "kycloud/storage/sealed_values.h"

#include <fmt/format.h>

#include "kycloud/base/check.h"

namespace kycloud::storage {

namespace {

bool IsIdentifier(const std::string& s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!(c == '_' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

}  // namespace

SealedValues::SealedValues(Database& db, const PiiCipher& cipher, std::vector<SealedColumn> columns)
    : db_(db), cipher_(cipher), columns_(std::move(columns)) {
  for (const SealedColumn& c : columns_) {
    KY_CHECK(IsIdentifier(c.table) && IsIdentifier(c.key_column) && IsIdentifier(c.sealed_column) &&
             IsIdentifier(c.associated_column))
        << "sealed column names must be SQL identifiers";
  }
}

Result<std::vector<SealedCount>> SealedValues::Count() {
  const std::string current = fmt::format("kyc1:{}:%", cipher_.current_key_id());
  std::vector<SealedCount> out;
  for (const SealedColumn& c : columns_) {
    KY_ASSIGN_OR_RETURN(
        Rows rows,
        QueryOnce(db_,
                  fmt::format("SELECT COUNT(*), COALESCE(SUM(CASE WHEN {1} LIKE ? THEN 0 ELSE 1 "
                              "END), 0) FROM {0}",
                              c.table, c.sealed_column),
                  {current}));
    out.push_back({c.table + "." + c.sealed_column, rows[0][0].AsInt(), rows[0][1].AsInt()});
  }
  return out;
}

Result<std::int64_t> SealedValues::ResealBatch(size_t limit) {
  const std::string current = fmt::format("kyc1:{}:%", cipher_.current_key_id());
  std::int64_t resealed = 0;
  for (const SealedColumn& c : columns_) {
    if (limit == 0) break;
    KY_ASSIGN_OR_RETURN(
        Rows rows,
        QueryOnce(db_,
                  fmt::format("SELECT {1}, {2}, {3} FROM {0} WHERE {2} NOT LIKE ? ORDER BY {1} "
                              "LIMIT ?",
                              c.table, c.key_column, c.sealed_column, c.associated_column),
                  {current, static_cast<long long>(limit)}));
    for (const Row& r : rows.rows) {
      const Value& key = r[0];
      const std::string sealed = r[1].AsText();
      const std::string associated = c.associated_prefix + r[2].AsText();
      auto plain = cipher_.Open(sealed, associated);
      if (!plain.has_value()) {
        return Err(plain.error().Annotate(fmt::format(
            "{} row {}", c.table,
            key.type() == Value::Type::kInt ? std::to_string(key.AsInt()) : key.AsText())));
      }
      KY_ASSIGN_OR_RETURN(
          std::int64_t n,
          ExecuteOnce(db_,
                      fmt::format("UPDATE {0} SET {2} = ? WHERE {1} = ? AND {2} = ?", c.table,
                                  c.key_column, c.sealed_column),
                      {cipher_.Seal(*plain, associated), key, sealed}));
      resealed += n;
      --limit;
    }
  }
  return resealed;
}

}  // namespace kycloud::storage
