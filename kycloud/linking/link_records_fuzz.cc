// Fuzz target: `kycloud link`'s input — a field mapping (the first line) and a CSV (the rest) —
// read, then linked in batch and record by record. Invariants: every record read has a non-empty
// id; the batch gives every record a group that is one of the records; the index built from the
// records places each in a group that contains it; judgements and removals keep that true and
// leave no trace of a removed record.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "kycloud/linking/link_index.h"
#include "kycloud/linking/record_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kycloud::linking;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  if (newline == std::string_view::npos) return 0;
  auto mapping = ParseFieldMapping(input.substr(0, newline));
  if (!mapping) return 0;
  auto records = ReadLinkRecords(input.substr(newline + 1), *mapping, "fuzz.csv");
  if (!records || records->size() > 200) return 0;
  for (const LinkRecord& r : *records) {
    if (r.id.empty()) std::abort();
  }
  LinkOptions options;
  options.threads = 1;
  options.random_pairs = 1000;
  auto result = Link(*records, {}, options);
  if (!result) return 0;  // duplicate ids
  for (std::uint32_t g : result->group) {
    if (g >= result->records.size()) std::abort();
  }
  auto index = LinkIndex::Build({}, {}, options);
  if (!index) std::abort();
  for (const LinkRecord& r : *records) {
    auto change = index->Upsert(r);
    if (!change) std::abort();
    const auto members = index->MembersOf(r.id);
    if (std::find(members.begin(), members.end(), r.id) == members.end()) std::abort();
  }
  // Every other record judged "same" as its predecessor, then every third removed: the removed
  // are gone, each one left is still in a group that contains it and names a record left.
  for (size_t i = 1; i < records->size(); i += 2) {
    if ((*records)[i].id == (*records)[i - 1].id) continue;
    if (!index->Judge({(*records)[i - 1].id, (*records)[i].id, true})) std::abort();
  }
  for (size_t i = 0; i < records->size(); i += 3) {
    if (!index->Contains((*records)[i].id)) continue;  // a repeated id, removed already
    if (!index->Remove((*records)[i].id)) std::abort();
  }
  for (size_t i = 0; i < records->size(); ++i) {
    const std::string& id = (*records)[i].id;
    if (!index->Contains(id)) {
      if (!index->GroupOf(id).empty() || !index->MembersOf(id).empty()) std::abort();
      continue;
    }
    const std::string group = index->GroupOf(id);
    if (group.empty() || !index->Contains(group)) std::abort();
    const auto members = index->MembersOf(id);
    if (std::find(members.begin(), members.end(), id) == members.end()) std::abort();
  }
  for (const auto& g : index->Groups(1)) {
    for (const std::string& id : g) {
      if (!index->Contains(id)) std::abort();
    }
  }
  return 0;
}
