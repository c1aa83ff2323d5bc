// Customer 360: the CIP record, owners, verification and risk, access IPs by country, linked
// accounts as a graph with the evidence of each link, compute over time against the reporting
// tiers, provisioning decisions, and the cases about the customer.

import { api, get } from "../api";
import { append, badge, clear, customerLink, dl, fmtTime, h, link, ops, section, table } from "../dom";
import { drawComputeChart } from "../components/computeChart";
import { drawLinkGraph, type Link } from "../components/linkGraph";
import { canAct } from "../session";
import type { Case } from "./queue";

export async function renderCustomers(main: HTMLElement, _p: string[], q: URLSearchParams) {
  const decision = q.get("decision") ?? "";
  const after = q.get("after") ?? "";
  const r = await get<{ customers: any[]; next_after?: string }>("/v1/customers", {
    decision,
    after,
    limit: 100,
  });
  const sel = h(
    "select",
    { id: "decision", name: "decision" },
    [
      ["", "Any decision"],
      ["accept", "Accept"],
      ["review", "Review"],
      ["reject", "Reject"],
    ].map(([v, t]) => h("option", { value: v, selected: v === decision }, t)),
  );
  const open = h("input", { id: "open-id", name: "id", placeholder: "cust-…", autocomplete: "off" });
  append(main, [
    h("h1", null, "Customers"),
    h(
      "div",
      { class: "filters" },
      h(
        "form",
        {
          role: "search",
          onsubmit: (ev: Event) => {
            ev.preventDefault();
            if (open.value.trim()) location.hash = `#/customers/${encodeURIComponent(open.value.trim())}`;
          },
        },
        h("label", { for: "open-id" }, "Open customer"),
        open,
        h("button", { type: "submit" }, "Open"),
      ),
      h(
        "form",
        {
          onsubmit: (ev: Event) => {
            ev.preventDefault();
            location.hash = sel.value ? `#/customers?decision=${sel.value}` : "#/customers";
          },
        },
        h("label", { for: "decision" }, "Decision"),
        sel,
        h("button", { type: "submit" }, "Apply"),
      ),
    ),
    table(
      "Customers",
      ["Customer", "Kind", "Country", "Decision", "Risk", "Verification", "US person", "Last access"],
      r.customers.map((c) => [
        customerLink(c.id),
        c.kind,
        c.country,
        badge(c.decision),
        badge(c.risk_level ?? "—"),
        c.verification,
        c.us_person ? "yes" : "no",
        fmtTime(c.last_access_at),
      ]),
    ),
    r.next_after
      ? h(
          "p",
          null,
          link(`#/customers?${new URLSearchParams({ decision, after: r.next_after })}`, "Next page →"),
        )
      : null,
  ]);
}

export async function renderCustomer(main: HTMLElement, params: string[]) {
  const id = params[0];
  const enc = encodeURIComponent(id);
  const c = await get<any>(`/v1/customers/${enc}`);
  const rec = c.record ?? {};
  const name = rec.names?.[0]?.full ?? id;
  append(main, [
    h("p", { class: "crumbs" }, link("#/customers", "Customers"), " / ", id),
    h("h1", null, name, " ", h("small", { class: "muted" }, id)),
    h(
      "div",
      { class: "case-head" },
      badge(c.decision),
      badge(`risk ${c.risk_level ?? c.risk?.level ?? "?"}`, c.risk_level ?? "unknown"),
      badge(c.us_person ? "US person" : "foreign", c.us_person ? "us" : "foreign"),
      c.status === "closed" ? badge("closed") : null,
      c.legal_hold ? badge("retention hold", "hold") : null,
    ),
  ]);
  const grid = h("div", { class: "grid-2" });
  grid.append(identification(c, rec), verificationAndRisk(c));
  main.append(grid, owners(rec));
  const access = section("Access IPs by country", h("p", { class: "muted" }, "Loading…"));
  const links = section("Linked accounts", h("p", { class: "muted" }, "Loading…"));
  const compute = section("Compute over time", h("p", { class: "muted" }, "Loading…"));
  const decisions = section("Authorization history", h("p", { class: "muted" }, "Loading…"));
  const cases = section("Cases", h("p", { class: "muted" }, "Loading…"));
  main.append(links, compute, h("div", { class: "grid-2" }, access, decisions), cases);
  // Independent reads: a failure in one shows in its section, the others still render.
  await Promise.all([
    fill(access, () => accessIps(enc)),
    fill(links, () => linkedAccounts(id, enc)),
    fill(compute, () => computeSection(enc)),
    fill(decisions, () => authorizationHistory(enc)),
    fill(cases, () => casesAbout(id)),
  ]);
}

