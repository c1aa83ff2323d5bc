#include "kycloud/lists/list_loader.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <set>

#include "kycloud/lists/csl.h"
#include "kycloud/lists/dpl.h"
#include "kycloud/lists/ofac.h"
#include "kycloud/lists/source_file.h"
#include "kycloud/lists/uk_ods.h"
#include "kycloud/lists/un_xml.h"

namespace kycloud::lists {

namespace fs = std::filesystem;

namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// File name without directories, lower case, without a trailing ".gz".
std::string BaseName(const fs::path& p) {
  std::string name = Lower(p.filename().string());
  if (name.ends_with(".gz")) name.resize(name.size() - 3);
  return name;
}

// The newest date written in any of the paths ("2026-08-20", "2022-05").
std::string DateFromPaths(const std::vector<std::string>& paths) {
  static const std::regex kDate(R"((20\d\d)-(\d\d)(-(\d\d))?)");
  std::string best;
  for (const auto& p : paths) {
    std::smatch m;
    std::string s = p;
    while (std::regex_search(s, m, kDate)) {
      best = std::max(best, m.str(0));
      s = m.suffix();
    }
  }
  return best;
}

bool IsSkipped(const std::string& base) {
  for (std::string_view prefix :
       {"readme", "license", "licence", "provenance", "sha256sums", "metadata", "notice", "."}) {
    if (base.starts_with(prefix)) return true;
  }
  return false;
}

struct Builder {
  std::map<std::string, ListInfo> infos;
  std::map<std::string, std::vector<ListEntity>> entities;
  std::set<std::string> from_csl;  // list ids that came from a CSL file
  std::vector<std::string> notes;

