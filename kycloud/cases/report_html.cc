#include "kycloud/cases/report_html.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "kycloud/cases/case_json.h"

namespace kycloud::cases {

namespace {

using nlohmann::json;

constexpr std::string_view kStyle =
    "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;color:#111}"
    "table{border-collapse:collapse;width:100%;margin:.5rem 0}"
    "th,td{border:1px solid #bbb;padding:.25rem .5rem;text-align:left;vertical-align:top}"
    "th{background:#f2f2f2;width:14rem}pre{white-space:pre-wrap;word-break:break-all;"
    "background:#f7f7f7;padding:.5rem}.status{font-weight:bold;text-transform:uppercase}"
    "@media print{body{margin:0}}";

std::string Scalar(const json& v) {
  if (v.is_null()) return "<em>none</em>";
  if (v.is_string()) return HtmlEscape(v.get<std::string>());
  return HtmlEscape(Dump(v));
}

// Objects as two-column tables, arrays of objects as tables with a column per key.
void Render(const json& v, std::string& out, int depth) {
  if (depth > 8) {
    out += "<pre>" + HtmlEscape(v.dump(2)) + "</pre>";
    return;
  }
  if (v.is_object()) {
    if (v.empty()) {
      out += "<em>empty</em>";
      return;
    }
    out += "<table>";
    for (const auto& [k, x] : v.items()) {
      out += "<tr><th>" + HtmlEscape(k) + "</th><td>";
      Render(x, out, depth + 1);
      out += "</td></tr>";
    }
    out += "</table>";
  } else if (v.is_array()) {
    if (v.empty()) {
      out += "<em>none</em>";
      return;
    }
    bool objects = std::all_of(v.begin(), v.end(), [](const json& x) { return x.is_object(); });
    if (!objects) {
      out += "<ul>";
      for (const auto& x : v) {
        out += "<li>";
        Render(x, out, depth + 1);
        out += "</li>";
      }
      out += "</ul>";
      return;
    }
    std::vector<std::string> keys;
    for (const auto& x : v) {
      for (const auto& [k, _] : x.items()) {
        if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
      }
    }
    out += "<table><tr>";
    for (const auto& k : keys) out += "<th>" + HtmlEscape(k) + "</th>";
    out += "</tr>";
    for (const auto& x : v) {
      out += "<tr>";
      for (const auto& k : keys) {
        out += "<td>";
        if (x.contains(k)) Render(x[k], out, depth + 1);
        out += "</td>";
      }
      out += "</tr>";
    }
    out += "</table>";
  } else {
    out += Scalar(v);
  }
}

void Section(std::string& out, std::string_view title, const json& v) {
  out += fmt::format("<h2>{}</h2>", HtmlEscape(title));
  Render(v, out, 0);
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string RenderReportHtml(const storage::ReportRecord& r) {
  json j = ReportJson(r);
  std::string out = fmt::format(
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title>"
      "<style>{}</style></head><body><h1>{}</h1>",
      HtmlEscape(r.title), kStyle, HtmlEscape(r.title));
  json facts = {
      {"Report", r.id},
      {"Kind", r.kind},
      {"Status", r.status},
      {"Subject", r.subject},
      {"Drafted", fmt::format("{} by {}", j["created_at"].get<std::string>(), r.created_by)}};
  if (!j["due_at"].is_null()) facts["Due"] = j["due_at"];
  if (r.completed_by) {
    facts["Completed"] =
        fmt::format("{} by {}", j["completed_at"].get<std::string>(), *r.completed_by);
  }
  if (r.approved_by) {
    facts["Approved"] =
        fmt::format("{} by {}", j["approved_at"].get<std::string>(), *r.approved_by);
  }
  if (r.filed_by) {
    facts["Filed"] = fmt::format("{} by {}", j["filed_at"].get<std::string>(), *r.filed_by);
  }
  Render(facts, out, 0);
  const json& content = j["content"];
  if (r.kind == "case_evidence") {
    Section(out, "Case", content.value("case", json::object()));
    Section(out, "Alerts", content.value("alerts", json::array()));
    json timeline = json::array();
    for (const auto& e : content.value("events", json::array())) {
      timeline.push_back({{"seq", e["seq"]},
                          {"time", e["created_at"]},
                          {"type", e["type"]},
                          {"actor", e["actor"]},
                          {"details", e["data"]},
                          {"audit entry", e["audit_index"]}});
    }
    Section(out, "Timeline", timeline);
    Section(out, "Evidence files", content.value("evidence_files", json::array()));
    json proofs = json::array();
    for (const auto& p : content.value("inclusion", json::array())) {
      proofs.push_back({{"audit entry", p["leaf_index"]},
                        {"leaf hash", p["leaf_hash"]},
                        {"tree size", p["tree_size"]},
                        {"proof hashes", p["proof"].size()}});
    }
    Section(out, "Audit inclusion proofs", proofs);
    const json& cp = content.value("checkpoint", json::object());
    if (cp.contains("checkpoint") && cp["checkpoint"].is_object()) {
      out += "<h2>Signed checkpoint</h2><pre>" + HtmlEscape(cp["checkpoint"].value("note", "")) +
             "</pre>";
    }
    if (cp.contains("verifier_key")) {
      out += "<p>Verifier key: <code>" + Scalar(cp["verifier_key"]) + "</code></p>";
    }
  } else {
    Section(out, "Content", content);
  }
  if (j["frozen"].is_object()) {
    const json& f = j["frozen"];
    json summary = {{"Content SHA-256", f.value("content_sha256", "")}};
    if (f.contains("audit_index")) summary["Audit entry"] = f["audit_index"];
    if (f.contains("filing_reference")) summary["Filing reference"] = f["filing_reference"];
    Section(out, "Frozen", summary);
    if (f.contains("audit") && f["audit"]["checkpoint"]["checkpoint"].is_object()) {
      out += "<h3>Signed checkpoint</h3><pre>" +
             HtmlEscape(f["audit"]["checkpoint"]["checkpoint"].value("note", "")) + "</pre>";
    }
  }
  out +=
      "<p><small>Check this report's audit entries and checkpoint as docs/audit-log-format.md "
      "describes (kycloud audit verify; tests/audit/verify_proofs.py).</small></p>"
      "</body></html>\n";
  return out;
}

}  // namespace kycloud::cases