async function fill(sec: HTMLElement, build: () => Promise<Node>) {
  const title = sec.querySelector("h2")!;
  try {
    const content = await build();
    clear(sec);
    sec.append(title, content);
  } catch (e: any) {
    clear(sec);
    sec.append(title, h("p", { class: "error", role: "alert" }, e.words ?? String(e)));
  }
}

function identification(c: any, rec: any): HTMLElement {
  const addr = (a: any) => [...(a.lines ?? []), a.locality, a.region, a.postcode, a.country].filter(Boolean).join(", ");
  return section(
    "Identification",
    dl([
      ["Kind", c.kind],
      ["Names", (rec.names ?? []).map((n: any) => `${n.full} (${n.kind})`).join("; ")],
      ["Country", c.country],
      ["Headquarters", c.headquarters_country ?? ""],
      ["Incorporated in", rec.country_of_incorporation ?? ""],
      ["Date of birth", rec.date_of_birth ?? ""],
      ["Nationalities", (rec.nationalities ?? []).join(", ")],
      ["Addresses", h("span", null, (rec.addresses ?? []).map((a: any, i: number) => [i ? h("br") : "", addr(a)]))],
      ["E-mails", (rec.emails ?? []).join(", ")],
      ["Phones", (rec.phones ?? []).join(", ")],
      ["Website", rec.website ?? ""],
      ["National ids", (rec.national_ids ?? []).map((n: any) => `${n.type ?? ""} ${n.value ?? ""} ${n.country ?? ""}`.trim()).join("; ")],
      [
        "Payment",
        (rec.payment_instruments ?? [])
          .map((p: any) => `${p.type} ${p.institution ?? ""} (${p.issuing_country ?? "?"})`)
          .join("; "),
      ],
      ["Reseller", rec.is_reseller ? "yes: a reseller" : rec.reseller_id ? `through ${rec.reseller_id}` : "no"],
      ["Created", fmtTime(c.created_at)],
    ]),
  );
}

function verificationAndRisk(c: any): HTMLElement {
  const cls = c.classification ?? {};
  return section(
    "Verification and risk",
    dl([
      ["Decision", h("span", null, badge(c.decision), ` under policy ${c.policy_version}`)],
      ["Verification", `${c.verification}${c.verified_at ? " on " + fmtTime(c.verified_at) : ""}`],
      ["Required", cls.verification_required ? "yes (a foreign person)" : "no"],
      ["Re-verify by", fmtTime(c.reverify_due)],
      ["Risk", `${c.risk?.level ?? "?"} (score ${c.risk?.score ?? "?"})`],
    ]),
    h(
      "ul",
      { class: "reasons" },
      (c.risk?.reasons ?? []).map((r: any) =>
        h("li", null, h("code", null, r.rule), ` +${r.points}: ${r.text}${r.detail ? " (" + r.detail + ")" : ""}`),
      ),
    ),
    h("h3", null, "US or foreign: the evidence"),
    h(
      "ul",
      { class: "reasons" },
      (cls.evidence ?? []).map((e: any) =>
        h("li", null, `${e.party}: ${e.fact.replace(/_/g, " ")} = ${e.value} → ${e.us ? "US" : "foreign"}`),
      ),
    ),
  );
}

function owners(rec: any): HTMLElement {
  return section(
    "Beneficial owners",
    table(
      "Beneficial owners",
      ["Owner", "Share", "Role", "Nationality", "Residence", "Born", "US person"],
      (rec.beneficial_owners ?? []).map((o: any) => [
        o.names?.[0]?.full ?? o.id,
        o.share !== undefined ? `${Math.round(o.share * 1000) / 10}%` : "—",
        o.control_role || "owner",
        o.nationality ?? "",
        o.residence_country ?? "",
        o.date_of_birth ?? "",
        o.us_person ? "yes" : "no",
      ]),
    ),
  );
}

async function accessIps(enc: string): Promise<Node> {
  const r = await get<{ events: { at: string; ip: string; country: string; action: string }[] }>(
    `/v1/customers/${enc}/access-events`,
    { limit: 200 },
  );
  const by = new Map<string, { n: number; ips: Set<string>; last: string }>();
  for (const e of r.events) {
    const k = e.country || "unknown";
    const v = by.get(k) ?? { n: 0, ips: new Set<string>(), last: e.at };
    v.n += 1;
    v.ips.add(e.ip);
    if (e.at > v.last) v.last = e.at;
    by.set(k, v);
  }
  const rows = [...by.entries()].sort((a, b) => b[1].n - a[1].n);
  return h(
    "div",
    null,
    h("p", { class: "muted" }, `The latest ${r.events.length} access events (the read is audited).`),
    table(
      "Access IPs by country",
      ["Country", "Events", "Addresses", "Last seen"],
      rows.map(([country, v]) => [
        country,
        String(v.n),
        [...v.ips].slice(0, 5).join(", ") + (v.ips.size > 5 ? ` and ${v.ips.size - 5} more` : ""),
        fmtTime(v.last),
      ]),
      { class: "access-ips" },
    ),
  );
}