  void NoteSkipped(const std::string& file, int rows) {
    if (rows > 0) notes.push_back(fmt::format("{}: {} rows without a name skipped", file, rows));
  }
  ListInfo& Info(const std::string& id, std::string_view title, std::string_view publisher) {
    auto [it, inserted] = infos.try_emplace(id);
    if (inserted) {
      it->second.id = id;
      it->second.title = std::string(title);
      it->second.publisher = std::string(publisher);
    }
    return it->second;
  }
  void Add(const std::string& id, std::string_view title, std::string_view publisher,
           const std::string& file, std::vector<ListEntity> list, std::string date = "") {
    ListInfo& info = Info(id, title, publisher);
    info.files.push_back(file);
    info.data_date = std::max(info.data_date, date.empty() ? DateFromPaths({file}) : date);
    auto& dest = entities[id];
    for (auto& e : list) dest.push_back(std::move(e));
  }
};

// One directory's OFAC legacy / JSON files.
struct OfacSet {
  std::string json, primary, alt, add, comments;
};

Status LoadOfacSet(const OfacSet& set, const std::string& list_id, Builder& b) {
  EntityMap map;
  std::vector<std::string> files;
  auto read = [&](const std::string& path) -> Result<std::string> {
    KY_ASSIGN_OR_RETURN(std::string data, ReadListFile(path));
    files.push_back(path);
    return ToCleanUtf8(std::move(data));
  };
  if (!set.json.empty()) {
    KY_ASSIGN_OR_RETURN(std::string text, read(set.json));
    KY_TRY(ParseOfacJson(text, set.json, list_id, map));
  }
  if (!set.primary.empty()) {
    KY_ASSIGN_OR_RETURN(std::string text, read(set.primary));
    KY_TRY(ParseOfacPrimaryCsv(text, set.primary, list_id, map, /*only_enrich=*/!set.json.empty()));
  }
  if (map.empty()) return OkStatus();  // ALT/ADD without entries: nothing to attach to
  for (const auto& [path, parse] : std::initializer_list<std::pair<
           const std::string*, Result<int> (*)(std::string_view, std::string_view, EntityMap&)>>{
           {&set.alt, &ParseOfacAltCsv},
           {&set.add, &ParseOfacAddCsv},
           {&set.comments, &ParseOfacCommentsCsv}}) {
    if (path->empty()) continue;
    KY_ASSIGN_OR_RETURN(std::string text, read(*path));
    KY_ASSIGN_OR_RETURN(int orphans, parse(text, *path, map));
    if (orphans > 0) {
      b.notes.push_back(
          fmt::format("{}: {} rows refer to entities not in the list (delisted)", *path, orphans));
    }
  }
  std::vector<ListEntity> list;
  list.reserve(map.size());
  for (auto& [id, e] : map) list.push_back(std::move(e));
  bool sdn = list_id.starts_with("us_ofac_sdn");
  ListInfo& info = b.Info(
      list_id,
      sdn ? "OFAC Specially Designated Nationals" : "OFAC Consolidated Sanctions List (non-SDN)",
      "US Treasury OFAC");
  info.files.insert(info.files.end(), files.begin(), files.end());
  // The data date is that of the file the entries came from.
  info.data_date =
      std::max(info.data_date, DateFromPaths({set.json.empty() ? set.primary : set.json}));
  auto& dest = b.entities[list_id];
  for (auto& e : list) dest.push_back(std::move(e));
  return OkStatus();
}

Status LoadFile(const fs::path& path, Builder& b, std::map<std::string, OfacSet>& ofac_sets) {
  std::string base = BaseName(path);
  std::string file = path.string();
  std::string dir = path.parent_path().string();
  if (IsSkipped(base)) return OkStatus();
  // OFAC legacy sets are recognised by name and assembled per directory afterwards.
  static const std::map<std::string, std::pair<std::string, std::string OfacSet::*>> kOfacNames = {
      {"sdn.csv", {"sdn", &OfacSet::primary}},
      {"alt.csv", {"sdn", &OfacSet::alt}},
      {"add.csv", {"sdn", &OfacSet::add}},
      {"sdn_comments.csv", {"sdn", &OfacSet::comments}},
      {"cons_prim.csv", {"cons", &OfacSet::primary}},
      {"cons_alt.csv", {"cons", &OfacSet::alt}},
      {"cons_add.csv", {"cons", &OfacSet::add}},
      {"cons_comments.csv", {"cons", &OfacSet::comments}},
  };
  if (auto it = kOfacNames.find(base); it != kOfacNames.end()) {
    ofac_sets[dir + "\n" + it->second.first].*(it->second.second) = file;
    return OkStatus();
  }
  KY_ASSIGN_OR_RETURN(std::string raw, ReadListFile(file));
  if (base.ends_with(".ods")) {
    KY_ASSIGN_OR_RETURN(auto uk, ParseUkOds(raw, file));
    b.NoteSkipped(file, uk.rows_without_name);
    b.Add("uk_fcdo", "UK Sanctions List", "UK FCDO", file, std::move(uk.entities));
    return OkStatus();
  }
  std::string text = ToCleanUtf8(std::move(raw));
  std::string_view head = std::string_view(text).substr(0, 4096);
  if (head.find("<CONSOLIDATED_LIST") != std::string_view::npos) {
    KY_ASSIGN_OR_RETURN(auto un, ParseUnXml(text, file));
    b.Add("un_sc", "UN Security Council Consolidated List", "United Nations Security Council", file,
          std::move(un.entities), un.date_generated);
    return OkStatus();
  }
  if (base.ends_with(".json") && head.find("\"uid\"") != std::string_view::npos) {
    ofac_sets[dir + "\nsdn"].json = file;
    return OkStatus();
  }
  if (head.starts_with("_id,source,")) {
    KY_ASSIGN_OR_RETURN(auto csl, ParseCslCsv(text, file));
    for (auto& [id, list] : csl.by_list) {
      b.from_csl.insert(id);
      b.Add(id, CslListTitle(id, csl.sources[id]), "US ITA Consolidated Screening List", file,
            std::move(list));
    }
    return OkStatus();
  }
  if (head.starts_with("\"Name\"\t") || head.starts_with("Name\t")) {
    KY_ASSIGN_OR_RETURN(auto dpl, ParseDplTsv(text, file));
    // A dedicated DPL file replaces the CSL's copy below.
    b.Add("us_bis_dpl#file", "BIS Denied Persons List", "US Commerce BIS", file, std::move(dpl));
    return OkStatus();
  }
  if (head.find("Unique ID") != std::string_view::npos &&
      head.find("OFSI Group ID") != std::string_view::npos) {
    KY_ASSIGN_OR_RETURN(auto uk, ParseUkCsv(text, file));
    b.NoteSkipped(file, uk.rows_without_name);
    b.Add("uk_fcdo", "UK Sanctions List", "UK FCDO", file, std::move(uk.entities));
    return OkStatus();
  }
  b.notes.push_back(fmt::format("{}: not a recognised list format, ignored", file));
  return OkStatus();
}

}  // namespace

