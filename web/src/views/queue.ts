// The alert queue and the case list: what waits for an officer, oldest due first.

import { get } from "../api";
import { age, badge, customerLink, fmtTime, h, link, table } from "../dom";
import { user } from "../session";

export interface Alert {
  id: string;
  case_id: string | null;
  kind: string;
  source: string;
  severity: string;
  status: string;
  subject: string;
  title: string;
  created_at: string;
  last_seen_at: string;
  occurrences: number;
  resolution: string | null;
  details: any;
}

export interface Case {
  id: string;
  title: string;
  subject: string;
  queue: string;
  severity: string;
  status: string;
  assignee: string | null;
  opened_by: string;
  pending_by: string | null;
  pending_resolution: string | null;
  approval_required: boolean;
  resolution: string | null;
  due_at: string;
  overdue: boolean;
  created_at: string;
  updated_at: string;
  events: number;
  version: number;
}

function select(id: string, label: string, value: string, options: [string, string][]) {
  const s = h(
    "select",
    { id, name: id },
    options.map(([v, t]) => h("option", { value: v, selected: v === value }, t)),
  );
  return [h("label", { for: id }, label), s] as const;
}

function filters(
  fields: (readonly [HTMLLabelElement, HTMLSelectElement])[],
  apply: (values: Record<string, string>) => void,
) {
  return h(
    "form",
    {
      class: "filters",
      role: "search",
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        const values: Record<string, string> = {};
        for (const [, s] of fields) values[s.name] = s.value;
        apply(values);
      },
    },
    fields.map(([l, s]) => h("div", { class: "field" }, l, s)),
    h("button", { type: "submit" }, "Apply"),
  );
}

function go(path: string, values: Record<string, string>) {
  const q = new URLSearchParams(Object.entries(values).filter(([, v]) => v !== ""));
  location.hash = `#${path}${q.toString() ? "?" + q : ""}`;
}

export async function renderAlerts(main: HTMLElement, _p: string[], q: URLSearchParams) {
  const status = q.get("status") ?? "open";
  const source = q.get("source") ?? "";
  const { alerts } = await get<{ alerts: Alert[] }>("/v1/alerts", {
    status: status === "all" ? undefined : status,
    source,
    limit: 500,
  });
  main.append(
    h("h1", null, "Alerts"),
    filters(
      [
        select("status", "Status", status, [
          ["open", "Open"],
          ["closed", "Closed"],
          ["all", "All"],
        ]),
        select("source", "Source", source, [
          ["", "Any source"],
          ["screening", "Screening"],
          ["cip", "CIP"],
          ["linking", "Linking"],
          ["compute", "Compute"],
          ["policy", "Policy"],
          ["manual", "Manual"],
        ]),
      ],
      (v) => go("/alerts", v),
    ),
    h("p", { class: "muted" }, `${alerts.length} alert${alerts.length === 1 ? "" : "s"}, newest first.`),
    table(
      "Alerts",
      ["Severity", "Kind", "Alert", "Subject", "Age", "Seen", "Status"],
      alerts.map((a) => [
        badge(a.severity),
        a.kind,
        a.case_id
          ? link(`#/cases/${encodeURIComponent(a.case_id)}?alert=${encodeURIComponent(a.id)}`, a.title, {
              "data-alert": a.id,
            })
          : a.title,
        customerLink(a.subject),
        age(a.created_at),
        `${a.occurrences}×`,
        badge(a.status),
      ]),
      // The filter this table shows, so a reader (or a test) can tell the new rows from the old.
      { class: "alerts", "data-count": alerts.length, "data-source": source, "data-status": status },
    ),
  );
}

export async function renderCases(main: HTMLElement, _p: string[], q: URLSearchParams) {
  const status = q.get("status") ?? "";
  const mine = q.get("mine") === "1";
  const overdue = q.get("overdue") === "1";
  const { cases } = await get<{ cases: Case[] }>("/v1/cases", {
    status,
    overdue: overdue ? true : undefined,
    assignee: mine ? user()?.key_id : undefined,
    limit: 500,
  });
  main.append(
    h("h1", null, "Cases"),
    filters(
      [
        select("status", "Status", status, [
          ["", "Any status"],
          ["open", "Open"],
          ["in_review", "In review"],
          ["escalated", "Escalated"],
          ["awaiting_approval", "Awaiting approval"],
          ["closed", "Closed"],
        ]),
        select("mine", "Assigned", mine ? "1" : "", [
          ["", "To anyone"],
          ["1", "To me"],
        ]),
        select("overdue", "Due", overdue ? "1" : "", [
          ["", "Any"],
          ["1", "Overdue"],
        ]),
      ],
      (v) => go("/cases", v),
    ),
    table(
      "Cases",
      ["Severity", "Case", "Subject", "Queue", "Status", "Assignee", "Due"],
      cases.map((c) => [
        badge(c.severity),
        link(`#/cases/${encodeURIComponent(c.id)}`, c.title),
        customerLink(c.subject),
        c.queue,
        badge(c.status),
        c.assignee ?? "—",
        h("span", { class: c.overdue ? "overdue" : "" }, fmtTime(c.due_at), c.overdue ? " (overdue)" : ""),
      ]),
      { class: "cases", "data-count": cases.length },
    ),
  );
}
