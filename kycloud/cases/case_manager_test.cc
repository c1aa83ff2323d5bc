// CaseManager on both backends: alert dedup and cooldown, cases per subject, SLAs, the audit
// trail of every event, remembered dispositions, and concurrent raising.
#include "kycloud/cases/case_manager.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "kycloud/storage/memory_audit_store.h"
#include "kycloud/storage/memory_disposition_store.h"
#include "kycloud/storage/sql_case_store.h"
#include "kycloud/storage/testing/test_database.h"

namespace kycloud::cases {
namespace {

using namespace std::chrono_literals;

NewAlert Hit(std::string subject = "cust-1", std::string entity = "306",
             std::string severity = "high") {
  nlohmann::json details = {{"subject_key", "id:" + subject},
                            {"list", "us_ofac_sdn"},
                            {"entity_id", entity},
                            {"entity_fingerprint", "fp-" + entity},
                            {"score", 0.97}};
  return {"screening",
          "screening.hit",
          severity,
          subject,
          "OFAC SDN hit " + entity,
          details.dump(),
          "screening|id:" + subject + "|us_ofac_sdn|" + entity};
}

CaseCommand Cmd(std::string type, std::string actor, std::string resolution = "") {
  CaseCommand c;
  c.type = std::move(type);
  c.actor = std::move(actor);
  c.resolution = std::move(resolution);
  c.reason = "checked the passport";
  return c;
}

class CaseManagerTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto t = storage::testing::MakeTestDatabase(GetParam());
    ASSERT_TRUE(t.has_value()) << t.error();
    db_ = std::move(*t);
    store_ = std::make_unique<storage::SqlCaseStore>(*db_->db);
    key_ = std::make_unique<audit::SigningKey>(*audit::SigningKey::Generate("kycloud-test"));
    log_ = std::make_unique<audit::AuditLog>(audit_store_, clock_, key_.get());
    manager_ = std::make_unique<CaseManager>(*store_, clock_, log_.get(), &dispositions_);
  }

  storage::CaseRecord GetCase(const std::string& id) { return **store_->GetCase(id); }

  std::unique_ptr<storage::testing::TestDatabase> db_;
  std::unique_ptr<storage::SqlCaseStore> store_;
  FakeClock clock_;
  storage::MemoryAuditStore audit_store_;
  storage::MemoryDispositionStore dispositions_;
  std::unique_ptr<audit::SigningKey> key_;
  std::unique_ptr<audit::AuditLog> log_;
  std::unique_ptr<CaseManager> manager_;
};

TEST_P(CaseManagerTest, AlertOpensACaseAndRepeatsAreDeduplicated) {
  auto first = manager_->RaiseAlert(Hit(), "key_integrator");
  ASSERT_TRUE(first.has_value()) << first.error();
  EXPECT_EQ(first->outcome, "raised");
  ASSERT_TRUE(first->case_opened);
  const storage::CaseRecord& c = *first->case_record;
  EXPECT_EQ(c.status, "open");
  EXPECT_EQ(c.queue, "screening");
  EXPECT_EQ(c.opened_by, "key_integrator");  // who raised it cannot approve its closure
  EXPECT_EQ(c.due_at, clock_.Now() + 72h);   // high: 3 days
  EXPECT_EQ(c.events, 2);
  EXPECT_EQ(GetCase(c.id), c);

  clock_.Advance(1h);
  auto again = manager_->RaiseAlert(Hit(), "key_integrator");
  ASSERT_TRUE(again.has_value()) << again.error();
  EXPECT_EQ(again->outcome, "deduplicated");
  EXPECT_EQ(again->alert.id, first->alert.id);
  EXPECT_EQ(again->alert.occurrences, 2);
  EXPECT_EQ(again->alert.last_seen_at, clock_.Now());
  EXPECT_TRUE(again->events.empty());

  // Another hit of the same customer joins the case; a critical one brings the due date forward.
  auto other = manager_->RaiseAlert(Hit("cust-1", "999", "critical"), "key_integrator");
  ASSERT_TRUE(other.has_value()) << other.error();
  EXPECT_EQ(other->outcome, "raised");
  EXPECT_FALSE(other->case_opened);
  EXPECT_EQ(other->case_record->id, c.id);
  EXPECT_EQ(other->case_record->severity, "critical");
  EXPECT_EQ(other->case_record->due_at, clock_.Now() + 24h);
  EXPECT_EQ(store_->ListAlerts({.case_id = c.id})->size(), 2u);
  // Another customer, another case.
  auto stranger = manager_->RaiseAlert(Hit("cust-2"), "key_integrator");
  EXPECT_NE(stranger->case_record->id, c.id);
}

