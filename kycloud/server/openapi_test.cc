// Keeps the OpenAPI document true: it lists exactly the routes the service registers, with the
// same access rules.
#include "kycloud/server/openapi.h"
#include "kycloud/server/link_routes.h"
#include "kycloud/storage/sql_link_judgement_store.h"

#include <gtest/gtest.h>

#include <fmt/format.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "kycloud/server/audit_routes.h"
#include "kycloud/server/case_routes.h"
#include "kycloud/server/cip_routes.h"
#include "kycloud/server/cluster_routes.h"
#include "kycloud/server/compute_routes.h"
#include "kycloud/server/core_routes.h"
#include "kycloud/server/customer_routes.h"
#include "kycloud/server/disposition_routes.h"
#include "kycloud/server/http_server.h"
#include "kycloud/server/key_routes.h"
#include "kycloud/server/policy_routes.h"
#include "kycloud/server/report_routes.h"
#include "kycloud/server/screen_routes.h"
#include "kycloud/server/session_routes.h"
#include "kycloud/server/testing/service_router.h"
#include "kycloud/storage/memory_api_key_store.h"
#include "kycloud/storage/memory_audit_store.h"
#include "kycloud/storage/memory_disposition_store.h"
#include "kycloud/storage/sql_case_store.h"
#include "kycloud/storage/sql_cip_request_store.h"
#include "kycloud/storage/sql_customer_store.h"
#include "kycloud/storage/sql_policy_store.h"
#include "kycloud/storage/sql_reseller_store.h"
#include "kycloud/storage/sql_session_store.h"
#include "kycloud/storage/sql_usage_store.h"
#include "kycloud/storage/testing/test_database.h"

namespace kycloud::server {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(c));
  return out;
}

using server::testing::Auth;
using server::testing::Keys;
using server::testing::ServiceRouter;

TEST(OpenApiTest, IsValidOpenApi3) {
  auto doc = nlohmann::json::parse(OpenApiDocument());
  EXPECT_TRUE(doc["openapi"].get<std::string>().starts_with("3."));
  EXPECT_TRUE(doc["paths"].is_object());
  EXPECT_TRUE(doc["components"]["schemas"].contains("Error"));
}

TEST(OpenApiTest, DocumentsExactlyTheRegisteredRoutes) {
  auto doc = nlohmann::json::parse(OpenApiDocument());
  std::set<std::string> documented, registered;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      if (method == "parameters") continue;
      documented.insert(Lower(method) + " " + path);
    }
  }
  Router router = ServiceRouter();
  for (const Route& r : router.routes()) {
    registered.insert(Lower(MethodName(r.spec.method)) + " " + r.spec.path);
    const auto& op = doc["paths"][r.spec.path][Lower(MethodName(r.spec.method))];
    ASSERT_TRUE(op.is_object()) << "undocumented route " << r.spec.path;
    const auto& roles = op["x-kycloud-roles"];
    if (!r.spec.authenticated) {
      EXPECT_EQ(roles, "public") << r.spec.path;
      EXPECT_EQ(op["security"], nlohmann::json::array()) << r.spec.path;
    } else if (r.spec.roles.empty()) {
      EXPECT_EQ(roles, "any") << r.spec.path;
    } else {
      EXPECT_EQ(roles.get<std::vector<std::string>>(), r.spec.roles) << r.spec.path;
    }
  }
  EXPECT_EQ(documented, registered);
}