Result<ListSnapshot> LoadListDirectory(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Err(NotFoundError(fmt::format("list directory {} does not exist", dir)));
  }
  std::vector<fs::path> files;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file()) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  Builder b;
  std::map<std::string, OfacSet> ofac_sets;
  for (const auto& f : files) KY_TRY(LoadFile(f, b, ofac_sets));
  for (const auto& [key, set] : ofac_sets) {
    std::string kind = key.substr(key.find('\n') + 1);
    KY_TRY(LoadOfacSet(set, kind == "sdn" ? "us_ofac_sdn#file" : "us_ofac_cons", b));
  }
  // Dedicated files supersede the CSL's copies.
  auto supersede = [&](const std::string& file_id, const std::string& csl_id) {
    if (!b.infos.contains(file_id) || !b.from_csl.contains(csl_id) || !b.infos.contains(csl_id))
      return;
    b.notes.push_back(fmt::format("{} from {} superseded by {}", csl_id,
                                  b.infos[csl_id].files.front(), b.infos[file_id].files.front()));
    b.infos.erase(csl_id);
    b.entities.erase(csl_id);
  };
  supersede("us_ofac_sdn#file", "us_ofac_sdn");
  supersede("us_bis_dpl#file", "us_bis_dpl");
  for (const char* id : {"us_ofac_ssi", "us_ofac_plc", "us_ofac_cmic", "us_ofac_capta",
                         "us_ofac_nsmbs", "us_ofac_fse"}) {
    supersede("us_ofac_cons", id);
  }
  // "#file" ids become the plain list ids.
  for (std::string id : {"us_ofac_sdn", "us_bis_dpl"}) {
    auto node = b.infos.extract(id + "#file");
    if (node.empty()) continue;
    node.key() = id;
    node.mapped().id = id;
    b.infos.insert(std::move(node));
    auto ents = b.entities.extract(id + "#file");
    for (auto& e : ents.mapped()) e.list = id;
    auto& dest = b.entities[id];
    for (auto& e : ents.mapped()) dest.push_back(std::move(e));
  }
  std::vector<ListInfo> infos;
  std::vector<ListEntity> all;
  for (auto& [id, info] : b.infos) infos.push_back(std::move(info));
  for (auto& [id, list] : b.entities) {
    for (auto& e : list) all.push_back(std::move(e));
  }
  if (all.empty()) return Err(NotFoundError(fmt::format("no list files found in {}", dir)));
  // Entity ids must be unique within a list.
  std::sort(all.begin(), all.end(), [](const ListEntity& a, const ListEntity& c) {
    return a.list != c.list ? a.list < c.list : a.id < c.id;
  });
  for (size_t i = 1; i < all.size(); ++i) {
    if (all[i].list == all[i - 1].list && all[i].id == all[i - 1].id) {
      return Err(DataLossError(
          fmt::format("{}: entity id '{}' appears twice (in {})", dir, all[i].id, all[i].list)));
    }
  }
  return ListSnapshot(std::move(infos), std::move(all), std::move(b.notes));
}

}  // namespace kycloud::lists
