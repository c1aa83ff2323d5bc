// SqlCustomerStore: CustomerStore on a Database (SQLite or PostgreSQL), table customers.
//
// Thread-safety: as CustomerStore.
#pragma once

#include "kycloud/storage/customer_store.h"
#include "kycloud/storage/database.h"

namespace kycloud::storage {

class SqlCustomerStore final : public CustomerStore {
 public:
  // `db` must outlive the store.
  explicit SqlCustomerStore(Database& db) : db_(db) {}

  Result<std::pair<CustomerRow, bool>> Insert(const CustomerRow& row,
                                              std::string_view idempotency_key,
                                              std::string_view request_hash) override;
  Result<CustomerRow> Get(std::string_view id) override;
  Result<CustomerRow> Update(const CustomerRow& row) override;
  Result<std::vector<CustomerRow>> List(const CustomerFilter& filter) override;
  Result<std::vector<CustomerRow>> ReverifyDue(Timestamp as_of, size_t limit) override;
  Result<bool> DeleteIfUnchanged(const CustomerRow& row) override;
  Result<CustomerRow> RecordVerification(const CustomerRow& row, const VerificationRow& v) override;
  Result<std::vector<VerificationRow>> Verifications(std::string_view customer_id) override;
  Result<std::vector<VerificationRow>> VerificationsBetween(Timestamp from, Timestamp to) override;
  Status AppendAccessEvents(std::string_view customer_id,
                            const std::vector<AccessEventRow>& events) override;
  Result<std::vector<std::string>> AccessCountries(std::string_view customer_id) override;
  Result<std::vector<AccessEventRow>> AccessEvents(std::string_view customer_id,
                                                   size_t limit) override;

 private:
  Database& db_;
};

}  // namespace kycloud::storage