TEST_P(CaseManagerTest, RepeatsWithinTheCooldownAreFoldedIntoTheClosedAlert) {
  auto first = manager_->RaiseAlert(Hit(), "system");
  ASSERT_TRUE(first.has_value()) << first.error();
  std::string id = first->case_record->id;
  ASSERT_TRUE(manager_->Apply(id, Cmd("start_review", "officer_a")).has_value());
  ASSERT_TRUE(manager_->Apply(id, Cmd("close", "officer_a", "inconclusive")).has_value());
  EXPECT_EQ((*store_->GetAlert(first->alert.id))->status, "closed");

  clock_.Advance(2h);
  auto folded = manager_->RaiseAlert(Hit(), "system");
  ASSERT_TRUE(folded.has_value()) << folded.error();
  EXPECT_EQ(folded->outcome, "cooldown");
  EXPECT_EQ(folded->alert.id, first->alert.id);
  EXPECT_EQ(folded->alert.occurrences, 2);
  EXPECT_TRUE(store_->ListCases({.status = "open"})->empty());

  // More severe than the closed alert: raised at once.
  auto worse = manager_->RaiseAlert(Hit("cust-1", "306", "critical"), "system");
  EXPECT_EQ(worse->outcome, "raised");
  EXPECT_TRUE(worse->case_opened);
  ASSERT_TRUE(manager_->Apply(worse->case_record->id, Cmd("start_review", "officer_a")));
  ASSERT_TRUE(manager_->Apply(worse->case_record->id, Cmd("close", "officer_a", "inconclusive")));

  // After the cooldown, a repeat is a new alert in a new case.
  clock_.Advance(25h);
  auto later = manager_->RaiseAlert(Hit(), "system");
  EXPECT_EQ(later->outcome, "raised");
  EXPECT_TRUE(later->case_opened);
  EXPECT_NE(later->alert.id, first->alert.id);
}

