// Account linking over HTTP (account_linking/account_linking.h, R33):
//   GET  /v1/customers/{id}/links  -> {"customer_id", "group" (null when linked to no one),
//        "members", "links": [{a, b, weight, probability, evidence}], "judgements": [...],
//        "linked_countries", "linked_listed", "end_user_countries"}; 404 for an unknown customer.
//        Roles: admin, officer, auditor.
//   POST /v1/judgements {"a", "b", "same": bool, "reason"} -> 200 {"a", "b", "same", "reason",
//        "groups": {a: group|null, b: group|null}, "redecided": [customer ids decided again]};
//        422 naming the field (a == b, no reason, unknown fields); 404 for an unknown customer.
//        An officer's "not same" splits a group and keeps it split through every re-link; "same"
//        joins two groups. Roles: admin, officer.
//   GET  /v1/links -> {"customers", "groups", "trained_on", "background", "built_at"}.
//        Roles: admin, officer, auditor.
//   POST /v1/links/relink -> 200 {..., "redecided": [...]}: the batch run again over the stored
//        customers (the model re-trained); 409 while one runs. Roles: admin.
#pragma once

#include "kycloud/account_linking/account_linking.h"
#include "kycloud/server/router.h"

namespace kycloud::server {

// `linking` must outlive the router.
void AddLinkRoutes(Router& router, account_linking::AccountLinking& linking);

}  // namespace kycloud::server
