// One case: what it is about, its alerts with their evidence (a screening hit explained), the
// timeline of every event, evidence files, and the actions the signed-in role may take.
// Four-eyes: a true-positive closure waits for a second officer, neither the one who asked nor
// the one who opened the case; the console says so instead of offering a button that would fail.

import { api, get } from "../api";
import { append, badge, clear, customerLink, dl, fmtTime, h, link, section } from "../dom";
import { hitExplanation } from "../components/hit";
import { canAct, user } from "../session";
import type { Alert, Case } from "./queue";

interface CaseEvent {
  seq: number;
  type: string;
  actor: string;
  created_at: string;
  audit_index: number | null;
  data: Record<string, unknown>;
}

interface CaseDetail {
  case: Case;
  alerts: Alert[];
  events: CaseEvent[];
  evidence?: { sha256: string; filename: string; media_type: string; size?: number }[];
}

export async function renderCase(main: HTMLElement, params: string[], q: URLSearchParams) {
  const id = params[0];
  const d = await get<CaseDetail>(`/v1/cases/${encodeURIComponent(id)}`);
  const c = d.case;
  const status = h("div", { class: "form-status case-status", role: "status", tabindex: "-1" });
  const rerender = async (message: string) => {
    clear(main);
    await renderCase(main, params, q);
    // Focus goes to the outcome, so keyboard and screen-reader users hear it and stay in place.
    const out = main.querySelector<HTMLElement>(".case-status");
    if (out) {
      out.appendChild(h("p", { class: "ok" }, message));
      out.focus();
    }
  };
  const act = async (body: Record<string, unknown>, done: Done) => {
    clear(status);
    // One request at a time: a double click must not send the action twice.
    const controls = main.querySelectorAll<HTMLButtonElement>("button");
    controls.forEach((b) => (b.disabled = true));
    try {
      const r = await api<{ case: Case; warnings?: string[] }>(
        "POST",
        `/v1/cases/${encodeURIComponent(id)}/events`,
        body,
      );
      const text = typeof done === "function" ? done(r.case) : done;
      await rerender(text + (r.warnings?.length ? ` (${r.warnings.join("; ")})` : ""));
    } catch (e: any) {
      controls.forEach((b) => (b.disabled = false));
      status.appendChild(h("p", { class: "error", role: "alert" }, e.words ?? String(e)));
    }
  };

  append(main, [
    h("p", { class: "crumbs" }, link("#/cases", "Cases"), " / ", c.id),
    h("h1", null, c.title),
    h(
      "div",
      { class: "case-head" },
      badge(c.status),
      badge(c.severity),
      c.overdue ? badge("overdue") : null,
    ),
    status,
    h(
      "div",
      { class: "grid-2" },
      section(
        "Case",
        dl([
          ["Subject", customerLink(c.subject)],
          ["Queue", c.queue],
          ["Status", c.status.replace(/_/g, " ")],
          ["Assignee", c.assignee ?? "unassigned"],
          ["Opened by", c.opened_by],
          ["Opened", fmtTime(c.created_at)],
          ["Due", fmtTime(c.due_at)],
          ["Resolution", c.resolution ?? c.pending_resolution ?? "—"],
          ["Closure asked by", c.pending_by ?? "—"],
        ]),
      ),
      canAct() ? section("Actions", actions(c, act)) : section("Actions", readOnlyNote()),
    ),
    section(
      `Alerts (${d.alerts.length})`,
      d.alerts.map((a) => alertCard(a, c, act, q.get("alert") === a.id)),
    ),
    section("Timeline", timeline(d.events)),
    d.evidence && d.evidence.length
      ? section(
          "Evidence files",
          h(
            "ul",
            null,
            d.evidence.map((f) =>
              h(
                "li",
                null,
                link(`/v1/cases/${encodeURIComponent(id)}/evidence/${f.sha256}`, f.filename, {
                  download: f.filename,
                }),
                ` · ${f.media_type} · sha256 ${f.sha256.slice(0, 12)}…`,
              ),
            ),
          ),
        )
      : null,
  ]);
  const focus = q.get("alert");
  if (focus) main.querySelector(`[data-alert-id="${CSS.escape(focus)}"]`)?.scrollIntoView();
}