TEST_P(CaseManagerTest, EveryEventIsAnAuditEntryWithoutPersonalData) {
  auto raised = manager_->RaiseAlert(Hit(), "key_integrator");
  ASSERT_TRUE(raised.has_value()) << raised.error();
  std::string id = raised->case_record->id;
  CaseCommand note = Cmd("note", "officer_a");
  note.text = "Customer Ivan Petrov sent his passport";
  CaseCommand evidence = Cmd("attach_evidence", "officer_a");
  evidence.filename = "petrov-passport.pdf";
  evidence.media_type = "application/pdf";
  evidence.content = "%PDF-1.7 passport scan";
  for (const CaseCommand& cmd : {Cmd("start_review", "officer_a"), note, evidence,
                                 Cmd("close", "officer_a", "true_positive")}) {
    auto r = manager_->Apply(id, cmd);
    ASSERT_TRUE(r.has_value()) << cmd.type << ": " << r.error();
    EXPECT_TRUE(r->warnings.empty());
    EXPECT_TRUE(r->event.audit_index.has_value()) << cmd.type;
  }
  auto approved = manager_->Apply(id, Cmd("approve", "officer_b"));
  ASSERT_TRUE(approved.has_value()) << approved.error();
  EXPECT_EQ(approved->case_record.status, "closed");
  EXPECT_EQ(approved->case_record.resolution, "true_positive");
  EXPECT_EQ((*store_->GetAlert(raised->alert.id))->resolution, "true_positive");

  auto events = store_->EventsOf(id);
  ASSERT_EQ(events->size(), 7u);  // opened, alert_added, start_review, note, evidence, close, ok
  auto entries = log_->Entries(0, 100);
  ASSERT_TRUE(entries.has_value());
  // The seven events, and the confirmed match remembered (subject as a digest).
  ASSERT_EQ(entries->size(), 8u);
  EXPECT_EQ(entries->back().kind, "screening.disposition");
  EXPECT_NE(entries->back().entry.find("true_match"), std::string::npos);
  EXPECT_EQ(entries->back().entry.find("cust-1"), std::string::npos);
  for (size_t i = 0; i < events->size(); ++i) {
    const auto& e = (*events)[i];
    ASSERT_TRUE(e.audit_index.has_value()) << e.type;
    const auto& entry = (*entries)[*e.audit_index];
    EXPECT_EQ(entry.kind, "case." + e.type);
    EXPECT_EQ(entry.entry.find("Petrov"), std::string::npos) << entry.entry;
    EXPECT_EQ(entry.entry.find("cust-1"), std::string::npos) << entry.entry;
    EXPECT_NE(entry.entry.find(id), std::string::npos);
  }
  auto file = store_->GetEvidence(Sha256Hex(evidence.content));
  ASSERT_TRUE(file.has_value() && file->has_value());
  EXPECT_EQ((*file)->content, evidence.content);
  EXPECT_NE((*entries)[4].entry.find(Sha256Hex(evidence.content)), std::string::npos);
}

TEST_P(CaseManagerTest, FalsePositivesAreRemembered) {
  auto a = manager_->RaiseAlert(Hit("cust-1", "306"), "system");
  auto b = manager_->RaiseAlert(Hit("cust-1", "777"), "system");
  ASSERT_TRUE(a.has_value() && b.has_value());
  std::string id = a->case_record->id;
  ASSERT_TRUE(manager_->Apply(id, Cmd("start_review", "officer_a")));
  CaseCommand dispose = Cmd("dispose_alert", "officer_a", "false_positive");
  dispose.alert_id = a->alert.id;
  dispose.reason = "different date of birth";
  auto disposed = manager_->Apply(id, dispose);
  ASSERT_TRUE(disposed.has_value()) << disposed.error();
  auto remembered = dispositions_.ForSubjects({"id:cust-1"});
  ASSERT_EQ(remembered->size(), 1u);
  EXPECT_EQ((*remembered)[0].entity_id, "306");
  EXPECT_EQ((*remembered)[0].entity_fingerprint, "fp-306");
  EXPECT_EQ((*remembered)[0].reason, "different date of birth");
  EXPECT_EQ((*remembered)[0].decided_by, "officer_a");

  CaseCommand wrong = dispose;
  wrong.alert_id = "alert_elsewhere";
  auto missing = manager_->Apply(id, wrong);
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), StatusCode::kNotFound);

  // Closing the case as a false positive remembers the other hit too.
  ASSERT_TRUE(manager_->Apply(id, Cmd("close", "officer_a", "false_positive")));
  EXPECT_EQ(dispositions_.ForSubjects({"id:cust-1"})->size(), 2u);
  EXPECT_EQ((*store_->GetAlert(a->alert.id))->resolution, "false_positive");
  EXPECT_EQ((*store_->GetAlert(b->alert.id))->status, "closed");
}

