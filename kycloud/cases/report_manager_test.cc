// Reports: the draft -> completed -> approved -> filed workflow with four-eyes, required fields
// per kind, freezing with an audit proof, evidence packs whose proofs verify, and HTML output.
#include "kycloud/cases/report_manager.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "kycloud/audit/merkle.h"
#include "kycloud/base/sha256.h"
#include "kycloud/cases/case_manager.h"
#include "kycloud/cases/report_html.h"
#include "kycloud/storage/memory_audit_store.h"
#include "kycloud/storage/sql_case_store.h"
#include "kycloud/storage/testing/test_database.h"

namespace kycloud::cases {
namespace {

using nlohmann::json;

audit::Hash FromHex(const std::string& hex) {
  audit::Hash h{};
  EXPECT_EQ(hex.size(), 64u);
  for (size_t i = 0; i < h.size() && 2 * i + 1 < hex.size(); ++i) {
    h[i] = static_cast<std::uint8_t>(std::stoi(hex.substr(2 * i, 2), nullptr, 16));
  }
  return h;
}

// Checks every inclusion proof of a bundle against its checkpoint's root, independently of the
// code that made it (merkle.h's verifier follows RFC 9162).
void ExpectBundleVerifies(const json& bundle, std::int64_t expected_entries) {
  const json& cp = bundle["checkpoint"]["checkpoint"];
  ASSERT_TRUE(cp.is_object()) << bundle.dump();
  audit::Hash root = FromHex(cp["root"]);
  ASSERT_EQ(bundle["inclusion"].size(), static_cast<size_t>(expected_entries));
  for (const auto& p : bundle["inclusion"]) {
    std::string entry = p["entry"];
    audit::Hash leaf = audit::LeafHash(entry);
    EXPECT_EQ(HexEncode(leaf), p["leaf_hash"]);
    EXPECT_EQ(p["tree_size"], cp["tree_size"]);
    std::vector<audit::Hash> proof;
    for (const auto& h : p["proof"]) proof.push_back(FromHex(h));
    EXPECT_TRUE(audit::VerifyInclusion(p["leaf_index"], p["tree_size"], leaf, proof, root))
        << entry;
    EXPECT_FALSE(audit::VerifyInclusion(p["leaf_index"], p["tree_size"],
                                        audit::LeafHash(entry + " "), proof, root));
  }
}

json TrainingRunContent() {
  return {{"customer",
           {{"id", "cust-77"}, {"name", "Example AI Ltd"}, {"country", "SG"}, {"foreign", true}}},
          {"run", {{"first_seen", "2026-10-01T00:00:00Z"}, {"estimated_operations", 1.3e26}}},
          {"cluster", {{"accelerator", "H100 SXM5 80GB"}, {"count", 16384}}},
          {"knowledge_date", "2026-11-20"}};
}

class ReportManagerTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto t = storage::testing::MakeTestDatabase(GetParam());
    ASSERT_TRUE(t.has_value()) << t.error();
    db_ = std::move(*t);
    cases_ = std::make_unique<storage::SqlCaseStore>(*db_->db);
    reports_ = std::make_unique<storage::SqlReportStore>(*db_->db);
    key_ = std::make_unique<audit::SigningKey>(*audit::SigningKey::Generate("kycloud-test"));
    log_ = std::make_unique<audit::AuditLog>(audit_store_, clock_, key_.get());
    manager_ = std::make_unique<ReportManager>(*reports_, *cases_, clock_, log_.get());
  }
  ReportCommand Cmd(std::string type, std::string actor, json content = nullptr) {
    ReportCommand c;
    c.type = std::move(type);
    c.actor = std::move(actor);
    if (!content.is_null()) c.content_json = content.dump();
    c.reason = "please add the cluster's fabric";
    c.reference = "BIS-2026-000123";
    return c;
  }

  std::unique_ptr<storage::testing::TestDatabase> db_;
  std::unique_ptr<storage::SqlCaseStore> cases_;
  std::unique_ptr<storage::SqlReportStore> reports_;
  FakeClock clock_;
  storage::MemoryAuditStore audit_store_;
  std::unique_ptr<audit::SigningKey> key_;
  std::unique_ptr<audit::AuditLog> log_;
  std::unique_ptr<ReportManager> manager_;
};

