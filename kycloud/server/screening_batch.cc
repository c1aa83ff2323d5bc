#include "kycloud/server/screening_batch.h"

#include <fmt/format.h>

#include <sstream>

#include "kycloud/base/csv_reader.h"
#include "kycloud/lists/source_file.h"
#include "kycloud/server/screening_json.h"

namespace kycloud::server {

namespace {

using json = nlohmann::json;

void FillQuery(BatchQuery& q, const std::string& origin) {
  auto parsed = QueryFromJson(q.original, "");
  if (!parsed) {
    std::string field(parsed.error().field());
    q.error = fmt::format("{}:{}: {}{}", origin, q.line, parsed.error().message(),
                          field.empty() ? "" : " (" + field.substr(1) + ")");
    return;
  }
  q.query = std::move(*parsed);
}

}  // namespace

Result<std::vector<BatchQuery>> ReadBatchQueries(std::string_view text, const std::string& origin,
                                                 bool jsonl) {
  std::vector<BatchQuery> out;
  if (jsonl) {
    std::istringstream in{std::string(text)};
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (lists::Trim(line).empty()) continue;
      BatchQuery q;
      q.line = n;
      try {
        q.original = json::parse(line);
        if (!q.original.is_object()) q.error = fmt::format("{}:{}: not a JSON object", origin, n);
      } catch (const json::parse_error& e) {
        q.error = fmt::format("{}:{}: malformed JSON at byte {}", origin, n, e.byte);
      } catch (const json::exception& e) {  // e.g. a number out of range
        q.error = fmt::format("{}:{}: malformed JSON: {}", origin, n, e.what());
      }
      if (q.error.empty()) FillQuery(q, origin);
      out.push_back(std::move(q));
    }
    return out;
  }
  CsvReader reader(text, origin);
  std::vector<std::string> header, fields;
  KY_ASSIGN_OR_RETURN(bool any, reader.Next(header));
  if (!any) return out;
  for (auto& h : header) h = std::string(lists::Trim(h));
  while (true) {
    auto more = reader.Next(fields);
    if (!more) {  // an unterminated quote: the rest of the file is one broken field
      BatchQuery q;
      q.line = reader.line();
      q.error = std::string(more.error().message());
      out.push_back(std::move(q));
      break;
    }
    if (!*more) break;
    BatchQuery q;
    q.line = reader.line();
    q.original = json::object();
    if (fields.size() != header.size()) {
      q.error = fmt::format("{}:{}: expected {} fields, got {}", origin, q.line, header.size(),
                            fields.size());
    } else {
      for (size_t i = 0; i < header.size(); ++i) q.original[header[i]] = fields[i];
      FillQuery(q, origin);
    }
    out.push_back(std::move(q));
  }
  return out;
}

Result<NamePairs> ReadNamePairs(std::string_view text, const std::string& origin) {
  CsvReader reader(text, origin);
  NamePairs out;
  KY_ASSIGN_OR_RETURN(bool any, reader.Next(out.header));
  if (!any) return Err(InvalidArgumentError(origin + ": empty file"));
  int schema_col = -1;
  for (size_t i = 0; i < out.header.size(); ++i) {
    const std::string_view h = lists::Trim(out.header[i]);
    if (h == "name1") out.name1 = static_cast<int>(i);
    if (h == "name2") out.name2 = static_cast<int>(i);
    if (h == "schema") schema_col = static_cast<int>(i);
  }
  if (out.name1 < 0 || out.name2 < 0) {
    return Err(InvalidArgumentError(origin + ":1: needs columns name1 and name2"));
  }
  while (true) {
    NamePairRow r;
    auto more = reader.Next(r.fields);
    if (!more) {
      r.line = reader.line();
      r.error = std::string(more.error().message());
      out.rows.push_back(std::move(r));
      out.truncated = true;
      break;
    }
    if (!*more) break;
    r.line = reader.line();
    if (r.fields.size() != out.header.size()) {
      r.error = fmt::format("{}:{}: expected {} fields, got {}", origin, r.line, out.header.size(),
                            r.fields.size());
    } else if (schema_col >= 0) {
      const std::string_view s = lists::Trim(r.fields[schema_col]);
      lists::Schema schema;
      if (s.empty()) {
        // no schema: compare as given
      } else if (lists::ParseSchema(s, schema)) {
        r.schema = schema;
      } else {
        r.error = fmt::format(
            "{}:{}: unknown schema '{}' (Person, Company, Organization, LegalEntity, Vessel, "
            "Airplane)",
            origin, r.line, s);
      }
    }
    out.rows.push_back(std::move(r));
  }
  return out;
}

}  // namespace kycloud::server
