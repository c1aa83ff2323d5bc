#include "kycloud/server/testing/service_router.h"

#include "kycloud/server/audit_routes.h"
#include "kycloud/server/case_routes.h"
#include "kycloud/server/cip_routes.h"
#include "kycloud/server/cluster_routes.h"
#include "kycloud/server/compute_routes.h"
#include "kycloud/server/core_routes.h"
#include "kycloud/server/customer_routes.h"
#include "kycloud/server/disposition_routes.h"
#include "kycloud/server/key_routes.h"
#include "kycloud/server/link_routes.h"
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
#include "kycloud/storage/sql_link_judgement_store.h"
#include "kycloud/storage/sql_policy_store.h"
#include "kycloud/storage/sql_reseller_store.h"
#include "kycloud/storage/sql_session_store.h"
#include "kycloud/storage/sql_usage_store.h"
#include "kycloud/storage/testing/test_database.h"

namespace kycloud::server::testing {

storage::MemoryApiKeyStore& Keys() {
  static storage::MemoryApiKeyStore store;
  return store;
}
ApiKeyAuthenticator& Auth() {
  static ApiKeyAuthenticator auth(Keys(), SystemClock::Default());
  return auth;
}

// Every route the service registers (the same functions apps/kycloud calls).
Router ServiceRouter() {
  storage::MemoryApiKeyStore& store = Keys();
  ApiKeyAuthenticator& auth = Auth();
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
  static storage::SqlChangeFeed feed(*(*db)->db);
  static cluster::ChangeFollower follower(feed, SystemClock::Default());
  static storage::SqlLeaseStore leases(*(*db)->db);
  static cluster::Leadership leadership(leases, SystemClock::Default());
  AddClusterRoutes(router, follower, leadership);
  return router;
}

}  // namespace kycloud::server::testing
