#include "kycloud/server/screen_routes.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "kycloud/server/api_error.h"
#include "kycloud/server/disposition_routes.h"
#include "kycloud/storage/memory_disposition_store.h"

namespace kycloud::server {
namespace {

using nlohmann::json;

class ScreenRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AddScreenRoutes(router_, holder_, dispositions_);
    AddDispositionRoutes(router_, holder_, dispositions_, clock_);
    std::vector<lists::ListEntity> es(1);
    es[0].list = "test";
    es[0].id = "306";
    es[0].names = {{"BANCO NACIONAL DE CUBA", lists::NameKind::kPrimary}};
    auto snap =
        std::make_shared<lists::ListSnapshot>(std::vector<lists::ListInfo>{{.id = "test"}}, es);
    index_ = screening::ScreeningIndex::Build(snap);
  }
  // Calls the route's handler and renders errors as the server would.
  HttpResponse Call(Method m, std::string path, std::string body = "") {
    auto match = router_.Find(m, path);
    EXPECT_NE(match.route, nullptr);
    HttpRequest req;
    req.method = m;
    req.path = path;
    req.path_params = match.params;
    req.body = std::move(body);
    RequestContext ctx;
    ctx.principal = Principal{"kyc_officer1", "officer one", "officer"};
    auto r = match.route->handler(req, ctx);
    return r.has_value() ? *r : ErrorResponse(r.error(), "");
  }
  // Replaces the lists with `e` changed (a new snapshot, as `lists update` would bring).
  void ReloadWithChangedEntity() {
    std::vector<lists::ListEntity> es(1);
    es[0].list = "test";
    es[0].id = "306";
    es[0].names = {{"BANCO NACIONAL DE CUBA", lists::NameKind::kPrimary}};
    es[0].addresses = {{"Havana", "Cuba"}};
    holder_.Set(screening::ScreeningIndex::Build(
        std::make_shared<lists::ListSnapshot>(std::vector<lists::ListInfo>{{.id = "test"}}, es)));
  }
  Router router_;
  FakeClock clock_{FromUnixMicros(1'700'000'000'000'000)};
  storage::MemoryDispositionStore dispositions_;
  screening::IndexHolder holder_;
  std::shared_ptr<const screening::ScreeningIndex> index_;
};

TEST_F(ScreenRoutesTest, UnavailableUntilListsLoaded) {
  auto r = Call(Method::kPost, "/v1/screen", R"({"queries": [{"name": "x"}]})");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(Call(Method::kGet, "/v1/lists").status, 503);
}

TEST_F(ScreenRoutesTest, ScreensInOrderWithSameShapeAsCli) {
  holder_.Set(index_);
  auto r = Call(
      Method::kPost, "/v1/screen",
      R"({"queries": [{"name": "Banco Nacional de Cuba", "ref": 7}, {"name": "Nobody Here"}], "limit": 5})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json::parse(r.body);
  ASSERT_EQ(j["results"].size(), 2u);
  EXPECT_EQ(j["results"][0]["query"]["ref"], 7);
  EXPECT_EQ(j["results"][0]["hits"][0]["entity_id"], "306");
  EXPECT_TRUE(j["results"][0]["hits"][0]["explanation"]["aligned"].is_array());
  EXPECT_TRUE(j["results"][1]["hits"].empty());
  EXPECT_EQ(j["lists_hash"], index_->snapshot().hash());
  auto lists = json::parse(Call(Method::kGet, "/v1/lists").body);
  EXPECT_EQ(lists["entities"], 1);
}

TEST_F(ScreenRoutesTest, ListEntityShowsTheWholeEntry) {
  EXPECT_EQ(Call(Method::kGet, "/v1/lists/test/entities/306").status, 503);  // not loaded yet
  ReloadWithChangedEntity();
  auto r = Call(Method::kGet, "/v1/lists/test/entities/306");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json::parse(r.body);
  EXPECT_EQ(j["names"][0]["name"], "BANCO NACIONAL DE CUBA");
  EXPECT_EQ(j["names"][0]["kind"], "primary");
  EXPECT_EQ(j["addresses"][0]["country"], "Cuba");
  EXPECT_EQ(j["lists_hash"], holder_.Get()->snapshot().hash());
  auto missing = Call(Method::kGet, "/v1/lists/test/entities/999");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("999"), std::string::npos);
  EXPECT_EQ(Call(Method::kGet, "/v1/lists/other/entities/306").status, 404);
}

TEST_F(ScreenRoutesTest, BadInputNamesTheField) {
  holder_.Set(index_);
  struct Case {
    std::string body;
    int status;
    std::string field;
  } cases[] = {
      {R"({"queries": [{"name": "ok"}, {"schema": "Person"}]})", 422, "/queries/1/name"},
      {R"({"queries": [{"name": "ok", "schema": "Martian"}]})", 422, "/queries/0/schema"},
      {R"({"queries": [{"name": 5}]})", 200, ""},  // numbers are accepted as text
      {R"({"queries": [{"name": ["x"]}]})", 422, "/queries/0/name"},
      {R"({"queries": ["x"]})", 422, "/queries/0"},
      {R"({"queries": []})", 422, "/queries"},
      {R"({"queries": {}})", 422, "/queries"},
      {R"({"queries": [{"name": "x"}], "threshold": 2})", 422, "/threshold"},
      {R"({"queries": [{"name": "x"}], "limit": 0})", 422, "/limit"},
      {R"({"queries": [{"name": "x"}], "extra": 1})", 422, "/extra"},
      {R"({"queries": [)", 400, ""},
  };
  for (const auto& c : cases) {
    auto r = Call(Method::kPost, "/v1/screen", c.body);
    EXPECT_EQ(r.status, c.status) << c.body << " -> " << r.body;
    if (!c.field.empty()) {
      EXPECT_EQ(json::parse(r.body)["error"]["field"], c.field) << c.body;
    }
  }
}

TEST_F(ScreenRoutesTest, BatchOverTheLimitIs413) {
  holder_.Set(index_);
  json body = {{"queries", json::array()}};
  for (size_t i = 0; i <= kMaxScreenBatch; ++i) body["queries"].push_back({{"name", "x"}});
  auto r = Call(Method::kPost, "/v1/screen", body.dump());
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(json::parse(r.body)["error"]["code"], "batch_too_large");
}

TEST_F(ScreenRoutesTest, DispositionSuppressesTheHitUntilTheEntityChanges) {
  holder_.Set(index_);
  const std::string screen =
      R"({"queries": [{"name": "Banco Nacional de Cuba", "subject_id": "cust-1"},
                      {"name": "Banco Nacional de Cuba", "subject_id": "cust-2"}]})";
  auto before = json::parse(Call(Method::kPost, "/v1/screen", screen).body);
  EXPECT_EQ(before["results"][0]["alerts"], 1);
  EXPECT_EQ(before["results"][0]["hits"][0]["suppressed"], false);

  auto d = Call(Method::kPost, "/v1/screening/dispositions",
                R"({"subject_id": "cust-1", "list": "test", "entity_id": "306",
                    "reason": "customer is a bakery in Ohio, different registration"})");
  ASSERT_EQ(d.status, 201) << d.body;
  auto dj = json::parse(d.body);
  EXPECT_EQ(dj["subject"], "id:cust-1");
  EXPECT_EQ(dj["decided_by"], "kyc_officer1");
  EXPECT_EQ(dj["decision"], "false_positive");

  auto after = json::parse(Call(Method::kPost, "/v1/screen", screen).body);
  const json& hit = after["results"][0]["hits"][0];
  EXPECT_EQ(hit["entity_id"], "306");  // still visible
  EXPECT_EQ(hit["suppressed"], true);
  EXPECT_EQ(hit["disposition"]["reason"], "customer is a bakery in Ohio, different registration");
  EXPECT_EQ(after["results"][0]["alerts"], 0);
  // Another subject with the same name still alerts.
  EXPECT_EQ(after["results"][1]["hits"][0]["suppressed"], false);
  EXPECT_EQ(after["results"][1]["alerts"], 1);

  // The list entity changes: the disposition no longer suppresses (marked stale).
  ReloadWithChangedEntity();
  auto changed = json::parse(Call(Method::kPost, "/v1/screen", screen).body);
  const json& again = changed["results"][0]["hits"][0];
  EXPECT_EQ(again["suppressed"], false);
  EXPECT_EQ(again["disposition"]["stale"], true);
  EXPECT_EQ(changed["results"][0]["alerts"], 1);
}

