#include "kycloud/storage/sealed_values.h"

#include <fmt/format.h>

#include "kycloud/base/check.h"
#include "kycloud/base/log.h"

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

Result<std::vector<std::string>> SealedValues::SampleKeyIds() {
  std::vector<std::string> out;
  for (const SealedColumn& c : columns_) {
    KY_ASSIGN_OR_RETURN(Rows rows,
                        QueryOnce(db_, fmt::format("SELECT {1} FROM {0} ORDER BY {2} "
                                                   "LIMIT 1",
                                                   c.table, c.sealed_column, c.key_column)));
    if (!rows.empty()) out.push_back(PiiCipher::KeyIdOf(rows[0][0].AsText()));
  }
  return out;
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

Result<std::int64_t> SealedValues::CountOlder() {
  KY_ASSIGN_OR_RETURN(std::vector<SealedCount> counts, Count());
  std::int64_t older = 0;
  for (const SealedCount& c : counts) older += c.older;
  return older;
}

Result<ResealProgress> SealedValues::ResealBatch(size_t limit) {
  const std::string current = fmt::format("kyc1:{}:%", cipher_.current_key_id());
  ResealProgress out;
  while (limit > 0 && column_ < columns_.size()) {
    const SealedColumn& c = columns_[column_];
    Params p{current};
    std::string from;
    if (!after_.is_null()) {
      from = fmt::format(" AND {} > ?", c.key_column);
      p.push_back(after_);
    }
    p.push_back(static_cast<long long>(limit));
    KY_ASSIGN_OR_RETURN(
        Rows rows,
        QueryOnce(db_,
                  fmt::format("SELECT {1}, {2}, {3} FROM {0} WHERE {2} NOT LIKE ?{4} ORDER BY {1} "
                              "LIMIT ?",
                              c.table, c.key_column, c.sealed_column, c.associated_column, from),
                  p));
    for (const Row& r : rows.rows) {
      const Value& key = r[0];
      after_ = key;
      --limit;
      const std::string sealed = r[1].AsText();
      const std::string associated = c.associated_prefix + r[2].AsText();
      auto plain = cipher_.Open(sealed, associated);
      if (!plain.has_value()) {
        ++out.unopened;
        KY_LOG_WARN("data key rotation: {} row {} does not open, left as it is: {}", c.table,
                    key.type() == Value::Type::kInt ? std::to_string(key.AsInt()) : key.AsText(),
                    plain.error().ToString());
        continue;
      }
      KY_ASSIGN_OR_RETURN(
          std::int64_t n,
          ExecuteOnce(db_,
                      fmt::format("UPDATE {0} SET {2} = ? WHERE {1} = ? AND {2} = ?", c.table,
                                  c.key_column, c.sealed_column),
                      {cipher_.Seal(*plain, associated), key, sealed}));
      out.resealed += n;
    }
    if (limit > 0) {  // the column is done
      ++column_;
      after_ = Value();
    }
  }
  if (column_ >= columns_.size()) {
    out.pass_complete = true;
    column_ = 0;
    after_ = Value();
  }
  return out;
}

}  // namespace kycloud::storage