function readOnlyNote(): HTMLElement {
  return h(
    "p",
    { class: "muted", "data-testid": "read-only" },
    `Signed in as ${user()?.role}: this role reads and verifies; officers and admins act on cases.`,
  );
}

// What to tell the user: fixed, or read from the case the server answered with.
type Done = string | ((after: Case) => string);
type Act = (body: Record<string, unknown>, done: Done) => Promise<void>;

function reasonForm(
  idp: string,
  label: string,
  button: string,
  submit: (reason: string, extra: Record<string, string>) => void,
  extra?: HTMLElement,
): HTMLElement {
  const input = h("input", { id: `${idp}-reason`, name: "reason", required: true, autocomplete: "off" });
  return h(
    "form",
    {
      class: "inline-form",
      "data-action": idp,
      onsubmit: (ev: Event) => {
        ev.preventDefault();
        const values: Record<string, string> = {};
        (ev.target as HTMLFormElement).querySelectorAll("select").forEach((s) => (values[s.name] = s.value));
        if (input.value.trim()) submit(input.value.trim(), values);
      },
    },
    extra ?? null,
    h("label", { for: `${idp}-reason` }, label),
    input,
    h("button", { type: "submit" }, button),
  );
}

function actions(c: Case, act: Act): HTMLElement {
  const me = user()!;
  const out = h("div", { class: "actions" });
  const button = (text: string, body: Record<string, unknown>, done: Done) =>
    h("button", { type: "button", onclick: () => void act(body, done) }, text);
  if (c.status !== "closed" && c.assignee !== me.key_id) {
    out.append(button("Assign to me", { type: "assign", assignee: me.key_id }, "Assigned to you."));
  }
  if (c.status === "open" || c.status === "escalated") {
    out.append(button("Start review", { type: "start_review" }, "Review started."));
  }
  if (c.status !== "closed") {
    const text = h("textarea", { id: "note-text", name: "text", rows: 2, required: true });
    out.append(
      h(
        "form",
        {
          class: "inline-form",
          "data-action": "note",
          onsubmit: (ev: Event) => {
            ev.preventDefault();
            if (text.value.trim()) void act({ type: "note", text: text.value.trim() }, "Note added.");
          },
        },
        h("label", { for: "note-text" }, "Note"),
        text,
        h("button", { type: "submit" }, "Add note"),
      ),
    );
  }
  if (c.status === "open" || c.status === "in_review") {
    out.append(reasonForm("escalate", "Escalation reason", "Escalate", (reason) =>
      void act({ type: "escalate", reason }, "Escalated.")));
  }
  if (c.status === "in_review" || c.status === "escalated") {
    // A case once closed as a true positive needs a second officer for any closure.
    const second = (r: string) => (c.approval_required || r === "true_positive" ? " (needs a second officer)" : "");
    const resolution = h(
      "select",
      { id: "close-resolution", name: "resolution" },
      h("option", { value: "false_positive" }, `False positive${second("false_positive")}`),
      h("option", { value: "true_positive" }, `True positive${second("true_positive")}`),
      h("option", { value: "inconclusive" }, `Inconclusive${second("inconclusive")}`),
    );
    out.append(
      reasonForm(
        "close",
        "Closing reason",
        "Close case",
        (reason, v) =>
          void act({ type: "close", resolution: v.resolution, reason }, (after) =>
            after.status === "awaiting_approval"
              ? "Closure asked: a second officer must approve it."
              : "Case closed.",
          ),
        h("div", { class: "field" }, h("label", { for: "close-resolution" }, "Resolution"), resolution),
      ),
    );
  }
  if (c.status === "awaiting_approval") {
    const own = c.pending_by === me.key_id || c.opened_by === me.key_id;
    if (own) {
      out.append(
        h(
          "p",
          { class: "four-eyes", "data-testid": "four-eyes" },
          c.pending_by === me.key_id
            ? "Four-eyes: you asked for this closure, so another officer must approve or reject it."
            : "Four-eyes: you opened this case, so another officer must approve or reject its closure.",
        ),
      );
    } else {
      out.append(
        button("Approve closure", { type: "approve" }, "Closure approved: the case is closed."),
        reasonForm("reject", "Rejection reason", "Reject closure", (reason) =>
          void act({ type: "reject", reason }, "Closure rejected: the case is back in review.")),
      );
    }
  }
  if (c.status === "closed") {
    out.append(reasonForm("reopen", "Reopening reason", "Reopen", (reason) =>
      void act({ type: "reopen", reason }, "Case reopened.")));
  }
  return out;
}