TEST_F(ScreenRoutesTest, DispositionBySubjectQuery) {
  holder_.Set(index_);
  auto d = Call(Method::kPost, "/v1/screening/dispositions",
                R"({"query": {"name": "BANCO  NACIONAL de cuba"}, "list": "test",
                    "entity_id": "306", "reason": "checked"})");
  ASSERT_EQ(d.status, 201) << d.body;
  auto r = json::parse(
      Call(Method::kPost, "/v1/screen", R"({"queries": [{"name": "Banco Nacional de Cuba"}]})")
          .body);
  EXPECT_EQ(r["results"][0]["hits"][0]["suppressed"], true);
}

TEST_F(ScreenRoutesTest, DispositionBadInputNamesTheField) {
  struct Case {
    std::string body;
    int status;
    std::string field;
  } cases[] = {
      {R"({"list": "test", "entity_id": "306", "reason": "x"})", 422, "/subject_id"},
      {R"({"subject_id": "", "list": "test", "entity_id": "306", "reason": "x"})", 422,
       "/subject_id"},
      {R"({"subject_id": "c", "entity_id": "306", "reason": "x"})", 422, "/list"},
      {R"({"subject_id": "c", "list": "test", "reason": "x"})", 422, "/entity_id"},
      {R"({"subject_id": "c", "list": "test", "entity_id": "306"})", 422, "/reason"},
      {R"({"subject_id": "c", "list": "test", "entity_id": "306", "reason": "x",
           "decision": "true_match"})",
       422, "/decision"},
      {R"({"query": {"schema": "Person"}, "list": "test", "entity_id": "306", "reason": "x"})", 422,
       "/query/name"},
      {R"({"subject_id": "c", "list": "test", "entity_id": "999", "reason": "x"})", 404,
       "/entity_id"},
      {R"({"subject_id": "c", "list": "test", "entity_id": "306", "reason": "x", "z": 1})", 422,
       "/z"},
  };
  holder_.Set(index_);
  for (const auto& c : cases) {
    auto r = Call(Method::kPost, "/v1/screening/dispositions", c.body);
    EXPECT_EQ(r.status, c.status) << c.body << " -> " << r.body;
    if (!c.field.empty()) {
      EXPECT_EQ(json::parse(r.body)["error"]["field"], c.field) << c.body;
    }
  }
}

