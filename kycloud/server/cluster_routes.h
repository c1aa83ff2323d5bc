// GET /v1/cluster (admin, auditor): this instance, whether it leads the background duties, and
// how far it has followed the change feed of the instances sharing its database
// (docs/operations.md "Several instances").
#pragma once

#include "kycloud/cluster/change_follower.h"
#include "kycloud/cluster/leadership.h"
#include "kycloud/server/router.h"

namespace kycloud::server {

// `follower` and `leadership` must outlive the router.
void AddClusterRoutes(Router& router, const cluster::ChangeFollower& follower,
                      const cluster::Leadership& leadership);

}  // namespace kycloud::server
