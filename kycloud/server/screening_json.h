// JSON forms of screening queries and hits, shared by POST /v1/screen and `kycloud screen` so that
// both give the same result shape:
//   hit: {list, entity_id, name, matched_name, score, explanation: {name_score,
//         matched_name_kind, aligned[{query, candidate, similarity, weight}], unmatched_query,
//         unmatched_candidate, features, schema}}
//   OFAC-parity hit (--algorithm ofac): the same members; explanation: {algorithm: "ofac",
//         ofac_score (0..100), matched_name_kind, schema}
//   query: {name | full_name, schema?, date_of_birth | dob?, nationality | country?, id?,
//          subject_id? (the caller's id of the party, for dispositions)}; other
//          members are the caller's and are echoed back untouched.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

#include "kycloud/base/result.h"
#include "kycloud/screening/ofac_scorer.h"
#include "kycloud/screening/screener.h"

namespace kycloud::server {

nlohmann::json HitJson(const screening::ScreeningIndex& index, const screening::Hit& hit);
nlohmann::json OfacHitJson(const screening::OfacIndex& index, const screening::OfacIndex::Hit& hit);

// Errors: InvalidArgument with the field's JSON pointer under `pointer` (e.g. "/queries/3").
Result<screening::ScreeningQuery> QueryFromJson(const nlohmann::json& query,
                                                std::string_view pointer);

}  // namespace kycloud::server