async function linkedAccounts(id: string, enc: string): Promise<Node> {
  const r = await get<{
    group: string | null;
    members: string[];
    links: Link[];
    judgements: any[];
    linked_countries: string[];
    linked_listed: string[];
    end_user_countries: string[];
  }>(`/v1/customers/${enc}/links`);
  if (!r.group) {
    return h("p", { class: "muted", "data-testid": "no-links" }, "Linked to no other account.");
  }
  const evidence = h("div", { class: "evidence", "aria-live": "polite" });
  const show = (l: Link) => {
    clear(evidence);
    append(evidence, [
      h("h3", null, `${l.a} ↔ ${l.b}: probability ${l.probability.toFixed(4)}, weight ${l.weight.toFixed(1)} bits`),
      l.evidence.identifier_rule ? h("p", null, `Decided by the identifier rule: ${l.evidence.identifier_rule}.`) : null,
      table(
        "Evidence of the link",
        ["Comparison", "Level", "Weight (bits)"],
        l.evidence.evidence.map((e) => [
          e.comparison.replace(/_/g, " "),
          e.level,
          h("span", { class: e.weight > 0 ? "pos" : "neg" }, e.weight.toFixed(1)),
        ]),
        { class: "link-evidence" },
      ),
      l.evidence.address_counted_once ? h("p", { class: "muted" }, "Address parts counted once.") : null,
    ]);
  };
  const others = r.members.filter((m) => m !== id);
  const graph = h("div", { class: "graph", role: "img", "aria-label": `Graph of ${others.length + 1} linked accounts` });
  const out = h(
    "div",
    null,
    dl([
      ["Group", r.group],
      ["Members", h("span", null, others.map((m, i) => [i ? ", " : "", customerLink(m)]))],
      ["Countries in the group", r.linked_countries.join(", ") || "—"],
      ["Listed members", r.linked_listed.join(", ") || "none"],
      ["End users' countries", r.end_user_countries.join(", ") || "—"],
    ]),
    graph,
    h("p", { class: "muted" }, "Select a line (or a row below) to see the evidence of that link; select an account to open it."),
    table(
      "Links",
      ["Accounts", "Probability", "Strongest evidence", ""],
      r.links.map((l) => [
        `${l.a} ↔ ${l.b}`,
        l.probability.toFixed(3),
        l.evidence.identifier_rule ??
          l.evidence.evidence
            .filter((e) => e.weight > 0)
            .map((e) => e.comparison)
            .join(", "),
        h(
          "button",
          { type: "button", class: "link", "aria-label": `Evidence of the link ${l.a} and ${l.b}`, onclick: () => show(l) },
          "Evidence",
        ),
      ]),
      { class: "links" },
    ),
    evidence,
    r.judgements.length
      ? h(
          "ul",
          { class: "reasons" },
          r.judgements.map((j: any) =>
            h("li", null, `${j.a} and ${j.b}: ${j.same ? "the same party" : "not the same party"} — ${j.reason} (${j.decided_by})`),
          ),
        )
      : null,
    canAct() ? judgementForm(id, others) : null,
  );
  // The graph needs its container laid out: draw once the section is in the document.
  requestAnimationFrame(() =>
    void drawLinkGraph(graph, id, r.members, r.links, show, (other) => {
      location.hash = `#/customers/${encodeURIComponent(other)}`;
    }),
  );
  return out;
}

function judgementForm(id: string, members: string[]): HTMLElement {
  const other = h("select", { id: "judge-other", name: "other" }, members.map((m) => h("option", { value: m }, m)));
  const same = h(
    "select",
    { id: "judge-same", name: "same" },
    h("option", { value: "false" }, "are not the same party"),
    h("option", { value: "true" }, "are the same party"),
  );
  const reason = h("input", { id: "judge-reason", name: "reason", required: true, autocomplete: "off" });
  const status = h("div", { class: "form-status", role: "status" });
  return h(
    "form",
    {
      class: "inline-form",
      "data-action": "judge",
      onsubmit: async (ev: Event) => {
        ev.preventDefault();
        clear(status);
        try {
          const r = await api<any>("POST", "/v1/judgements", {
            a: id,
            b: other.value,
            same: same.value === "true",
            reason: reason.value.trim(),
          });
          status.append(
            h("p", { class: "ok" }, `Recorded. ${r.redecided?.length ?? 0} customers decided again. Reload to see the group.`),
          );
        } catch (e: any) {
          status.append(h("p", { class: "error", role: "alert" }, e.words ?? String(e)));
        }
      },
    },
    h("div", { class: "field" }, h("label", { for: "judge-other" }, `${id} and`), other),
    h("div", { class: "field" }, h("label", { for: "judge-same" }, "Judgement"), same),
    h("div", { class: "field" }, h("label", { for: "judge-reason" }, "Reason"), reason),
    h("button", { type: "submit" }, "Record judgement"),
    status,
  );
}

