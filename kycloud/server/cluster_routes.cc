#include "kycloud/server/cluster_routes.h"

#include "kycloud/server/json_body.h"

namespace kycloud::server {

void AddClusterRoutes(Router& router, const cluster::ChangeFollower& follower,
                      const cluster::Leadership& leadership) {
  router.Add(
      {.method = Method::kGet, .path = "/v1/cluster", .roles = {"admin", "auditor"}},
      [&follower, &leadership](const HttpRequest&, const RequestContext&) -> Result<HttpResponse> {
        const cluster::ChangeFollowerStats s = follower.stats();
        nlohmann::json feed = {{"cursor", s.cursor},
                               {"max_seen", s.max_seen},
                               {"open_gaps", s.open_gaps},
                               {"applied", s.applied},
                               {"skipped_own", s.skipped_own},
                               {"expired_gaps", s.expired_gaps},
                               {"failed_polls", s.failed_polls}};
        if (s.last_poll != Timestamp{}) feed["last_poll_at"] = FormatRfc3339(s.last_poll);
        return HttpResponse::Json(200, DumpJson({{"instance", leadership.holder()},
                                                 {"leader", leadership.leading()},
                                                 {"change_feed", std::move(feed)}}));
      });
}

}  // namespace kycloud::server
