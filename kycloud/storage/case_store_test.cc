// CaseStore and ReportStore conformance on both backends.
#include <gtest/gtest.h>

#include "kycloud/storage/sql_case_store.h"
#include "kycloud/storage/testing/test_database.h"

namespace kycloud::storage {
namespace {

Timestamp T(int64_t s) { return FromUnixMicros(s * 1'000'000); }

CaseRecord Case(std::string id, std::string subject, int64_t due_s = 1000) {
  CaseRecord c;
  c.id = std::move(id);
  c.subject = std::move(subject);
  c.title = "screening hit";
  c.status = "open";
  c.severity = "high";
  c.queue = "screening";
  c.opened_by = "system";
  c.created_at = c.updated_at = T(10);
  c.due_at = T(due_s);
  c.version = 1;
  return c;
}

AlertRecord Alert(std::string id, std::string key, std::string case_id, int64_t at_s = 10) {
  AlertRecord a;
  a.id = std::move(id);
  a.source = "screening";
  a.kind = "screening.hit";
  a.severity = "high";
  a.subject = "cust-1";
  a.dedup_key = std::move(key);
  a.title = "hit";
  a.details_json = R"({"list":"us_ofac_sdn"})";
  a.case_id = std::move(case_id);
  a.status = "open";
  a.created_at = a.last_seen_at = T(at_s);
  return a;
}

class CaseStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto t = testing::MakeTestDatabase(GetParam());
    ASSERT_TRUE(t.has_value()) << t.error();
    db_ = std::move(*t);
    cases_ = std::make_unique<SqlCaseStore>(*db_->db);
    reports_ = std::make_unique<SqlReportStore>(*db_->db);
  }
  Status Put(const CaseRecord& c, int64_t expected) {
    return cases_->Transact([&](CaseTx& tx) { return tx.PutCase(c, expected); });
  }
  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<SqlCaseStore> cases_;
  std::unique_ptr<SqlReportStore> reports_;
};

TEST_P(CaseStoreTest, CaseRoundTripsAndUpdatesOptimistically) {
  CaseRecord c = Case("case_1", "cust-1");
  c.assignee = "key_a";
  ASSERT_TRUE(Put(c, 0).ok());
  auto got = cases_->GetCase("case_1");
  ASSERT_TRUE(got.has_value()) << got.error();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, c);

  CaseRecord next = c;
  next.status = "closed";
  next.resolution = "false_positive";
  next.closed_at = T(20);
  next.version = 2;
  ASSERT_TRUE(Put(next, 1).ok());
  EXPECT_EQ(**cases_->GetCase("case_1"), next);
  // A writer that read version 1 lost the race.
  CaseRecord stale = c;
  stale.version = 2;
  Status st = Put(stale, 1);
  EXPECT_EQ(st.code(), StatusCode::kAborted) << st;
  EXPECT_EQ(**cases_->GetCase("case_1"), next);
  EXPECT_FALSE(cases_->GetCase("case_404")->has_value());
}

TEST_P(CaseStoreTest, OneOpenCasePerSubject) {
  ASSERT_TRUE(Put(Case("case_1", "cust-1"), 0).ok());
  EXPECT_EQ(Put(Case("case_2", "cust-1"), 0).code(), StatusCode::kAborted);
  ASSERT_TRUE(Put(Case("case_3", "cust-2"), 0).ok());
  auto open = cases_->Transact([&](CaseTx& tx) -> Status {
    KY_ASSIGN_OR_RETURN(auto c, tx.OpenCaseOf("cust-1"));
    if (!c || c->id != "case_1") return InternalError("wrong open case");
    KY_ASSIGN_OR_RETURN(auto none, tx.OpenCaseOf("cust-9"));
    if (none) return InternalError("unexpected case");
    return OkStatus();
  });
  EXPECT_TRUE(open.ok()) << open;
  // Closed, the subject may get a new case.
  CaseRecord closed = Case("case_1", "cust-1");
  closed.status = "closed";
  closed.version = 2;
  ASSERT_TRUE(Put(closed, 1).ok());
  EXPECT_TRUE(Put(Case("case_2", "cust-1"), 0).ok());
}

TEST_P(CaseStoreTest, ListsCasesByFilterInDueOrder) {
  ASSERT_TRUE(Put(Case("case_b", "s1", 300), 0).ok());
  ASSERT_TRUE(Put(Case("case_a", "s2", 200), 0).ok());
  CaseRecord other = Case("case_c", "s3", 100);
  other.queue = "compute";
  other.assignee = "key_x";
  ASSERT_TRUE(Put(other, 0).ok());
  auto all = cases_->ListCases({});
  ASSERT_TRUE(all.has_value()) << all.error();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].id, "case_c");
  EXPECT_EQ((*all)[2].id, "case_b");
  EXPECT_EQ(cases_->ListCases({.queue = "screening"})->size(), 2u);
  EXPECT_EQ(cases_->ListCases({.assignee = "key_x"})->size(), 1u);
  EXPECT_EQ(cases_->ListCases({.due_before = T(250)})->size(), 2u);
  EXPECT_EQ(cases_->ListCases({.limit = 1, .offset = 1})->front().id, "case_a");
}

