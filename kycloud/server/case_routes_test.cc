// Alerts and cases over the API: screening hits raise alerts, officers work the case, four-eyes
// and transitions are enforced with the documented status codes, false positives stay
// suppressed on re-screening, evidence files come back byte for byte.
#include "kycloud/server/case_routes.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "kycloud/base/base64.h"
#include "kycloud/base/sha256.h"
#include "kycloud/server/api_error.h"
#include "kycloud/server/screen_routes.h"
#include "kycloud/storage/memory_disposition_store.h"
#include "kycloud/storage/sql_case_store.h"
#include "kycloud/storage/testing/test_database.h"

namespace kycloud::server {
namespace {

using nlohmann::json;

class CaseRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = storage::testing::MakeTestDatabase("sqlite");
    ASSERT_TRUE(t.has_value()) << t.error();
    db_ = std::move(*t);
    store_ = std::make_unique<storage::SqlCaseStore>(*db_->db);
    manager_ = std::make_unique<cases::CaseManager>(*store_, clock_, nullptr, &dispositions_);
    AddScreenRoutes(router_, holder_, dispositions_, nullptr, manager_.get());
    AddCaseRoutes(router_, *manager_, clock_);
    std::vector<lists::ListEntity> es(1);
    es[0].list = "test";
    es[0].id = "306";
    es[0].names = {{"BANCO NACIONAL DE CUBA", lists::NameKind::kPrimary}};
    holder_.Set(screening::ScreeningIndex::Build(
        std::make_shared<lists::ListSnapshot>(std::vector<lists::ListInfo>{{.id = "test"}}, es)));
  }
  HttpResponse Call(Method m, std::string path, std::string body = "",
                    std::string who = "officer_a") {
    HttpRequest req;
    req.method = m;
    auto q = path.find('?');
    if (q != std::string::npos) {
      std::string query = path.substr(q + 1);
      path = path.substr(0, q);
      for (size_t start = 0; start < query.size();) {
        size_t end = query.find('&', start);
        if (end == std::string::npos) end = query.size();
        std::string kv = query.substr(start, end - start);
        size_t eq = kv.find('=');
        req.query.emplace(kv.substr(0, eq), eq == std::string::npos ? "" : kv.substr(eq + 1));
        start = end + 1;
      }
    }
    auto match = router_.Find(m, path);
    EXPECT_NE(match.route, nullptr) << path;
    if (!match.route) return {};
    req.path = path;
    req.path_params = match.params;
    req.body = std::move(body);
    RequestContext ctx;
    ctx.principal = Principal{who, who, "officer"};
    auto r = match.route->handler(req, ctx);
    return r.has_value() ? *r : ErrorResponse(r.error(), "");
  }
  json Screen() {
    auto r = Call(Method::kPost, "/v1/screen",
                  R"({"queries": [{"name": "Banco Nacional de Cuba", "subject_id": "cust-7"}]})",
                  "integration");
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body)["results"][0];
  }
  HttpResponse Event(const std::string& case_id, json body, std::string who = "officer_a") {
    return Call(Method::kPost, "/v1/cases/" + case_id + "/events", body.dump(), std::move(who));
  }

  std::unique_ptr<storage::testing::TestDatabase> db_;
  std::unique_ptr<storage::SqlCaseStore> store_;
  std::unique_ptr<cases::CaseManager> manager_;
  storage::MemoryDispositionStore dispositions_;
  FakeClock clock_;
  Router router_;
  screening::IndexHolder holder_;
};

TEST_F(CaseRoutesTest, AFalsePositiveHitStaysSuppressedOnReScreening) {
  json first = Screen();
  ASSERT_EQ(first["case_alerts"].size(), 1u) << first.dump();
  EXPECT_EQ(first["case_alerts"][0]["outcome"], "raised");
  std::string case_id = first["case_alerts"][0]["case_id"];
  std::string alert_id = first["case_alerts"][0]["alert_id"];
  EXPECT_EQ(Screen()["case_alerts"][0]["outcome"], "deduplicated");

  auto alert = json::parse(Call(Method::kGet, "/v1/alerts/" + alert_id).body);
  EXPECT_EQ(alert["occurrences"], 2);
  EXPECT_EQ(alert["details"]["entity_id"], "306");
  EXPECT_EQ(alert["severity"], "high");

  auto c = json::parse(Call(Method::kGet, "/v1/cases/" + case_id).body);
  EXPECT_EQ(c["case"]["status"], "open");
  EXPECT_EQ(c["case"]["subject"], "cust-7");
  EXPECT_EQ(c["events"].size(), 2u);
  ASSERT_EQ(Event(case_id, {{"type", "start_review"}}).status, 201);
  auto closed = Event(case_id, {{"type", "close"},
                                {"resolution", "false_positive"},
                                {"reason", "customer is a bakery in Ohio"}});
  ASSERT_EQ(closed.status, 201) << closed.body;
  EXPECT_EQ(json::parse(closed.body)["case"]["status"], "closed");

  json again = Screen();
  EXPECT_TRUE(again["hits"][0]["suppressed"].get<bool>()) << again.dump();
  EXPECT_EQ(again["hits"][0]["disposition"]["reason"], "customer is a bakery in Ohio");
  EXPECT_TRUE(again["case_alerts"].empty());
  EXPECT_EQ(json::parse(Call(Method::kGet, "/v1/cases?status=closed").body)["cases"].size(), 1u);
  EXPECT_TRUE(json::parse(Call(Method::kGet, "/v1/alerts?status=open").body)["alerts"].empty());
}

