// Every command in every status, allowed and refused, and the four-eyes rule.
#include "kycloud/cases/case_workflow.h"

#include <gtest/gtest.h>

#include <map>

namespace kycloud::cases {
namespace {

const Timestamp kNow = FromUnixMicros(1'800'000'000'000'000);

storage::CaseRecord CaseIn(std::string status) {
  storage::CaseRecord c;
  c.id = "case_1";
  c.subject = "cust-1";
  c.status = std::move(status);
  c.severity = "high";
  c.queue = "screening";
  c.opened_by = "system";
  c.version = 4;
  c.events = 3;
  if (c.status == "awaiting_approval") {
    c.pending_resolution = "true_positive";
    c.pending_by = "officer_a";
  }
  if (c.status == "closed") {
    c.resolution = "false_positive";
    c.closed_at = kNow;
  }
  return c;
}

// A command of `type` with every field it may need, sent by officer_b.
CaseCommand Full(std::string type, std::string resolution = "false_positive") {
  CaseCommand cmd;
  cmd.type = std::move(type);
  cmd.actor = "officer_b";
  cmd.assignee = "officer_c";
  cmd.resolution = std::move(resolution);
  cmd.reason = "because";
  cmd.text = "a note";
  cmd.alert_id = "alert_1";
  cmd.filename = "passport.pdf";
  cmd.content = "%PDF";
  return cmd;
}

// The expected status after each command from each status; "" = refused (invalid_transition).
const std::map<std::string, std::map<std::string, std::string>> kTable = {
    {"open",
     {{"assign", "open"},
      {"start_review", "in_review"},
      {"note", "open"},
      {"attach_evidence", "open"},
      {"dispose_alert", ""},
      {"escalate", "escalated"},
      {"close", ""},
      {"approve", ""},
      {"reject", ""},
      {"reopen", ""}}},
    {"in_review",
     {{"assign", "in_review"},
      {"start_review", ""},
      {"note", "in_review"},
      {"attach_evidence", "in_review"},
      {"dispose_alert", "in_review"},
      {"escalate", "escalated"},
      {"close", "closed"},
      {"approve", ""},
      {"reject", ""},
      {"reopen", ""}}},
    {"escalated",
     {{"assign", "escalated"},
      {"start_review", "in_review"},
      {"note", "escalated"},
      {"attach_evidence", "escalated"},
      {"dispose_alert", "escalated"},
      {"escalate", ""},
      {"close", "closed"},
      {"approve", ""},
      {"reject", ""},
      {"reopen", ""}}},
    {"awaiting_approval",
     {{"assign", "awaiting_approval"},
      {"start_review", ""},
      {"note", "awaiting_approval"},
      {"attach_evidence", "awaiting_approval"},
      {"dispose_alert", ""},
      {"escalate", ""},
      {"close", ""},
      {"approve", "closed"},
      {"reject", "in_review"},
      {"reopen", ""}}},
    {"closed",
     {{"assign", ""},
      {"start_review", ""},
      {"note", ""},
      {"attach_evidence", ""},
      {"dispose_alert", ""},
      {"escalate", ""},
      {"close", ""},
      {"approve", ""},
      {"reject", ""},
      {"reopen", "in_review"}}},
};

TEST(CaseWorkflowTest, EveryCommandInEveryStatus) {
  ASSERT_EQ(kTable.size(), std::size(kStatuses));
  for (std::string_view status : kStatuses) {
    const auto& row = kTable.at(std::string(status));
    ASSERT_EQ(row.size(), std::size(kCommandTypes)) << status;
    for (std::string_view type : kCommandTypes) {
      SCOPED_TRACE(std::string(status) + " + " + std::string(type));
      storage::CaseRecord before = CaseIn(std::string(status));
      auto after = ApplyCommand(before, Full(std::string(type)), kNow);
      const std::string& want = row.at(std::string(type));
      if (want.empty()) {
        ASSERT_FALSE(after.has_value());
        EXPECT_EQ(after.error().code(), StatusCode::kFailedPrecondition);
        EXPECT_EQ(after.error().reason(), "invalid_transition");
        continue;
      }
      ASSERT_TRUE(after.has_value()) << after.error();
      EXPECT_EQ(after->status, want);
      EXPECT_EQ(after->version, before.version + 1);
      EXPECT_EQ(after->events, before.events + 1);
      EXPECT_EQ(after->updated_at, kNow);
    }
  }
}

TEST(CaseWorkflowTest, ClosingATruePositiveNeedsASecondOfficer) {
  auto asked = ApplyCommand(CaseIn("in_review"), Full("close", "true_positive"), kNow);
  ASSERT_TRUE(asked.has_value()) << asked.error();
  EXPECT_EQ(asked->status, "awaiting_approval");
  EXPECT_EQ(asked->pending_by, "officer_b");
  EXPECT_FALSE(asked->resolution.has_value());

  // The officer who asked cannot approve, nor reject.
  for (std::string type : {"approve", "reject"}) {
    auto self = ApplyCommand(*asked, Full(type), kNow);
    ASSERT_FALSE(self.has_value()) << type;
    EXPECT_EQ(self.error().code(), StatusCode::kPermissionDenied);
    EXPECT_EQ(self.error().reason(), "four_eyes");
  }
  CaseCommand second = Full("approve");
  second.actor = "officer_c";
  auto approved = ApplyCommand(*asked, second, kNow);
  ASSERT_TRUE(approved.has_value()) << approved.error();
  EXPECT_EQ(approved->status, "closed");
  EXPECT_EQ(approved->resolution, "true_positive");
  EXPECT_EQ(approved->closed_at, kNow);
  EXPECT_FALSE(approved->pending_by.has_value());
}

TEST(CaseWorkflowTest, TheOfficerWhoOpenedACaseCannotApproveItsClosure) {
  storage::CaseRecord c = CaseIn("awaiting_approval");
  c.opened_by = "officer_c";
  CaseCommand cmd = Full("approve");
  cmd.actor = "officer_c";
  auto r = ApplyCommand(c, cmd, kNow);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().reason(), "four_eyes");
  cmd.actor = "officer_d";
  EXPECT_TRUE(ApplyCommand(c, cmd, kNow).has_value());
}

TEST(CaseWorkflowTest, AReopenedTruePositiveNeedsTwoOfficersToCloseAgain) {
  storage::CaseRecord c = CaseIn("closed");
  c.resolution = "true_positive";
  auto reopened = ApplyCommand(c, Full("reopen"), kNow);
  ASSERT_TRUE(reopened.has_value()) << reopened.error();
  EXPECT_TRUE(reopened->approval_required);
  // One officer cannot undo it: not by closing as a false positive...
  auto closing = ApplyCommand(*reopened, Full("close", "false_positive"), kNow);
  ASSERT_TRUE(closing.has_value());
  EXPECT_EQ(closing->status, "awaiting_approval");
  EXPECT_EQ(closing->pending_resolution, "false_positive");
  // ...nor by disposing of its alerts one by one.
  auto dispose = ApplyCommand(*reopened, Full("dispose_alert", "false_positive"), kNow);
  ASSERT_FALSE(dispose.has_value());
  EXPECT_EQ(dispose.error().reason(), "four_eyes");
  CaseCommand other = Full("approve");
  other.actor = "officer_c";
  auto approved = ApplyCommand(*closing, other, kNow);
  ASSERT_TRUE(approved.has_value()) << approved.error();
  EXPECT_EQ(approved->resolution, "false_positive");
}

TEST(CaseWorkflowTest, OtherResolutionsCloseAtOnce) {
  for (std::string res : {"false_positive", "inconclusive"}) {
    auto r = ApplyCommand(CaseIn("escalated"), Full("close", res), kNow);
    ASSERT_TRUE(r.has_value()) << r.error();
    EXPECT_EQ(r->status, "closed");
    EXPECT_EQ(r->resolution, res);
  }
  auto bad = ApplyCommand(CaseIn("in_review"), Full("close", "maybe"), kNow);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().field(), "/resolution");
}

TEST(CaseWorkflowTest, RequiredFieldsAreNamed) {
  struct Missing {
    std::string type, status;
    std::string CaseCommand::*field;
    std::string pointer;
  };
  for (const auto& m : std::vector<Missing>{
           {"assign", "open", &CaseCommand::assignee, "/assignee"},
           {"note", "open", &CaseCommand::text, "/text"},
           {"attach_evidence", "open", &CaseCommand::filename, "/filename"},
           {"attach_evidence", "open", &CaseCommand::content, "/content"},
           {"escalate", "open", &CaseCommand::reason, "/reason"},
           {"close", "in_review", &CaseCommand::reason, "/reason"},
           {"close", "in_review", &CaseCommand::resolution, "/resolution"},
           {"reject", "awaiting_approval", &CaseCommand::reason, "/reason"},
           {"reopen", "closed", &CaseCommand::reason, "/reason"},
           {"dispose_alert", "in_review", &CaseCommand::alert_id, "/alert_id"},
       }) {
    CaseCommand cmd = Full(m.type);
    cmd.actor = "officer_z";
    cmd.*m.field = "";
    auto r = ApplyCommand(CaseIn(m.status), cmd, kNow);
    ASSERT_FALSE(r.has_value()) << m.type << " " << m.pointer;
    EXPECT_EQ(r.error().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(r.error().field(), m.pointer);
  }
  auto unknown = ApplyCommand(CaseIn("open"), Full("shred"), kNow);
  ASSERT_FALSE(unknown.has_value());
  EXPECT_EQ(unknown.error().field(), "/type");
}

TEST(CaseWorkflowTest, SideEffectsOfTransitions) {
  auto reviewed = ApplyCommand(CaseIn("open"), Full("start_review"), kNow);
  EXPECT_EQ(reviewed->assignee, "officer_b");  // takes the case when unassigned
  auto escalated = ApplyCommand(CaseIn("in_review"), Full("escalate"), kNow);
  EXPECT_EQ(escalated->queue, kEscalationQueue);
  CaseCommand assign = Full("assign");
  assign.queue = "compute";
  EXPECT_EQ(ApplyCommand(CaseIn("open"), assign, kNow)->queue, "compute");
  auto reopened = ApplyCommand(CaseIn("closed"), Full("reopen"), kNow);
  EXPECT_FALSE(reopened->resolution.has_value());
  EXPECT_FALSE(reopened->closed_at.has_value());
  // New evidence withdraws a pending approval; a closed case takes no alerts.
  CaseCommand alert{.type = "alert_added", .actor = "system"};
  auto back = ApplyCommand(CaseIn("awaiting_approval"), alert, kNow);
  EXPECT_EQ(back->status, "in_review");
  EXPECT_FALSE(back->pending_by.has_value());
  EXPECT_FALSE(ApplyCommand(CaseIn("closed"), alert, kNow).has_value());
  CaseCommand opened{.type = "opened", .actor = "system"};
  EXPECT_FALSE(ApplyCommand(CaseIn("open"), opened, kNow).has_value());  // already has events
}

}  // namespace
}  // namespace kycloud::cases
