#include "kycloud/lists/ofac.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "kycloud/base/csv_reader.h"
#include "kycloud/lists/ofac_remarks.h"
#include "kycloud/lists/source_file.h"

namespace kycloud::lists {

namespace {

// "-0- " and blanks are null.
std::string Field(const std::vector<std::string>& f, size_t i) {
  if (i >= f.size()) return "";
  std::string_view v = Trim(f[i]);
  if (v == "-0-") return "";
  return std::string(v);
}

Schema SchemaFromOfacType(std::string_view type) {
  Schema s = Schema::kLegalEntity;
  if (type.empty() || !ParseSchema(type, s)) return Schema::kLegalEntity;
  return s;
}

Status RowError(const CsvReader& r, std::string_view what) {
  return DataLossError(fmt::format("{}:{}: {}", r.origin(), r.line(), what));
}

bool IsEntityNumber(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// Runs `apply` for each record with at least `min_fields` fields and a numeric first field.
template <typename Fn>
Status ForEachRow(std::string_view text, std::string_view origin, size_t min_fields, Fn apply) {
  CsvReader reader(text, origin);
  std::vector<std::string> f;
  while (true) {
    KY_ASSIGN_OR_RETURN(bool more, reader.Next(f));
    if (!more) return OkStatus();
    if (f.size() == 1 && Trim(f[0]).empty()) continue;
    if (f.size() < min_fields) {
      return RowError(reader, fmt::format("expected {} fields, got {}", min_fields, f.size()));
    }
    std::string id(Trim(f[0]));
    if (!IsEntityNumber(id)) {
      return RowError(reader, fmt::format("entity number '{}' is not a number", id));
    }
    KY_TRY(apply(id, f, reader));
  }
}

}  // namespace

Status ParseOfacPrimaryCsv(std::string_view text, std::string_view origin, std::string_view list,
                           EntityMap& entities, bool only_enrich) {
  EntityMap staged = entities;
  KY_TRY(ForEachRow(
      text, origin, 12,
      [&](const std::string& id, const std::vector<std::string>& f, const CsvReader& r) -> Status {
        auto it = staged.find(id);
        if (only_enrich) {
          if (it == staged.end()) return OkStatus();
          ApplyOfacRemarks(Field(f, 11), it->second);
          return OkStatus();
        }
        if (it != staged.end()) return RowError(r, fmt::format("entity {} appears twice", id));
        std::string name = Field(f, 1);
        if (name.empty()) return RowError(r, "empty name");
        ListEntity e;
        e.list = std::string(list);
        e.id = id;
        e.schema = SchemaFromOfacType(Field(f, 2));
        AddName(e, name, NameKind::kPrimary);
        const std::string programs = Field(f, 3);
        for (std::string_view p : SplitRemarks(programs)) {
          // Programs are "] [" separated in brackets: "[SDGT] [IRGC]" or plain "CUBA".
          std::string prog(Trim(p));
          size_t pos = 0;
          if (prog.find('[') == std::string::npos) {
            AddUnique(e.programs, prog);
            continue;
          }
          while ((pos = prog.find('[', pos)) != std::string::npos) {
            auto end = prog.find(']', pos);
            if (end == std::string::npos) break;
            AddUnique(e.programs,
                      std::string(Trim(std::string_view(prog).substr(pos + 1, end - pos - 1))));
            pos = end;
          }
        }
        e.title = Field(f, 4);
        if (std::string call_sign = Field(f, 5); !call_sign.empty()) {
          e.ids.push_back({"Call Sign", call_sign, ""});
        }
        if (std::string flag = Field(f, 9); !flag.empty()) AddUnique(e.countries, flag);
        ApplyOfacRemarks(Field(f, 11), e);
        staged.emplace(id, std::move(e));
        return OkStatus();
      }));
  entities = std::move(staged);
  return OkStatus();
}

Result<int> ParseOfacAltCsv(std::string_view text, std::string_view origin, EntityMap& entities) {
  EntityMap staged = entities;
  int orphans = 0;
  KY_TRY(ForEachRow(
      text, origin, 4,
      [&](const std::string& id, const std::vector<std::string>& f, const CsvReader& r) -> Status {
        auto it = staged.find(id);
        if (it == staged.end()) {
          ++orphans;
          return OkStatus();
        }
        std::string name = Field(f, 3);
        if (name.empty()) return RowError(r, "empty alias");
        std::string type = Field(f, 2);
        // OFAC marks weak aliases in ALT remarks ("weak") in some vintages.
        bool weak = Field(f, 4).find("weak") != std::string::npos;
        AddName(it->second, name, weak ? NameKind::kWeakAlias : NameKind::kAlias);
        return OkStatus();
      }));
  entities = std::move(staged);
  return orphans;
}

Result<int> ParseOfacAddCsv(std::string_view text, std::string_view origin, EntityMap& entities) {
  EntityMap staged = entities;
  int orphans = 0;
  KY_TRY(ForEachRow(
      text, origin, 5,
      [&](const std::string& id, const std::vector<std::string>& f, const CsvReader&) -> Status {
        auto it = staged.find(id);
        if (it == staged.end()) {
          ++orphans;
          return OkStatus();
        }
        std::string line;
        for (size_t i : {2, 3, 4}) {
          std::string part = Field(f, i);
          if (part.empty()) continue;
          if (!line.empty()) line += ", ";
          line += part;
        }
        if (line.empty()) return OkStatus();
        Address a{line, Field(f, 4)};
        auto& addrs = it->second.addresses;
        if (std::find(addrs.begin(), addrs.end(), a) == addrs.end()) addrs.push_back(a);
        AddUnique(it->second.countries, a.country);
        return OkStatus();
      }));
  entities = std::move(staged);
  return orphans;
}

Result<int> ParseOfacCommentsCsv(std::string_view text, std::string_view origin,
                                 EntityMap& entities) {
  EntityMap staged = entities;
  int orphans = 0;
  KY_TRY(ForEachRow(
      text, origin, 2,
      [&](const std::string& id, const std::vector<std::string>& f, const CsvReader&) -> Status {
        auto it = staged.find(id);
        if (it == staged.end()) {
          ++orphans;
          return OkStatus();
        }
        ApplyOfacRemarks(Field(f, 1), it->second);
        return OkStatus();
      }));
  entities = std::move(staged);
  return orphans;
}

Status ParseOfacJson(std::string_view text, std::string_view origin, std::string_view list,
                     EntityMap& entities) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    return DataLossError(fmt::format("{}: malformed JSON at byte {}", origin, e.byte));
  } catch (const nlohmann::json::exception& e) {  // e.g. a number out of range
    return DataLossError(fmt::format("{}: malformed JSON: {}", origin, e.what()));
  }
  const nlohmann::json* arr = &doc;
  if (doc.is_object()) {
    auto it = doc.find("entries");
    if (it == doc.end()) return DataLossError(fmt::format("{}: no \"entries\" array", origin));
    arr = &*it;
  }
  if (!arr->is_array()) return DataLossError(fmt::format("{}: entries must be an array", origin));
  EntityMap staged = entities;
  size_t index = 0;
  for (const auto& entry : *arr) {
    auto bad = [&](std::string_view what) {
      return DataLossError(fmt::format("{}: entry {}: {}", origin, index, what));
    };
    if (!entry.is_object()) return bad("not an object");
    auto uid = entry.find("uid");
    auto name = entry.find("name");
    if (uid == entry.end() || !(uid->is_number_integer() || uid->is_string())) return bad("no uid");
    if (name == entry.end() || !name->is_string()) return bad("no name");
    std::string id =
        uid->is_string() ? uid->get<std::string>() : std::to_string(uid->get<long long>());
    ListEntity e;
    e.list = std::string(list);
    e.id = id;
    if (auto t = entry.find("type"); t != entry.end() && t->is_string()) {
      e.schema = SchemaFromOfacType(t->get<std::string>());
    }
    AddName(e, name->get<std::string>(), NameKind::kPrimary);
    if (auto a = entry.find("alternateNames"); a != entry.end() && a->is_array()) {
      for (const auto& alias : *a) {
        if (alias.is_string()) AddName(e, alias.get<std::string>(), NameKind::kAlias);
      }
    }
    if (auto p = entry.find("programs"); p != entry.end() && p->is_array()) {
      for (const auto& prog : *p) {
        if (prog.is_string()) AddUnique(e.programs, prog.get<std::string>());
      }
    }
    if (e.names.empty()) return bad("empty name");
    if (!staged.emplace(id, std::move(e)).second)
      return bad(fmt::format("uid {} appears twice", id));
    ++index;
  }
  entities = std::move(staged);
  return OkStatus();
}

}  // namespace kycloud::lists