// A screening case closed as a true positive (four-eyes) remembers its hits as confirmed matches
// and hands the subject to the hook (the service decides the customer again: listed).
TEST_P(CaseManagerTest, ConfirmedMatchesAreRememberedAndReported) {
  std::vector<std::string> hooked;
  manager_->SetConfirmedHook(
      [&](const std::string& subject, const std::string&) { hooked.push_back(subject); });
  auto a = manager_->RaiseAlert(Hit("cust-9", "306"), "system");
  ASSERT_TRUE(a.has_value());
  const std::string id = a->case_record->id;
  ASSERT_TRUE(manager_->Apply(id, Cmd("start_review", "officer_a")));
  ASSERT_TRUE(manager_->Apply(id, Cmd("close", "officer_a", "true_positive")));
  EXPECT_TRUE(dispositions_.ForSubjects({"id:cust-9"})->empty());  // not before approval
  EXPECT_TRUE(hooked.empty());
  auto approved = manager_->Apply(id, Cmd("approve", "officer_b"));
  ASSERT_TRUE(approved.has_value()) << approved.error();
  auto remembered = dispositions_.ForSubjects({"id:cust-9"});
  ASSERT_EQ(remembered->size(), 1u);
  EXPECT_EQ((*remembered)[0].decision, "true_match");
  EXPECT_EQ((*remembered)[0].entity_fingerprint, "fp-306");
  EXPECT_EQ((*remembered)[0].decided_by, "officer_b");
  EXPECT_EQ(hooked, std::vector<std::string>{"cust-9"});
}

TEST_P(CaseManagerTest, ANewAlertWithdrawsAPendingApproval) {
  auto a = manager_->RaiseAlert(Hit(), "system");
  std::string id = a->case_record->id;
  ASSERT_TRUE(manager_->Apply(id, Cmd("start_review", "officer_a")));
  ASSERT_TRUE(manager_->Apply(id, Cmd("close", "officer_a", "true_positive")));
  EXPECT_EQ(GetCase(id).status, "awaiting_approval");
  auto b = manager_->RaiseAlert(Hit("cust-1", "888"), "system");
  EXPECT_EQ(b->case_record->id, id);
  EXPECT_EQ(GetCase(id).status, "in_review");
  auto refused = manager_->Apply(id, Cmd("approve", "officer_b"));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().reason(), "invalid_transition");
}

TEST_P(CaseManagerTest, ManualCasesAndFourEyes) {
  auto c = manager_->OpenCase({"cust-9", "reseller's end users look Chinese", "high", "linking"},
                              "officer_a");
  ASSERT_TRUE(c.has_value()) << c.error();
  EXPECT_EQ(c->opened_by, "officer_a");
  auto twice = manager_->OpenCase({"cust-9", "again", "low", "manual"}, "officer_b");
  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().reason(), "case_open");
  EXPECT_NE(twice.error().message().find(c->id), std::string::npos);
  ASSERT_TRUE(manager_->Apply(c->id, Cmd("start_review", "officer_b")));
  ASSERT_TRUE(manager_->Apply(c->id, Cmd("close", "officer_b", "true_positive")));
  // officer_a opened it, officer_b asked to close it: neither approves.
  for (std::string who : {"officer_a", "officer_b"}) {
    auto r = manager_->Apply(c->id, Cmd("approve", who));
    ASSERT_FALSE(r.has_value()) << who;
    EXPECT_EQ(r.error().code(), StatusCode::kPermissionDenied);
  }
  EXPECT_EQ(GetCase(c->id).status, "awaiting_approval");
  auto ok = manager_->Apply(c->id, Cmd("approve", "officer_c"));
  ASSERT_TRUE(ok.has_value()) << ok.error();
  EXPECT_EQ(ok->case_record.status, "closed");
  EXPECT_EQ(store_->ListCases({.queue = "linking"})->size(), 1u);
  // System events cannot be sent by officers.
  auto forged = manager_->Apply(c->id, Cmd("alert_added", "officer_c"));
  ASSERT_FALSE(forged.has_value());
  EXPECT_EQ(forged.error().field(), "/type");
}

TEST_P(CaseManagerTest, ACallersDedupKeyNeverReachesAnotherSubject) {
  NewAlert mine{"compute", "compute.threshold", "high", "cust-1", "", "{}", "tier-50"};
  NewAlert theirs = mine;
  theirs.subject = "cust-2";
  auto a = manager_->RaiseAlert(mine, "integration");
  auto b = manager_->RaiseAlert(theirs, "integration");
  ASSERT_TRUE(a.has_value() && b.has_value());
  EXPECT_EQ(b->outcome, "raised");
  EXPECT_NE(a->alert.id, b->alert.id);
  EXPECT_NE(a->case_record->id, b->case_record->id);
  EXPECT_EQ(manager_->RaiseAlert(mine, "integration")->outcome, "deduplicated");
}