TEST_P(ReportManagerTest, TrainingRunReportIsCompletedApprovedByASecondOfficerAndFrozen) {
  json partial = TrainingRunContent();
  partial["run"].erase("estimated_operations");
  auto r =
      manager_->Create({"training_run", "cust-77", "", partial.dump(), std::nullopt}, "system");
  ASSERT_TRUE(r.has_value()) << r.error();
  EXPECT_EQ(r->status, "draft");
  EXPECT_EQ(r->due_at, clock_.Now() + std::chrono::days(15));

  auto incomplete = manager_->Apply(r->id, Cmd("complete", "officer_a"));
  ASSERT_FALSE(incomplete.has_value());
  EXPECT_EQ(incomplete.error().field(), "/content/run/estimated_operations");
  EXPECT_EQ(incomplete.error().code(), StatusCode::kInvalidArgument);

  json patch = {{"run", {{"estimated_operations", 1.3e26}}},
                {"provider_contact", "compliance@example-cloud.com"}};
  auto done = manager_->Apply(r->id, Cmd("complete", "officer_a", patch));
  ASSERT_TRUE(done.has_value()) << done.error();
  EXPECT_EQ(done->status, "completed");
  EXPECT_EQ(json::parse(done->content_json)["run"]["first_seen"], "2026-10-01T00:00:00Z");
  auto edit = manager_->Apply(r->id, Cmd("update", "officer_a", {{"x", 1}}));
  EXPECT_EQ(edit.error().reason(), "invalid_transition");

  auto self = manager_->Apply(r->id, Cmd("approve", "officer_a"));
  ASSERT_FALSE(self.has_value());
  EXPECT_EQ(self.error().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(self.error().reason(), "four_eyes");
  EXPECT_FALSE(manager_->Apply(r->id, Cmd("file", "officer_b")).has_value());  // not approved

  auto approved = manager_->Apply(r->id, Cmd("approve", "officer_b"));
  ASSERT_TRUE(approved.has_value()) << approved.error();
  EXPECT_EQ(approved->status, "approved");
  json frozen = json::parse(*approved->frozen_json);
  EXPECT_EQ(frozen["content_sha256"], Sha256Hex(approved->content_json));
  ExpectBundleVerifies(frozen["audit"], 1);
  json entry = json::parse(frozen["audit"]["inclusion"][0]["entry"].get<std::string>());
  EXPECT_EQ(entry["kind"], "report.approve");
  EXPECT_EQ(entry["data"]["content_sha256"], Sha256Hex(approved->content_json));
  EXPECT_EQ(entry["actor"], "officer_b");

  auto no_ref = Cmd("file", "officer_b");
  no_ref.reference = "";
  EXPECT_EQ(manager_->Apply(r->id, no_ref).error().field(), "/reference");
  auto filed = manager_->Apply(r->id, Cmd("file", "officer_b"));
  ASSERT_TRUE(filed.has_value()) << filed.error();
  EXPECT_EQ(filed->status, "filed");
  EXPECT_EQ(json::parse(*filed->frozen_json)["filing_reference"], "BIS-2026-000123");
  EXPECT_EQ(filed->content_json, approved->content_json);  // frozen
  EXPECT_EQ(**reports_->Get(r->id), *filed);
  // created, complete, approve, file
  EXPECT_EQ(log_->Head()->size, 4);
}

TEST_P(ReportManagerTest, AReviewerSendsAReportBack) {
  auto r = manager_->Create(
      {"training_run", "cust-77", "", TrainingRunContent().dump(), std::nullopt}, "officer_a");
  ASSERT_TRUE(r.has_value());
  json fill = {{"provider_contact", "x@example.com"}};
  ASSERT_TRUE(manager_->Apply(r->id, Cmd("complete", "officer_b", fill)).has_value());
  // The drafter cannot approve either.
  EXPECT_EQ(manager_->Apply(r->id, Cmd("approve", "officer_a")).error().reason(), "four_eyes");
  auto back = manager_->Apply(r->id, Cmd("return", "officer_c"));
  ASSERT_TRUE(back.has_value()) << back.error();
  EXPECT_EQ(back->status, "draft");
  EXPECT_FALSE(back->completed_by.has_value());
  auto notes = json::parse(back->notes_json);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0]["reason"], "please add the cluster's fabric");
  EXPECT_EQ(notes[0]["actor"], "officer_c");
  EXPECT_TRUE(manager_->Apply(r->id, Cmd("update", "officer_b", {{"note", "fabric 400G"}})));
  EXPECT_EQ(manager_->Apply(r->id, Cmd("ship", "officer_b")).error().field(), "/type");
}

