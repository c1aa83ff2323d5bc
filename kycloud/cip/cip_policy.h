// CipPolicy: the Customer Identification Program's own rules (policy/cip.toml, part of the policy
// version): the fields a new record must have by kind, the beneficial-owner threshold, what a
// pending or failed verification allows, re-verification intervals by risk level and retention.
//
// Thread-safety: a value type.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kycloud/base/result.h"
#include "kycloud/policy/policy.h"

namespace kycloud::cip {

// One risk rule: when its factor (a built-in test, risk_score.h) holds, the customer's risk score
// gains `points`, and `text` explains why.
struct RiskRule {
  std::string id;
  std::string factor;  // e.g. "foreign_customer", "country_group:D:5"
  int points = 0;
  std::string text;
};

struct CipPolicy {
  std::string version;
  std::map<std::string, std::vector<std::string>> required;  // kind -> top-level JSON fields
  double owner_min_share = 0.25;
  std::string pending_action = "restrict_and_monitor";  // deny | restrict_and_monitor | close
  std::string failed_action = "deny";
  std::map<std::string, int> reverify_days;  // low | medium | high -> days
  int retention_days_after_close = 730;
  // Risk (R12): level high at `risk_high` points or more, medium at `risk_medium`, else low; a
  // customer at `risk_review_at` or above goes to review instead of approve or verify ("" never).
  int risk_medium = 20;
  int risk_high = 50;
  std::string risk_review_at = "high";
  std::vector<RiskRule> risk_rules;
  // Resellers (R19): days from a finding of non-compliance to the termination deadline.
  int reseller_termination_days = 30;
  // Requests (R17): days from a request for the provider's or its resellers' CIPs to the
  // deadline for producing them.
  int request_response_days = 10;

  // Errors: InvalidArgument "cip.toml:LINE: key reason".
  static Result<CipPolicy> Parse(std::string_view toml_text, std::string_view origin);
  // cip.toml of a policy version (parsed once per version and cached). Errors: NotFound when the
  // version has none; Parse's.
  static Result<CipPolicy> FromPolicy(const policy::Policy& p);
  // The same, shared (no copy: for the hot paths).
  static Result<std::shared_ptr<const CipPolicy>> ForPolicy(const policy::Policy& p);
};

}  // namespace kycloud::cip