TEST_P(CaseStoreTest, AlertsUpsertAndOneOpenAlertPerKey) {
  ASSERT_TRUE(Put(Case("case_1", "cust-1"), 0).ok());
  AlertRecord a = Alert("alert_1", "k1", "case_1");
  ASSERT_TRUE(cases_->Transact([&](CaseTx& tx) { return tx.PutAlert(a); }).ok());
  a.occurrences = 3;
  a.last_seen_at = T(30);
  ASSERT_TRUE(cases_->Transact([&](CaseTx& tx) { return tx.PutAlert(a); }).ok());
  EXPECT_EQ(**cases_->GetAlert("alert_1"), a);
  // A second open alert with the key is a lost race.
  AlertRecord dup = Alert("alert_2", "k1", "case_1", 40);
  EXPECT_EQ(cases_->Transact([&](CaseTx& tx) { return tx.PutAlert(dup); }).code(),
            StatusCode::kAborted);
  a.status = "closed";
  a.resolution = "false_positive";
  a.closed_at = T(50);
  ASSERT_TRUE(cases_->Transact([&](CaseTx& tx) { return tx.PutAlert(a); }).ok());
  ASSERT_TRUE(cases_->Transact([&](CaseTx& tx) { return tx.PutAlert(dup); }).ok());
  Status st = cases_->Transact([&](CaseTx& tx) -> Status {
    KY_ASSIGN_OR_RETURN(auto latest, tx.LatestAlert("k1"));
    if (!latest || latest->id != "alert_2") return InternalError("latest is not alert_2");
    KY_ASSIGN_OR_RETURN(auto of, tx.AlertsOf("case_1"));
    if (of.size() != 2) return InternalError("case has " + std::to_string(of.size()));
    return OkStatus();
  });
  EXPECT_TRUE(st.ok()) << st;
  EXPECT_EQ(cases_->ListAlerts({.status = "open"})->size(), 1u);
  EXPECT_EQ(cases_->ListAlerts({.case_id = "case_1"})->front().id, "alert_2");  // newest first
  EXPECT_TRUE(cases_->ListAlerts({.source = "compute"})->empty());
}

TEST_P(CaseStoreTest, EventsAndTheAuditOutbox) {
  ASSERT_TRUE(Put(Case("case_1", "cust-1"), 0).ok());
  for (int i = 1; i <= 3; ++i) {
    CaseEventRecord e{"case_1", i, "note", "key_a", T(10 + i), R"({"n":1})", std::nullopt};
    ASSERT_TRUE(cases_->Transact([&](CaseTx& tx) { return tx.AddEvent(e); }).ok());
  }
  CaseEventRecord again{"case_1", 2, "note", "key_a", T(10), "{}", std::nullopt};
  EXPECT_EQ(cases_->Transact([&](CaseTx& tx) { return tx.AddEvent(again); }).code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(cases_->EventsWithoutAudit(10)->size(), 3u);
  ASSERT_TRUE(cases_->SetEventAudit("case_1", 1, 77).ok());
  ASSERT_TRUE(cases_->SetEventAudit("case_1", 1, 99).ok());  // the first index stands
  auto events = cases_->EventsOf("case_1");
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[0].audit_index, 77);
  EXPECT_EQ((*events)[2].data_json, R"({"n":1})");
  auto outbox = cases_->EventsWithoutAudit(1);
  ASSERT_EQ(outbox->size(), 1u);
  EXPECT_EQ(outbox->front().seq, 2);
}

TEST_P(CaseStoreTest, EvidenceIsKeptOncePerHash) {
  std::string bytes("PDF\0binary\xff", 11);
  EvidenceFile f{"abc123", "application/pdf", bytes, T(5)};
  ASSERT_TRUE(cases_->Transact([&](CaseTx& tx) { return tx.PutEvidence(f); }).ok());
  ASSERT_TRUE(cases_->Transact([&](CaseTx& tx) { return tx.PutEvidence(f); }).ok());
  auto got = cases_->GetEvidence("abc123");
  ASSERT_TRUE(got.has_value() && got->has_value());
  EXPECT_EQ((*got)->content, bytes);
  EXPECT_EQ((*got)->media_type, "application/pdf");
  EXPECT_FALSE(cases_->GetEvidence("nope")->has_value());
}

TEST_P(CaseStoreTest, ReportsUpdateOptimistically) {
  ReportRecord r;
  r.id = "report_1";
  r.kind = "training_run";
  r.subject = "cust-1";
  r.title = "Large training run";
  r.status = "draft";
  r.content_json = R"({"estimated_operations":1.2e26})";
  r.created_by = "system";
  r.created_at = T(1);
  r.due_at = T(1 + 15 * 86400);
  r.version = 1;
  ASSERT_TRUE(reports_->Insert(r).ok());
  EXPECT_EQ(reports_->Insert(r).code(), StatusCode::kAlreadyExists);
  ReportRecord done = r;
  done.status = "completed";
  done.completed_by = "key_a";
  done.completed_at = T(2);
  done.version = 2;
  ASSERT_TRUE(reports_->Update(done, 1).ok());
  EXPECT_EQ(reports_->Update(done, 1).code(), StatusCode::kAborted);
  ReportRecord missing = r;
  missing.id = "report_404";
  EXPECT_EQ(reports_->Update(missing, 1).code(), StatusCode::kNotFound);
  EXPECT_EQ(**reports_->Get("report_1"), done);
  EXPECT_EQ(reports_->List({.status = "completed"})->size(), 1u);
  EXPECT_TRUE(reports_->List({.kind = "cip_certification"})->empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, CaseStoreTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kycloud::storage