TEST_F(ScreenRoutesTest, ReloadLoadsTheDirectoryAndKeepsListsOnError) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / "kycloud-reload-route-test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "dpl.txt")
      << "\"Name\"\t\"Street_Address\"\t\"City\"\t\"State\"\t\"Country\"\t\"Postal_Code\"\n"
         "\"JOHN DOE\"\t\"\"\t\"\"\t\"\"\t\"US\"\t\"\"\n";
  AddListReloadRoute(router_, holder_, dir.string());
  holder_.Set(index_);
  auto r = Call(Method::kPost, "/v1/lists/reload");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json::parse(r.body);
  EXPECT_TRUE(j["changed"]);
  EXPECT_EQ(j["entities"], 1);
  EXPECT_NE(j["lists_hash"], index_->snapshot().hash());
  EXPECT_EQ(holder_.Get()->snapshot().entities()[0].names[0].text, "JOHN DOE");
  std::string hash = j["lists_hash"];

  std::ofstream(dir / "dpl.txt") << "\"Name\"\t\"Street_Address\"\n\"BROKEN\t\"x\n";
  auto bad = Call(Method::kPost, "/v1/lists/reload");
  EXPECT_EQ(bad.status, 409) << bad.body;
  EXPECT_NE(bad.body.find("dpl.txt"), std::string::npos) << bad.body;
  EXPECT_EQ(holder_.Get()->snapshot().hash(), hash);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace kycloud::server
