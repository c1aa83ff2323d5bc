// OFAC's list files. The legacy CSV set (SDN.CSV or CONS_PRIM.CSV with ALT, ADD and
// SDN_COMMENTS / CONS_COMMENTS): no header, "-0-" for null, CRLF, a 0x1A end marker, entity
// numbers joining the files. And the SDN JSON ({uid, name, type, programs[], alternateNames[]}).
// Each function adds to or enriches an EntityMap keyed by entity number, so that a set can be
// assembled from several files (the bundled SDN takes entries from the JSON, addresses and alias
// types from ALT/ADD, identifying remarks from an SDN.CSV).
//
// Errors: DataLoss "file:line: ..." for a malformed row; the map is then left as it was before
// the call (nothing half-applied).
// Thread-safety: pure functions.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "kycloud/base/result.h"
#include "kycloud/lists/list_entity.h"

namespace kycloud::lists {

using EntityMap = std::map<std::string, ListEntity>;

// SDN.CSV / CONS_PRIM.CSV: adds entities (12 columns). With `only_enrich`, rows whose entity is
// not already in the map are ignored and existing entries only gain remarks-derived facts.
Status ParseOfacPrimaryCsv(std::string_view text, std::string_view origin, std::string_view list,
                           EntityMap& entities, bool only_enrich = false);
// ALT.CSV: aliases (aka / fka / nka) of entities in the map; returns how many rows had no entity.
Result<int> ParseOfacAltCsv(std::string_view text, std::string_view origin, EntityMap& entities);
// ADD.CSV: addresses; returns how many rows had no entity.
Result<int> ParseOfacAddCsv(std::string_view text, std::string_view origin, EntityMap& entities);
// SDN_COMMENTS.CSV: remarks continued past the primary file's column limit.
Result<int> ParseOfacCommentsCsv(std::string_view text, std::string_view origin,
                                 EntityMap& entities);
// The SDN JSON document (object with "entries", or a bare array of entries).
Status ParseOfacJson(std::string_view text, std::string_view origin, std::string_view list,
                     EntityMap& entities);

}  // namespace kycloud::lists
