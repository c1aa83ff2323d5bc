// CustomerStore: CIP records (R2-R14). The personal data of a record travels as one sealed
// value (PiiCipher: the caller seals it before Put and opens it after Get); the columns beside it
// hold only what listing, retention and decisions need without personal data: kind, status,
// countries, verification, US-person flag, decision, risk level, dates, legal hold.
//
// Writes are idempotent by `idempotency_key` when one is given: the same key with the same
// request hash returns the record first created; with another hash, AlreadyExists (reason
// "idempotency_key_reused"). Updates are optimistic: Update() needs the revision it read.
//
// Thread-safety: implementations are safe to use from many threads and processes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kycloud/base/result.h"
#include "kycloud/base/time.h"

namespace kycloud::storage {

struct CustomerRow {
  std::string id;
  std::string kind;               // individual | organisation
  std::string status = "active";  // active | closed
  std::string country;            // the first address's country
  std::string headquarters_country;
  std::string verification = "pending";  // not_required | pending | verified | failed
  bool us_person = false;
  std::string decision;  // approve | verify | review | reject
  std::string risk_level = "medium";
  std::string policy_id;            // the policy version of the last decision
  std::string record_sealed;        // PiiCipher-sealed JSON of the whole record
  std::string classification_json;  // US/foreign evidence (no personal data)
  Timestamp created_at;
  Timestamp updated_at;
  std::optional<Timestamp> closed_at;
  std::optional<Timestamp> last_access_at;
  std::optional<Timestamp> reverify_due;
  std::optional<Timestamp> verified_at;  // the last successful verification
  bool legal_hold = false;
  std::string risk_json = "{}";  // the risk score, level and reasons (no personal data)
  // What a failed account may do (deny | restrict_and_monitor | close), "" unless failed.
  std::string verification_resolution;
  std::int64_t revision = 0;  // assigned by the store: 1 on insert, +1 per update

  friend bool operator==(const CustomerRow&, const CustomerRow&) = default;
};

// One verification resolution of a customer (R9, R10): the outcome and method in clear, the
// evidence references and the officer's note sealed (PiiCipher, "verifications/<customer id>").
struct VerificationRow {
  std::int64_t seq = 0;  // assigned by the store
  std::string customer_id;
  Timestamp at;
  std::string outcome;         // verified | failed | reopened
  std::string method;          // documentary | non_documentary ("" for reopened)
  std::string resolution;      // what a failed account may do: deny | restrict_and_monitor | close
  std::string details_sealed;  // {"evidence": [...], "note": "..."}
  std::string actor;

  friend bool operator==(const VerificationRow&, const VerificationRow&) = default;
};

struct CustomerFilter {
  std::optional<std::string> status;
  std::optional<std::string> country;
  std::optional<std::string> verification;
  std::optional<std::string> decision;
  std::string after_id;  // keyset pagination: ids greater than this
  size_t limit = 100;
};

// One access or administration action of a customer (R4): the IP sealed, its country in clear.
struct AccessEventRow {
  std::int64_t seq = 0;  // assigned by the store
  std::string customer_id;
  Timestamp at;
  std::string action;      // login | admin | api
  std::string ip_sealed;   // PiiCipher-sealed IP address
  std::string ip_country;  // ISO alpha-2, "" when unknown

  friend bool operator==(const AccessEventRow&, const AccessEventRow&) = default;
};

class CustomerStore {
 public:
  virtual ~CustomerStore() = default;
  // Returns the stored row and whether it was created now (false: the idempotency key replayed).
  // Errors: AlreadyExists when the id exists (reason "customer_exists") or the key was used for
  // another request (reason "idempotency_key_reused").
  virtual Result<std::pair<CustomerRow, bool>> Insert(const CustomerRow& row,
                                                      std::string_view idempotency_key,
                                                      std::string_view request_hash) = 0;
  // Errors: NotFound.
  virtual Result<CustomerRow> Get(std::string_view id) = 0;
  // Replaces the row if its revision is still `row.revision`; returns the new row. Errors:
  // NotFound; Aborted (reason "revision_conflict") when someone else updated it first.
  virtual Result<CustomerRow> Update(const CustomerRow& row) = 0;
  // By id, ascending.
  virtual Result<std::vector<CustomerRow>> List(const CustomerFilter& filter) = 0;
  // Active customers whose re-verification is due at `as_of` or earlier, earliest first.
  virtual Result<std::vector<CustomerRow>> ReverifyDue(Timestamp as_of, size_t limit) = 0;
  // Deletes a customer with its access events, verifications and idempotency keys, if it is
  // still as the purge job read it: closed, not held, at `row.revision`, accessed no later than
  // `row.last_access_at`. Returns false (nothing deleted) when it changed since. The purge job
  // decides what may go; the store does not compute retention. Errors: the database's.
  virtual Result<bool> DeleteIfUnchanged(const CustomerRow& row) = 0;

  // Updates the row (as Update) and appends the verification in one transaction.
  // Errors: as Update.
  virtual Result<CustomerRow> RecordVerification(const CustomerRow& row,
                                                 const VerificationRow& v) = 0;
  // A customer's verifications, oldest first.
  virtual Result<std::vector<VerificationRow>> Verifications(std::string_view customer_id) = 0;
  // Every verification in [from, to), oldest first (certifications).
  virtual Result<std::vector<VerificationRow>> VerificationsBetween(Timestamp from,
                                                                    Timestamp to) = 0;

  // Appends a customer's access events in one transaction and moves its last_access_at (the
  // retention clock) to the latest. Errors: NotFound (no such customer; nothing stored).
  virtual Status AppendAccessEvents(std::string_view customer_id,
                                    const std::vector<AccessEventRow>& events) = 0;
  // The distinct countries of a customer's access IPs, sorted ("" excluded).
  virtual Result<std::vector<std::string>> AccessCountries(std::string_view customer_id) = 0;
  // A customer's latest access events, newest first.
  virtual Result<std::vector<AccessEventRow>> AccessEvents(std::string_view customer_id,
                                                           size_t limit) = 0;
};

}  // namespace kycloud::storage
