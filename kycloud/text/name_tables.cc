#include "kycloud/text/name_tables.h"

#include <algorithm>
#include <vector>

#include "kycloud/text/name_tables_data.h"
#include "kycloud/text/normalizer.h"

namespace kycloud::text {

namespace {

template <typename Fn>
void ForEachRow(std::string_view tsv, Fn fn) {
  size_t pos = 0;
  while (pos < tsv.size()) {
    size_t end = tsv.find('\n', pos);
    if (end == std::string_view::npos) end = tsv.size();
    std::string_view line = tsv.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string_view> cols;
    size_t start = 0;
    while (true) {
      size_t tab = line.find('\t', start);
      cols.push_back(
          line.substr(start, tab == std::string_view::npos ? std::string_view::npos : tab - start));
      if (tab == std::string_view::npos) break;
      start = tab + 1;
    }
    fn(cols);
  }
}

}  // namespace

const NameTables& NameTables::Default() {
  static const NameTables* tables = new NameTables();
  return *tables;
}

NameTables::NameTables() {
  ForEachRow(OrgTypesTsv(), [&](const std::vector<std::string_view>& c) {
    if (c.size() < 2) return;
    std::string alias = ToLatin(c[0]);
    std::string compare = ToLatin(c[1]);
    if (alias.empty() || compare.empty()) return;
    compare.erase(std::remove(compare.begin(), compare.end(), ' '), compare.end());
    legal_forms_.emplace(alias, compare);
    size_t tokens = 1 + std::count(alias.begin(), alias.end(), ' ');
    max_legal_form_tokens_ = std::max(max_legal_form_tokens_, tokens);
  });
  ForEachRow(NamePrefixesTsv(), [&](const std::vector<std::string_view>& c) {
    if (c.size() < 2 || c[0] != "person") return;
    std::string p = ToLatin(c[1]);
    if (!p.empty() && p.find(' ') == std::string::npos) person_prefixes_.insert(p);
  });
}

}  // namespace kycloud::text
