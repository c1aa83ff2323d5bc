// The dashboard: open alerts by type and age, cases by status, the lists and policy in force,
// and the audit log's latest signed checkpoint.

import { get } from "../api";
import { fmtTime, h, link, section, table } from "../dom";
import type { Alert, Case } from "./queue";

const AGES: [string, number][] = [
  ["under 1 day", 1],
  ["1–7 days", 7],
  ["7–30 days", 30],
  ["older", Infinity],
];

export async function renderDashboard(main: HTMLElement) {
  const [alerts, cases, lists, policy, audit] = await Promise.all([
    get<{ alerts: Alert[] }>("/v1/alerts", { status: "open", limit: 1000 }),
    get<{ cases: Case[] }>("/v1/cases", { limit: 1000 }),
    get<any>("/v1/lists"),
    get<any>("/v1/policy"),
    get<any>("/v1/audit/checkpoint"),
  ]);
  const now = Date.now();
  const byKind = new Map<string, number[]>();
  for (const a of alerts.alerts) {
    const days = (now - new Date(a.created_at).getTime()) / 86_400_000;
    const bucket = AGES.findIndex(([, max]) => days < max);
    const row = byKind.get(a.kind) ?? AGES.map(() => 0);
    row[bucket] += 1;
    byKind.set(a.kind, row);
  }
  const statuses = ["open", "in_review", "escalated", "awaiting_approval", "closed"];
  const caseCount = (s: string) => cases.cases.filter((c) => c.status === s).length;
  const overdue = cases.cases.filter((c) => c.overdue).length;
  const cp = audit.checkpoint;

  main.append(
    h("h1", null, "Dashboard"),
    h(
      "div",
      { class: "tiles" },
      tile("Open alerts", alerts.alerts.length, "#/alerts"),
      tile("Cases awaiting approval", caseCount("awaiting_approval"), "#/cases?status=awaiting_approval"),
      tile("Overdue cases", overdue, "#/cases?overdue=1"),
      tile("List entities", lists.entities, "#/status"),
    ),
    h(
      "div",
      { class: "grid-2" },
      section(
        "Open alerts by type and age",
        table(
          "Open alerts by type and age",
          ["Type", ...AGES.map(([t]) => t), "Total"],
          [...byKind.entries()]
            .sort((a, b) => sum(b[1]) - sum(a[1]))
            .map(([kind, row]) => [
              link(`#/alerts?source=${kind.split(".")[0]}`, kind),
              ...row.map(String),
              String(sum(row)),
            ]),
          { class: "by-kind" },
        ),
      ),
      section(
        "Cases by status",
        table(
          "Cases by status",
          ["Status", "Cases"],
          statuses.map((s) => [link(`#/cases?status=${s}`, s.replace(/_/g, " ")), String(caseCount(s))]),
          { class: "by-status" },
        ),
      ),
      section(
        "Lists and policy",
        table(
          "Lists and policy in force",
          ["What", "Version"],
          [
            ["Lists snapshot", h("code", null, String(lists.hash).slice(0, 16) + "…")],
            ["Lists loaded", `${lists.lists.length} lists, ${lists.entities.toLocaleString("en-US")} entities`],
            ["Policy", `${policy.version ?? ""} (${policy.date ?? ""})`],
          ],
        ),
        link("#/status", "Lists and policy →"),
      ),
      section(
        "Audit log",
        cp
          ? table(
              "Audit checkpoint",
              ["What", "Value"],
              [
                ["Entries", String(audit.log_size)],
                ["Latest checkpoint", `${cp.tree_size} entries, signed ${fmtTime(cp.time)}`],
                ["Root", h("code", null, cp.root.slice(0, 16) + "…")],
              ],
            )
          : h("p", { class: "muted" }, "No checkpoint signed yet."),
        link("#/audit", "Verify →"),
      ),
    ),
  );
}

function sum(xs: number[]) {
  return xs.reduce((a, b) => a + b, 0);
}

function tile(label: string, value: number, href: string) {
  return h(
    "a",
    { class: "tile", href },
    h("span", { class: "value" }, value.toLocaleString("en-US")),
    h("span", { class: "label" }, label),
  );
}
