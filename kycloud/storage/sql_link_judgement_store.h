// SqlLinkJudgementStore: LinkJudgementStore on a Database (SQLite or PostgreSQL), table
// link_judgements.
//
// Thread-safety: as LinkJudgementStore.
#pragma once

#include "kycloud/storage/database.h"
#include "kycloud/storage/link_judgement_store.h"

namespace kycloud::storage {

class SqlLinkJudgementStore final : public LinkJudgementStore {
 public:
  // `db` must outlive the store.
  explicit SqlLinkJudgementStore(Database& db) : db_(db) {}
  Status Put(const LinkJudgementRecord& j) override;
  Result<std::vector<LinkJudgementRecord>> All() override;
  Result<std::vector<LinkJudgementRecord>> Of(std::string_view id) override;

 private:
  Database& db_;
};

}  // namespace kycloud::storage