TEST_P(CaseManagerTest, ReopeningWhileAnotherCaseIsOpenNamesThatCase) {
  auto first = manager_->RaiseAlert(Hit(), "system");
  std::string id = first->case_record->id;
  ASSERT_TRUE(manager_->Apply(id, Cmd("start_review", "officer_a")));
  ASSERT_TRUE(manager_->Apply(id, Cmd("close", "officer_a", "inconclusive")));
  auto second = manager_->OpenCase({"cust-1", "new lead", "low", "manual"}, "officer_b");
  ASSERT_TRUE(second.has_value()) << second.error();
  auto reopen = manager_->Apply(id, Cmd("reopen", "officer_a"));
  ASSERT_FALSE(reopen.has_value());
  EXPECT_EQ(reopen.error().reason(), "case_open");
  EXPECT_NE(reopen.error().message().find(second->id), std::string::npos);
}

TEST_P(CaseManagerTest, BadAlertsAreRefusedNamingTheField) {
  NewAlert a = Hit();
  a.source = "gossip";
  EXPECT_EQ(manager_->RaiseAlert(a, "x").error().field(), "/source");
  a = Hit();
  a.severity = "urgent";
  EXPECT_EQ(manager_->RaiseAlert(a, "x").error().field(), "/severity");
  a = Hit();
  a.subject = "";
  EXPECT_EQ(manager_->RaiseAlert(a, "x").error().field(), "/subject");
  a = Hit();
  a.details_json = "[1,2]";
  EXPECT_EQ(manager_->RaiseAlert(a, "x").error().field(), "/details");
  EXPECT_TRUE(store_->ListAlerts({})->empty());
}

TEST_P(CaseManagerTest, InvalidUtf8FromOutsideTextIsAnErrorOrReplacedNeverAThrow) {
  NewAlert a = Hit();
  a.title = "BANCO \xff\xfe NACIONAL";  // e.g. a list name in a broken encoding
  EXPECT_NO_THROW({
    auto r = manager_->RaiseAlert(a, "system");
    if (r.has_value()) {
      EXPECT_EQ(log_->Head()->size, 2);  // its events are in the audit log, text replaced
    } else {
      EXPECT_NE(r.error().code(), StatusCode::kOk);  // PostgreSQL refuses the bytes: a value
    }
  });
}

TEST_P(CaseManagerTest, TheOutboxCatchesEventsTheAuditLogMissed) {
  // A manager without the audit log stands for a process that died before appending.
  CaseManager offline(*store_, clock_, nullptr, nullptr);
  auto r = offline.RaiseAlert(Hit(), "system");
  ASSERT_TRUE(r.has_value()) << r.error();
  EXPECT_EQ(store_->EventsWithoutAudit(10)->size(), 2u);
  EXPECT_EQ(*manager_->FlushAuditOutbox(60s), 0u);  // too young: maybe still being appended
  clock_.Advance(61s);
  EXPECT_EQ(*manager_->FlushAuditOutbox(60s), 2u);
  EXPECT_TRUE(store_->EventsWithoutAudit(10)->empty());
  EXPECT_EQ(log_->Head()->size, 2);
}

TEST_P(CaseManagerTest, ConcurrentRaisesMakeOneAlert) {
  constexpr int kThreads = 6, kEach = 5;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        if (!manager_->RaiseAlert(Hit(), "system").has_value()) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  auto alerts = store_->ListAlerts({});
  ASSERT_EQ(alerts->size(), 1u);
  EXPECT_EQ((*alerts)[0].occurrences, kThreads * kEach);
  EXPECT_EQ(store_->ListCases({})->size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, CaseManagerTest, ::testing::Values("sqlite", "postgresql"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace kycloud::cases
