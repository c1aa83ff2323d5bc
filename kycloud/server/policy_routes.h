// Policy and provisioning decisions over HTTP (provisioning/provisioning_service.h,
// docs/policy.md):
//   POST /v1/authorize {customer_id, instance_type | accelerator, count?, region?, at?}
//        -> 200 {decision: allow|deny|review, reasons: [{rule, regime, action, text}],
//        policy_version, date, region_country, controlled, classes}; 422 naming the field.
//   PUT  /v1/customers/{id}/policy-facts  the customer's policy facts (party_facts.h)
//        -> 200 its standing; 422 naming the JSON pointer.
//   GET  /v1/customers/{id}/standing -> 200 the standing (reasons for any request and for
//        controlled accelerators) under the policy in force; 404 for an unknown customer.
//   GET  /v1/policy -> 200 the version in force, its regimes and what applies today.
//   POST /v1/policy/versions {files: [{name, text}]} -> 201 {policy_version, published, changes,
//        alerts}; 422 "FILE:LINE: reason" for a malformed version (the service keeps serving the
//        last good one); 409 when the label is published with other content.
// Roles: admin, officer and integrator authorize and put facts; auditors read; only admins
// publish.
#pragma once

#include "kycloud/provisioning/provisioning_service.h"
#include "kycloud/server/router.h"

namespace kycloud::server {

// `service` must outlive the router.
void AddPolicyRoutes(Router& router, provisioning::ProvisioningService& service);

}  // namespace kycloud::server
