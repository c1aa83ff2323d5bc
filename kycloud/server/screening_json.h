// JSON forms of screening queries and hits, shared by POST /v1/screen and `kycloud screen` so that
// both give the same result shape:
//   hit: {list, entity_id, name, matched_name, score, explanation: {name_score,
//         matched_name_kind, aligned[{query, candidate, similarity, weight}], unmatched_query,
//         unmatched_candidate, features, schema}}
//   query: {name | full_name, schema?, date_of_birth | dob?, nationality | country?, id?}; other
//          members are the caller's and are echoed back untouched.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "kycloud/base/result.h"
#include "kycloud/screening/screener.h"

namespace kycloud::server {

nlohmann::json HitJson(const screening::ScreeningIndex& index, const screening::Hit& hit);

// Errors: InvalidArgument with the field's JSON pointer under `pointer` (e.g. "/queries/3").
Result<screening::ScreeningQuery> QueryFromJson(const nlohmann::json& query,
                                                std::string_view pointer);

}  // namespace kycloud::server