function alertCard(a: Alert, c: Case, act: Act, focused: boolean): HTMLElement {
  const d = a.details ?? {};
  // Once a case was confirmed (approval_required), its alerts close only with the case.
  const canDispose =
    canAct() && !c.approval_required && a.status === "open" && (c.status === "in_review" || c.status === "escalated");
  return h(
    "article",
    { class: `alert-card${focused ? " focused" : ""}`, "data-alert-id": a.id },
    h("h3", null, a.title),
    h(
      "p",
      { class: "muted" },
      badge(a.severity),
      " ",
      badge(a.status),
      ` ${a.kind} · from ${a.source} · first ${fmtTime(a.created_at)} · seen ${a.occurrences}×`,
      a.resolution ? ` · ${a.resolution.replace(/_/g, " ")}` : "",
    ),
    a.kind === "screening.hit" ? hitExplanation(d, d.query_name) : details(d),
    canDispose && a.kind === "screening.hit"
      ? reasonForm(`dispose-${a.id}`, "Why is this not the listed party?", "Mark false positive", (reason) =>
          void act(
            { type: "dispose_alert", alert_id: a.id, resolution: "false_positive", reason },
            "Marked false positive: the hit is suppressed on re-screening until the list entry changes.",
          ))
      : null,
  );
}

function details(d: Record<string, any>): HTMLElement {
  if (d.reasons && Array.isArray(d.reasons)) {
    return h(
      "ul",
      { class: "reasons" },
      d.reasons.map((r: any) => h("li", null, h("code", null, r.rule ?? ""), " ", r.text ?? r.detail ?? "")),
    );
  }
  if (d.largest_run) {
    const r = d.largest_run;
    return dl([
      ["Tier", `${d.tier} of ${d.threshold_ops?.toExponential?.(0) ?? ""} operations`],
      ["Estimate", `${d.estimate} ${Number(d.measure_ops).toExponential(2)}`],
      ["Accounts", h("span", null, (d.accounts ?? []).map((x: string, i: number) => [i ? ", " : "", customerLink(x)]))],
      ["Largest run", `${r.accelerator} at ${r.location}, ${Math.round(r.chip_hours).toLocaleString()} chip-hours`],
      ["Run", `${fmtTime(r.start)} to ${fmtTime(r.end)}`],
    ]);
  }
  return h("pre", { class: "json" }, JSON.stringify(d, null, 2));
}

function timeline(events: CaseEvent[]): HTMLElement {
  let status = "";
  return h(
    "ol",
    { class: "timeline" },
    events.map((e) =>
      h(
        "li",
        null,
        h("time", { datetime: e.created_at }, fmtTime(e.created_at)),
        h("strong", null, ` ${e.type.replace(/_/g, " ")}`),
        ` by ${e.actor}`,
        summary(e.data, status, (s) => (status = s)),
        e.audit_index !== null && e.audit_index !== undefined
          ? [" · ", link(`#/audit?leaf=${e.audit_index}`, `audit entry ${e.audit_index}`)]
          : "",
      ),
    ),
  );
}

// The event's own data, with the status only when it changed.
function summary(data: Record<string, unknown>, before: string, now: (s: string) => void): string {
  const keep = ["assignee", "status_to", "resolution", "reason", "text", "alert_id", "filename"];
  const to = typeof data?.status_to === "string" ? data.status_to : before;
  const parts = keep
    .filter((k) => data?.[k] !== undefined && !(k === "status_to" && to === before))
    .map((k) => `${k === "status_to" ? "now" : k.replace(/_/g, " ")}: ${String(data[k]).replace(/_/g, k === "status_to" ? " " : "_")}`);
  now(to);
  return parts.length ? ` — ${parts.join("; ")}` : "";
}
