// A screening hit explained: which query token met which list token and how much each weighed,
// the context features that moved the score, and the list entry itself (fetched on demand).

import { get } from "../api";
import { badge, h, table } from "../dom";

export interface Explanation {
  name_score?: number;
  matched_name_kind?: string;
  aligned?: { query: string; candidate: string; similarity: number; weight: number }[];
  unmatched_query?: string[];
  unmatched_candidate?: string[];
  features?: string[];
  schema?: string;
  cross_script?: number;
  algorithm?: string;
}

export interface HitLike {
  list: string;
  entity_id: string;
  name?: string;
  matched_name: string;
  query_name?: string;
  score: number;
  explanation?: Explanation;
  suppressed?: boolean;
}

export function hitExplanation(hit: HitLike, queryName?: string): HTMLElement {
  const ex = hit.explanation ?? {};
  const aligned = ex.aligned ?? [];
  const total = aligned.reduce((s, a) => s + a.weight, 0) || 1;
  const entry = h("div", { class: "entity" });
  const toggle = h(
    "button",
    {
      type: "button",
      class: "link",
      "aria-expanded": "false",
      onclick: async () => {
        if (toggle.getAttribute("aria-expanded") === "true") {
          entry.replaceChildren();
          toggle.setAttribute("aria-expanded", "false");
          return;
        }
        toggle.setAttribute("aria-expanded", "true");
        try {
          const e = await get<any>(
            `/v1/lists/${encodeURIComponent(hit.list)}/entities/${encodeURIComponent(hit.entity_id)}`,
          );
          entry.replaceChildren(entityDetails(e));
        } catch (err: any) {
          entry.replaceChildren(h("p", { class: "error", role: "alert" }, err.words ?? String(err)));
        }
      },
    },
    "List entry details",
  );
  return h(
    "div",
    { class: "hit-explanation" },
    h(
      "p",
      { class: "hit-names" },
      h("span", { class: "q" }, queryName ?? hit.query_name ?? "(query)"),
      " matched ",
      h("strong", null, hit.matched_name),
      ` (${ex.matched_name_kind ?? "name"}) on `,
      badge(hit.list, "list"),
      ` entry ${hit.entity_id}: score ${hit.score.toFixed(2)}`,
      ex.name_score !== undefined ? `, name ${ex.name_score.toFixed(2)}` : "",
      hit.suppressed ? [" ", badge("suppressed")] : "",
    ),
    aligned.length
      ? table(
          "Aligned name tokens",
          ["Query token", "List token", "Similarity", "Share of the name's weight"],
          aligned.map((a) => [
            a.query,
            a.candidate,
            a.similarity.toFixed(2),
            bar(Math.round((100 * a.weight) / total), a.weight.toFixed(2)),
          ]),
          { class: "aligned" },
        )
      : null,
    ex.unmatched_query?.length ? h("p", null, "Query tokens unmatched: ", ex.unmatched_query.join(", ")) : null,
    ex.unmatched_candidate?.length
      ? h("p", null, "List tokens unmatched: ", ex.unmatched_candidate.join(", "))
      : null,
    h(
      "p",
      null,
      "Features: ",
      ex.features?.length ? ex.features.join(", ") : "none (the name alone decided)",
      ex.schema ? ` · list schema ${ex.schema}` : "",
    ),
    toggle,
    entry,
  );
}

// A horizontal bar; the width is set through the CSSOM (the CSP allows no inline styles).
function bar(pct: number, title: string): HTMLElement {
  const fill = h("span", { class: "fill" });
  fill.style.width = `${Math.max(0, Math.min(100, pct))}%`;
  return h("span", { class: "bar", title: `weight ${title}` }, h("span", { class: "track" }, fill), `${pct}%`);
}

function entityDetails(e: any): HTMLElement {
  const rows: [string, string][] = [];
  const add = (k: string, v: string[] | string | undefined) => {
    const text = Array.isArray(v) ? v.filter(Boolean).join("; ") : v;
    if (text) rows.push([k, text]);
  };
  add("Names", (e.names ?? []).map((n: any) => `${n.name} (${n.kind})`));
  add("Schema", e.schema);
  add("Programs", e.programs);
  add("Listed on", e.listed_on);
  add("Dates of birth", e.dates_of_birth);
  add("Places of birth", e.places_of_birth);
  add("Nationalities", e.nationalities);
  add("Countries", e.countries);
  add("Addresses", (e.addresses ?? []).map((a: any) => a.text));
  add("Identifiers", (e.ids ?? []).map((i: any) => `${i.type} ${i.value}${i.country ? " (" + i.country + ")" : ""}`));
  add("Linked to", e.linked_to);
  add("Remarks", e.remarks);
  return h(
    "dl",
    { class: "facts entity-details" },
    rows.map(([k, v]) => [h("dt", null, k), h("dd", null, v)]),
  );
}
