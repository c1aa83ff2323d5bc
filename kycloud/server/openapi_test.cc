// Keeps the OpenAPI document true: it lists exactly the routes the service registers, with the
// same access rules.
#include "kycloud/server/openapi.h"
#include "kycloud/server/link_routes.h"
#include "kycloud/storage/sql_link_judgement_store.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "kycloud/server/audit_routes.h"
#include "kycloud/server/case_routes.h"
#include "kycloud/server/cip_routes.h"
#include "kycloud/server/compute_routes.h"
#include "kycloud/server/core_routes.h"
#include "kycloud/server/customer_routes.h"
#include "kycloud/server/disposition_routes.h"
#include "kycloud/server/key_routes.h"
#include "kycloud/server/policy_routes.h"
#include "kycloud/server/report_routes.h"
#include "kycloud/server/screen_routes.h"
#include "kycloud/server/session_routes.h"
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

// Every route the service registers (the same functions apps/kycloud calls).
Router ServiceRouter() {
  static storage::MemoryApiKeyStore store;
  static ApiKeyAuthenticator auth(store, SystemClock::Default());
  static HttpMetrics metrics;
  Router router;
  AddCoreRoutes(
      router, [] { return OkStatus(); }, metrics);
  AddKeyRoutes(router, store, auth, SystemClock::Default());
  static screening::IndexHolder holder;
  static storage::MemoryDispositionStore dispositions;
  AddScreenRoutes(router, holder, dispositions);
  AddDispositionRoutes(router, holder, dispositions, SystemClock::Default());
  AddListReloadRoute(router, holder, "/nonexistent");
  static storage::MemoryAuditStore audit_store;
  static audit::AuditLog audit_log(audit_store, SystemClock::Default(), nullptr);
  AddAuditRoutes(router, audit_log);
  static auto db = storage::testing::MakeTestDatabase("sqlite");
  KY_CHECK(db.has_value()) << db.error();
  static storage::SqlCaseStore case_store(*(*db)->db);
  static cases::CaseManager cases(case_store, SystemClock::Default(), nullptr, nullptr);
  AddCaseRoutes(router, cases, SystemClock::Default());
  static storage::SqlReportStore report_store(*(*db)->db);
  static cases::ReportManager reports(report_store, case_store, SystemClock::Default(), nullptr);
  AddReportRoutes(router, reports, report_store);
  static storage::SqlUsageStore usage_store(*(*db)->db);
  static metering::UsageLedger ledger(usage_store, &cases, &reports, compute::Estimator::Bundled(),
                                      compute::ComputePolicy::Bundled(), SystemClock::Default());
  AddComputeRoutes(router, ledger);
  static storage::SqlPolicyStore policy_store(*(*db)->db);
  static provisioning::ProvisioningService provisioning(
      policy_store, &cases, SystemClock::Default(), compute::Estimator::Bundled());
  AddPolicyRoutes(router, provisioning);
  static storage::SqlCustomerStore customers(*(*db)->db);
  static storage::PiiCipher cipher =
      storage::PiiCipher::FromHexKeys(storage::PiiCipher::GenerateHexKey()).value();
  static cip::Onboarding onboarding(customers, cipher, provisioning, &cases,
                                    SystemClock::Default());
  AddCustomerRoutes(router, onboarding, customers, nullptr);
  static storage::SqlLinkJudgementStore judgements(*(*db)->db);
  static account_linking::AccountLinking linking(onboarding, customers, cipher, judgements,
                                                 provisioning, &cases, nullptr,
                                                 SystemClock::Default());
  AddLinkRoutes(router, linking);
  static storage::SqlSessionStore session_store(*(*db)->db);
  static SessionAuthenticator sessions(session_store, store, auth, SystemClock::Default());
  AddSessionRoutes(router, sessions, nullptr);
  static cip::AccessLog access(customers, cipher, nullptr, onboarding);
  AddAccessEventRoutes(router, access, customers, cipher, nullptr);
  static storage::SqlResellerStore reseller_store(*(*db)->db);
  static cip::ResellerRegistry registry(reseller_store, onboarding, &cases, SystemClock::Default());
  static storage::SqlCipRequestStore request_store(*(*db)->db);
  static cip::CipRequests requests(request_store, reseller_store, provisioning, nullptr,
                                   SystemClock::Default(), "kycloud");
  AddCipRoutes(router, {.onboarding = onboarding,
                        .resellers = registry,
                        .requests = requests,
                        .customers = customers,
                        .reseller_store = reseller_store,
                        .cipher = cipher,
                        .clock = SystemClock::Default()});
  return router;
}

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