async function computeSection(enc: string): Promise<Node> {
  const r = await get<any>(`/v1/accounts/${enc}/compute`);
  const acc = r.account_compute;
  const grp = r.group;
  // The series carries the central, high and upper-bound estimates; the policy's measure picks
  // one (a "low" measure, which the series lacks, is drawn as central and said so).
  const measure = String(r.policy?.estimate ?? "high");
  const estimate =
    measure === "central" || measure === "low"
      ? "flop_central"
      : measure === "upper_bound"
        ? "flop_upper_bound"
        : "flop_high";
  if (!acc?.series?.length && !grp?.series?.length) {
    return h("p", { class: "muted", "data-testid": "no-compute" }, "No GPU usage recorded for this account.");
  }
  const canvas = h("canvas", {
    id: "compute-chart",
    role: "img",
    "aria-label": "Cumulative training compute of the account and its linked group against the reporting tiers",
  });
  const crossings = [...(acc?.crossings ?? []), ...(grp?.crossings ?? [])];
  const out = h(
    "div",
    null,
    dl([
      ["Threshold", `${ops(r.policy?.threshold_ops)} operations (${r.policy?.state ?? ""}, policy ${r.policy?.version ?? ""})`],
      ["This account", `${ops(acc?.measure_ops)} (${r.policy?.estimate ?? "high"} estimate)`],
      ["Linked group", grp ? `${ops(grp.measure_ops)} over ${grp.accounts.length} accounts` : "—"],
    ]),
    h("div", { class: "chart" }, canvas),
    crossings.length
      ? table(
          "Tier crossings",
          ["Tier", "Measure", "Crossed", "Alert"],
          crossings.map((x: any) => [x.tier, ops(x.measure_ops), fmtTime(x.crossed_at), x.alert_id || "—"]),
        )
      : h("p", { class: "muted" }, "No tier crossed."),
    table(
      "Training runs",
      ["Accelerator", "Location", "Accounts", "Chip-hours", "Operations (low–high)", "From", "To"],
      [...(grp?.runs ?? acc?.runs ?? [])].map((run: any) => [
        run.accelerator,
        run.location,
        String(run.accounts?.length ?? 1),
        Math.round(run.chip_hours).toLocaleString("en-US"),
        `${ops(run.flop_low)} – ${ops(run.flop_high)}`,
        fmtTime(run.start),
        fmtTime(run.end),
      ]),
    ),
  );
  requestAnimationFrame(() =>
    drawComputeChart(canvas, acc?.series ?? [], grp?.series ?? null, r.policy?.tiers ?? [], estimate),
  );
  return out;
}

async function authorizationHistory(enc: string): Promise<Node> {
  // The standing may be missing (no policy facts yet): the decisions still show.
  const [d, standing] = await Promise.all([
    get<{ decisions: any[] }>(`/v1/customers/${enc}/decisions`, { limit: 50 }),
    get<any>(`/v1/customers/${enc}/standing`).catch((e) => ({ error: e.words ?? String(e) })),
  ]);
  return h(
    "div",
    null,
    standing.error
      ? h("p", { class: "muted" }, `Standing unavailable: ${standing.error}`)
      : dl([
          ["Any request", badge(standing.any_request)],
          ["Controlled accelerators", badge(standing.controlled_request)],
          ["Why", (standing.controlled ?? []).map((r: any) => `${r.rule}: ${r.text}`).join("; ") || "—"],
        ]),
    table(
      "Provisioning decisions",
      ["When", "Decision", "Accelerator or instance", "Count", "Rules"],
      d.decisions.map((x: any) => [
        fmtTime(x.decided_at ?? x.at),
        badge(x.decision),
        x.request?.accelerator || x.request?.instance_type || "",
        String(x.request?.count ?? x.count ?? ""),
        (x.reasons ?? []).map((r: any) => r.rule).join(", "),
      ]),
      { class: "decisions" },
    ),
  );
}

async function casesAbout(id: string): Promise<Node> {
  const r = await get<{ cases: Case[] }>("/v1/cases", { subject: id, limit: 50 });
  return table(
    "Cases about the customer",
    ["Case", "Status", "Severity", "Due"],
    r.cases.map((c) => [link(`#/cases/${encodeURIComponent(c.id)}`, c.title), badge(c.status), badge(c.severity), fmtTime(c.due_at)]),
  );
}
