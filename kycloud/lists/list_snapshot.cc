#include "kycloud/lists/list_snapshot.h"

#include <algorithm>
#include <map>

#include "kycloud/base/sha256.h"

namespace kycloud::lists {

namespace {

// Length-prefixed fields make the serialisation unambiguous.
void Put(std::string& out, std::string_view s) {
  out += std::to_string(s.size());
  out += ':';
  out.append(s);
}

void Serialise(const ListEntity& e, std::string& out) {
  Put(out, e.list);
  Put(out, e.id);
  Put(out, SchemaName(e.schema));
  for (const auto& n : e.names) {
    Put(out, NameKindName(n.kind));
    Put(out, n.text);
  }
  out += '|';
  for (const auto& a : e.addresses) {
    Put(out, a.text);
    Put(out, a.country);
  }
  out += '|';
  for (const auto* v : {&e.dates_of_birth, &e.places_of_birth, &e.nationalities, &e.countries,
                        &e.programs, &e.emails, &e.crypto_addresses, &e.linked_to}) {
    for (const auto& s : *v) Put(out, s);
    out += '|';
  }
  for (const auto& id : e.ids) {
    Put(out, id.type);
    Put(out, id.value);
    Put(out, id.country);
  }
  out += '|';
  Put(out, e.title);
  Put(out, e.remarks);
  Put(out, e.listed_on);
  out += '\n';
}

}  // namespace

ListSnapshot::ListSnapshot(std::vector<ListInfo> lists, std::vector<ListEntity> entities,
                           std::vector<std::string> notes)
    : lists_(std::move(lists)), entities_(std::move(entities)), notes_(std::move(notes)) {
  std::sort(entities_.begin(), entities_.end(), [](const ListEntity& a, const ListEntity& b) {
    return a.list != b.list ? a.list < b.list : a.id < b.id;
  });
  std::sort(lists_.begin(), lists_.end(),
            [](const ListInfo& a, const ListInfo& b) { return a.id < b.id; });
  std::map<std::string, ListInfo*> by_id;
  for (auto& l : lists_) {
    l.entities = l.names = l.addresses = 0;
    by_id[l.id] = &l;
  }
  Sha256Hasher hasher;
  std::string buf;
  for (const ListEntity& e : entities_) {
    buf.clear();
    Serialise(e, buf);
    hasher.Update(buf);
    if (auto it = by_id.find(e.list); it != by_id.end()) {
      ++it->second->entities;
      it->second->names += e.names.size();
      it->second->addresses += e.addresses.size();
    }
  }
  hash_ = HexEncode(hasher.Finish());
}

const ListEntity* ListSnapshot::Find(std::string_view list, std::string_view id) const {
  auto it = std::lower_bound(entities_.begin(), entities_.end(), std::make_pair(list, id),
                             [](const ListEntity& e, const auto& key) {
                               return e.list != key.first ? e.list < key.first : e.id < key.second;
                             });
  if (it == entities_.end() || it->list != list || it->id != id) return nullptr;
  return &*it;
}

std::string ListSnapshot::EntityFingerprint(const ListEntity& e) {
  std::string buf;
  Serialise(e, buf);
  return Sha256Hex(buf).substr(0, 16);
}

}  // namespace kycloud::lists
