// ListSnapshot: an immutable set of loaded lists and their entities, with a content hash that
// names exactly this data (every screening result quotes it). Built once by the loader; shared
// read-only between threads (hold it by shared_ptr and swap the pointer to update).
//
// The hash is the SHA-256 of a canonical serialisation of every entity, sorted by (list, id), so
// it does not depend on file order, compression or formatting of the source files.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "kycloud/lists/list_entity.h"

namespace kycloud::lists {

struct ListInfo {
  std::string id;                  // "us_ofac_sdn"
  std::string title;               // "OFAC Specially Designated Nationals"
  std::string publisher;           // "US Treasury OFAC"
  std::string data_date;           // newest date of the files it came from ("2026-08-20"), or ""
  std::vector<std::string> files;  // the files it was read from
  size_t entities = 0;
  size_t names = 0;
  size_t addresses = 0;
};

class ListSnapshot {
 public:
  ListSnapshot() = default;
  // Sorts entities by (list, id), counts them into `lists` and computes the hash.
  ListSnapshot(std::vector<ListInfo> lists, std::vector<ListEntity> entities,
               std::vector<std::string> notes = {});

  const std::vector<ListInfo>& lists() const { return lists_; }
  const std::vector<ListEntity>& entities() const { return entities_; }
  // Lower-case hex SHA-256.
  const std::string& hash() const { return hash_; }
  // What the loader wants the user to know (ignored files, superseded lists).
  const std::vector<std::string>& notes() const { return notes_; }
  // The entity with (list, id), or null.
  const ListEntity* Find(std::string_view list, std::string_view id) const;
  // Fingerprint of one entity (changes whenever any of its data changes).
  static std::string EntityFingerprint(const ListEntity& e);

 private:
  std::vector<ListInfo> lists_;
  std::vector<ListEntity> entities_;
  std::vector<std::string> notes_;
  std::string hash_;
};

}  // namespace kycloud::lists
