// SealedValues: finds and re-seals the personal data sealed with an older data key
// (storage/pii_cipher.h) after a rotation, so that the older key can be retired. Which columns
// hold sealed values, and the associated data each was sealed with, is the sealing module's
// knowledge (cip::SealedColumns()); this class does the SQL.
//
// Re-sealing is compare-and-set per row: a value changed meanwhile (a customer updated, sealed
// afresh with the current key) is left as it is. It is idempotent and can stop and resume at
// any point; contents never change, only their key, so nothing else (revision, change feed,
// audit) moves.
//
// Thread-safety: Count() from any thread; ResealBatch() from one thread at a time (it keeps its
// scan position). Safe with other processes re-sealing too (each row is one conditional UPDATE).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kycloud/base/result.h"
#include "kycloud/storage/database.h"
#include "kycloud/storage/pii_cipher.h"

namespace kycloud::storage {

struct SealedColumn {
  std::string table;              // e.g. "customers"
  std::string key_column;         // the row's primary key, e.g. "id" or "seq"
  std::string sealed_column;      // e.g. "record_sealed"
  std::string associated_prefix;  // associated data = prefix + the value of associated_column
  std::string associated_column;  // e.g. "id" or "customer_id"
};

struct ResealProgress {
  std::int64_t resealed = 0;   // values re-sealed by this call
  std::int64_t unopened = 0;   // values under an older key that did not open (logged, skipped)
  bool pass_complete = false;  // the scan reached the end of the last column
};

struct SealedCount {
  std::string column;      // "table.sealed_column"
  std::int64_t total = 0;  // values in the column
  std::int64_t older = 0;  // sealed with a key other than the cipher's current one
};

class SealedValues {
 public:
  // `db` and `cipher` must outlive this; `columns` are checked to be plain SQL identifiers.
  SealedValues(Database& db, const PiiCipher& cipher, std::vector<SealedColumn> columns);

  // The key ids of a sample of stored values: the first row of each column (empty when none).
  Result<std::vector<std::string>> SampleKeyIds();
  // Per column: how many values, and how many are sealed with an older key.
  Result<std::vector<SealedCount>> Count();
  // How many values in all are sealed with an older key (Count's `older`, summed).
  Result<std::int64_t> CountOlder();
  // Re-seals up to `limit` values sealed with an older key (the cipher must hold it), column by
  // column, continuing after the row the previous call stopped at (so each pass reads each row
  // once). A value that does not open (a key the cipher lacks, a damaged value) is counted,
  // logged and skipped. After a pass completes the next call starts a new one. Whether values
  // remain is Count()'s answer, not this one's. Errors: the database's.
  Result<ResealProgress> ResealBatch(size_t limit);

 private:
  Database& db_;
  const PiiCipher& cipher_;
  std::vector<SealedColumn> columns_;
  // The scan's position: the column, and the last key done in it (null: from the start).
  size_t column_ = 0;
  Value after_;
};

}  // namespace kycloud::storage