TEST_P(ReportManagerTest, AnnualCertificationsNeedTheFailedVerifications) {
  json content = {{"type", "annual"},
                  {"period", {{"start", "2026-01-01"}, {"end", "2026-12-31"}}},
                  {"cip_contact", "Jane Roe, CCO"},
                  {"procedures", "CIP v3"},
                  {"detection_resources", "kycloud screening and linking"},
                  {"reseller_oversight", "quarterly reseller audits"},
                  {"customers", {{"total", 1200}, {"by_country", {{"US", 900}, {"SG", 300}}}}},
                  {"foreign_beneficial_owners", 410},
                  {"foreign_resellers", json::array({"Reseller Pte Ltd"})},
                  {"unverified_foreign_accounts", 3}};
  auto r = manager_->Create({"cip_certification", "", "", content.dump(), std::nullopt}, "cli");
  ASSERT_TRUE(r.has_value()) << r.error();
  EXPECT_FALSE(r->due_at.has_value());
  auto missing = manager_->Apply(r->id, Cmd("complete", "officer_a"));
  EXPECT_EQ(missing.error().field(), "/content/failed_verification_resolutions");
  json fix = {{"failed_verification_resolutions", json::array({{{"account", "a1"}}})}};
  EXPECT_TRUE(manager_->Apply(r->id, Cmd("complete", "officer_a", fix)).has_value());
  EXPECT_EQ(manager_->Create({"weather", "", "", "", std::nullopt}, "x").error().field(), "/kind");
  EXPECT_EQ(manager_->Create({"training_run", "", "", "", std::nullopt}, "x").error().field(),
            "/subject");
  EXPECT_EQ(
      manager_->Create({"cip_certification", "", "", "[]", std::nullopt}, "x").error().field(),
      "/content");
}

TEST_P(ReportManagerTest, EvidencePackProvesEveryEventOfTheCase) {
  CaseManager cases(*cases_, clock_, log_.get(), nullptr);
  auto a = cases.RaiseAlert({"screening", "screening.hit", "high", "cust-5", "hit <b>", "{}", ""},
                            "system");
  ASSERT_TRUE(a.has_value()) << a.error();
  std::string id = a->case_record->id;
  CaseCommand note;
  note.type = "note";
  note.actor = "officer_a";
  note.text = "<script>alert(1)</script> called the customer";
  ASSERT_TRUE(cases.Apply(id, note).has_value());
  auto pack = manager_->CreateEvidencePack(id, "auditor_1");
  ASSERT_TRUE(pack.has_value()) << pack.error();
  EXPECT_EQ(pack->status, "approved");
  EXPECT_EQ(pack->kind, "case_evidence");
  json content = json::parse(pack->content_json);
  EXPECT_EQ(content["case"]["id"], id);
  EXPECT_EQ(content["events"].size(), 3u);
  ExpectBundleVerifies(content, 3);
  // Each event's audit entry is the one proved.
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(content["events"][i]["audit_index"], content["inclusion"][i]["leaf_index"]);
  }
  std::string html = RenderReportHtml(*pack);
  EXPECT_NE(html.find("Evidence pack of case " + id), std::string::npos);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(html.find("Signed checkpoint"), std::string::npos);
  EXPECT_NE(html.find("kycloud-test"), std::string::npos);  // the checkpoint's signature line

  // An event the audit log has not taken yet: the pack waits rather than prove less.
  CaseManager offline(*cases_, clock_, nullptr, nullptr);
  note.text = "late";
  ASSERT_TRUE(offline.Apply(id, note).has_value());
  auto pending = manager_->CreateEvidencePack(id, "auditor_1");
  ASSERT_FALSE(pending.has_value());
  EXPECT_EQ(pending.error().reason(), "audit_pending");
  EXPECT_EQ(manager_->CreateEvidencePack("case_none", "x").error().code(), StatusCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, ReportManagerTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kycloud::cases