// The role matrix: every documented route, called through a real HttpServer by a key of every role
// and by no key, answers as its x-kycloud-roles rule says — 401 without a key, 403 for a role not
// listed, and for a listed role neither of those nor a 500 (bodies are "{}", ids made up: the
// handlers answer 4xx). A route documented without a rule fails here; a route registered without
// documentation fails DocumentsExactlyTheRegisteredRoutes.
TEST(RoleMatrixTest, EveryRouteAnswersEveryRoleAsDocumented) {
  auto doc = nlohmann::json::parse(OpenApiDocument());
  struct Call {
    Method method;
    std::string path;
    nlohmann::json roles;
  };
  std::vector<Call> calls;
  for (const auto& [path, item] : doc["paths"].items()) {
    for (const auto& [method, op] : item.items()) {
      if (method == "parameters") continue;
      std::string upper = method;
      for (char& c : upper) c = static_cast<char>(std::toupper(c));
      auto m = ParseMethod(upper);
      ASSERT_TRUE(m.has_value()) << method << " " << path;
      ASSERT_TRUE(op.contains("x-kycloud-roles"))
          << method << " " << path << " has no role rule (x-kycloud-roles)";
      // "{name}" segments get made-up values.
      std::string concrete;
      for (size_t i = 0; i < path.size(); ++i) {
        if (path[i] == '{') {
          concrete += "matrix-x";
          i = path.find('}', i);
        } else {
          concrete += path[i];
        }
      }
      calls.push_back({*m, concrete, op["x-kycloud-roles"]});
    }
  }
  ASSERT_GT(calls.size(), 60u);

  ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.access_log = false;
  HttpMetrics metrics;
  HttpServer server(options, ServiceRouter(), Auth(), metrics, SystemClock::Default());
  ASSERT_TRUE(server.Bind().ok());
  std::thread serving([&] { (void)server.Serve(); });
  std::map<std::string, std::string> keys;
  for (std::string_view role : kRoles) {
    auto key =
        CreateApiKey(Keys(), fmt::format("matrix-{}", role), role, "test", SystemClock::Default());
    ASSERT_TRUE(key.has_value()) << key.error();
    keys[std::string(role)] = key->plaintext;
  }
  httplib::Client client("127.0.0.1", server.port());
  client.set_read_timeout(std::chrono::seconds(30));
  std::vector<std::string> wrong;
  size_t checked = 0;
  for (const Call& c : calls) {
    std::vector<std::string> callers(std::begin(kRoles), std::end(kRoles));
    callers.insert(callers.begin(), "");  // no key
    for (const std::string& role : callers) {
      httplib::Headers headers;
      if (!role.empty()) headers.emplace("Authorization", "Bearer " + keys[role]);
      auto send = [&]() -> httplib::Result {
        switch (c.method) {
          case Method::kGet:
            return client.Get(c.path, headers);
          case Method::kDelete:
            return client.Delete(c.path, headers);
          case Method::kPost:
            return client.Post(c.path, headers, "{}", "application/json");
          case Method::kPut:
            return client.Put(c.path, headers, "{}", "application/json");
          case Method::kPatch:
            return client.Patch(c.path, headers, "{}", "application/json");
        }
        return client.Get(c.path, headers);
      };
      httplib::Result r = send();
      std::string who = role.empty() ? "no key" : role;
      std::string what = fmt::format("{} {} as {}", MethodName(c.method), c.path, who);
      if (!r) {
        wrong.push_back(what + ": no answer");
        continue;
      }
      ++checked;
      bool is_public = c.roles == "public";
      bool allowed =
          is_public ||
          (!role.empty() &&
           (c.roles == "any" || std::find(c.roles.begin(), c.roles.end(), role) != c.roles.end()));
      if (!is_public && role.empty()) {
        if (r->status != 401) wrong.push_back(fmt::format("{}: {} (want 401)", what, r->status));
      } else if (!allowed) {
        if (r->status != 403) wrong.push_back(fmt::format("{}: {} (want 403)", what, r->status));
      } else if (r->status == 401 || r->status == 403 || (r->status >= 500 && r->status != 503)) {
        wrong.push_back(fmt::format("{}: {} {}", what, r->status, r->body.substr(0, 200)));
      }
    }
  }
  server.Stop();
  serving.join();
  EXPECT_EQ(checked, calls.size() * (std::size(kRoles) + 1));
  std::string all;
  for (const auto& w : wrong) all += w + "\n";
  EXPECT_TRUE(wrong.empty()) << wrong.size() << " calls broke their rule:\n" << all;
}

TEST(OpenApiTest, EveryRefResolves) {
  auto doc = nlohmann::json::parse(OpenApiDocument());
  std::function<void(const nlohmann::json&)> walk = [&](const nlohmann::json& j) {
    if (j.is_object()) {
      if (j.contains("$ref")) {
        std::string ref = j["$ref"];
        ASSERT_TRUE(ref.starts_with("#/")) << ref;
        EXPECT_TRUE(doc.contains(nlohmann::json::json_pointer(ref.substr(1)))) << ref;
      }
      for (const auto& [k, v] : j.items()) walk(v);
    } else if (j.is_array()) {
      for (const auto& v : j) walk(v);
    }
  };
  walk(doc);
}

}  // namespace
}  // namespace kycloud::server