TEST_F(CaseRoutesTest, FourEyesAndTransitionsAnswerTheDocumentedCodes) {
  std::string case_id = Screen()["case_alerts"][0]["case_id"];
  auto early =
      Event(case_id, {{"type", "close"}, {"resolution", "true_positive"}, {"reason", "x"}});
  EXPECT_EQ(early.status, 409);
  EXPECT_EQ(json::parse(early.body)["error"]["code"], "invalid_transition") << early.body;
  ASSERT_EQ(Event(case_id, {{"type", "start_review"}}).status, 201);
  ASSERT_EQ(
      Event(case_id, {{"type", "close"}, {"resolution", "true_positive"}, {"reason", "listed"}})
          .status,
      201);
  auto self = Event(case_id, {{"type", "approve"}});
  EXPECT_EQ(self.status, 403);
  EXPECT_EQ(json::parse(self.body)["error"]["code"], "four_eyes");
  auto second = Event(case_id, {{"type", "approve"}}, "officer_b");
  ASSERT_EQ(second.status, 201) << second.body;
  auto j = json::parse(second.body);
  EXPECT_EQ(j["case"]["resolution"], "true_positive");
  EXPECT_EQ(j["event"]["data"]["requested_by"], "officer_a");

  auto bad = Event(case_id, {{"type", "reopen"}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(json::parse(bad.body)["error"]["field"], "/reason");
  EXPECT_EQ(Event(case_id, {{"type", "close"}, {"color", "red"}}).status, 422);
  EXPECT_EQ(Event("case_missing", {{"type", "note"}, {"text", "x"}}).status, 404);
}

TEST_F(CaseRoutesTest, EvidenceIsStoredWithItsHash) {
  auto opened = Call(Method::kPost, "/v1/cases",
                     R"({"subject": "cust-9", "title": "shell network", "severity": "critical"})");
  ASSERT_EQ(opened.status, 201) << opened.body;
  std::string case_id = json::parse(opened.body)["id"];
  EXPECT_EQ(json::parse(opened.body)["opened_by"], "officer_a");
  std::string bytes("%PDF-1.7\0\xff binary", 18);
  auto added = Event(case_id, {{"type", "attach_evidence"},
                               {"filename", "registry-extract.pdf"},
                               {"media_type", "application/pdf"},
                               {"content_base64", Base64Encode(bytes)}});
  ASSERT_EQ(added.status, 201) << added.body;
  auto c = json::parse(Call(Method::kGet, "/v1/cases/" + case_id).body);
  ASSERT_EQ(c["evidence"].size(), 1u);
  EXPECT_EQ(c["evidence"][0]["sha256"], Sha256Hex(bytes));
  EXPECT_EQ(c["evidence"][0]["size"], bytes.size());
  auto file = Call(Method::kGet, "/v1/cases/" + case_id + "/evidence/" + Sha256Hex(bytes));
  ASSERT_EQ(file.status, 200);
  EXPECT_EQ(file.body, bytes);
  EXPECT_EQ(file.content_type, "application/pdf");
  // Only through a case it belongs to.
  auto other = Call(Method::kPost, "/v1/cases", R"({"subject": "cust-10", "title": "t"})");
  std::string other_id = json::parse(other.body)["id"];
  EXPECT_EQ(Call(Method::kGet, "/v1/cases/" + other_id + "/evidence/" + Sha256Hex(bytes)).status,
            404);
  auto not_b64 = Event(
      case_id, {{"type", "attach_evidence"}, {"filename", "x.pdf"}, {"content_base64", "%%%"}});
  EXPECT_EQ(json::parse(not_b64.body)["error"]["field"], "/content_base64");
  EXPECT_EQ(Call(Method::kPost, "/v1/cases", R"({"subject": "cust-9", "title": "again"})").status,
            409);
}

TEST_F(CaseRoutesTest, AlertsFromOtherSourcesAndQueues) {
  auto r = Call(Method::kPost, "/v1/alerts",
                R"({"source": "compute", "kind": "compute.threshold", "severity": "critical",
                    "subject": "cust-3", "title": "50% of 1e26 in 30 days",
                    "details": {"operations": 5.1e25}})",
                "ingest-worker");
  ASSERT_EQ(r.status, 201) << r.body;
  auto j = json::parse(r.body);
  EXPECT_EQ(j["case"]["queue"], "compute");
  EXPECT_EQ(j["case"]["severity"], "critical");
  auto again = Call(Method::kPost, "/v1/alerts",
                    R"({"source": "compute", "kind": "compute.threshold", "severity": "high",
                        "subject": "cust-3"})");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(json::parse(again.body)["outcome"], "deduplicated");
  EXPECT_EQ(json::parse(Call(Method::kGet, "/v1/cases?queue=compute").body)["cases"].size(), 1u);
  EXPECT_TRUE(json::parse(Call(Method::kGet, "/v1/cases?overdue=true").body)["cases"].empty());
  clock_.Advance(std::chrono::hours(25));
  auto overdue = json::parse(Call(Method::kGet, "/v1/cases?overdue=true").body)["cases"];
  ASSERT_EQ(overdue.size(), 1u);
  EXPECT_TRUE(overdue[0]["overdue"].get<bool>());
  EXPECT_EQ(Call(Method::kGet, "/v1/cases?overdue=maybe").status, 422);
  EXPECT_EQ(Call(Method::kGet, "/v1/alerts?limit=-1").status, 422);
  auto bad = Call(Method::kPost, "/v1/alerts",
                  R"({"source": "rumour", "kind": "x", "severity": "low", "subject": "s"})");
  EXPECT_EQ(json::parse(bad.body)["error"]["field"], "/source");
}

}  // namespace
}  // namespace kycloud::server
