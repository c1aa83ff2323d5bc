// Ad-hoc screening: one party against the loaded lists, every hit explained; an officer can mark
// a hit a false positive for the subject, and the next screening shows it suppressed.

import { api } from "../api";
import { badge, clear, h } from "../dom";
import { hitExplanation, type HitLike } from "../components/hit";
import { canAct } from "../session";

interface Result {
  results: { query: any; hits: (HitLike & { disposition?: any })[]; alerts: number }[];
  lists_hash: string;
  threshold: number;
}

const field = (id: string, label: string, input: HTMLElement, hint?: string) =>
  h("div", { class: "field" }, h("label", { for: id }, label), input, hint ? h("small", { class: "muted" }, hint) : null);

export async function renderScreening(main: HTMLElement, _p: string[], q: URLSearchParams) {
  if (!canAct()) {
    main.append(
      h("h1", null, "Screening"),
      h("p", { class: "muted", "data-testid": "read-only" }, "Screening is for officers and admins: each one is audited and may raise alerts."),
    );
    return;
  }
  const name = h("input", { id: "q-name", name: "name", required: true, autocomplete: "off", value: q.get("name") ?? "" });
  const schema = h(
    "select",
    { id: "q-schema", name: "schema" },
    [
      ["", "Any"],
      ["Person", "Person"],
      ["Organization", "Organisation"],
      ["Vessel", "Vessel"],
    ].map(([v, t]) => h("option", { value: v }, t)),
  );
  const dob = h("input", { id: "q-dob", name: "date_of_birth", placeholder: "1965-03-01", autocomplete: "off" });
  const country = h("input", { id: "q-country", name: "country", placeholder: "IR", autocomplete: "off", maxlength: 2 });
  const subject = h("input", {
    id: "q-subject",
    name: "subject_id",
    autocomplete: "off",
    value: q.get("subject") ?? "",
  });
  const results = h("div", { class: "results", "aria-live": "polite" });

  const run = async () => {
    clear(results);
    const query: Record<string, string> = { name: name.value.trim() };
    if (!query.name) {
      results.append(h("p", { class: "error", role: "alert" }, "Enter a name to screen."));
      return;
    }
    if (schema.value) query.schema = schema.value;
    if (dob.value.trim()) query.date_of_birth = dob.value.trim();
    if (country.value.trim()) query.country = country.value.trim().toUpperCase();
    if (subject.value.trim()) query.subject_id = subject.value.trim();
    try {
      const r = await api<Result>("POST", "/v1/screen", { queries: [query], limit: 10 });
      const res = r.results[0];
      results.append(
        h(
          "p",
          { class: "muted" },
          `${res.hits.length} hit${res.hits.length === 1 ? "" : "s"} at threshold ${r.threshold}, ${res.alerts} alerting · lists ${r.lists_hash.slice(0, 12)}…`,
        ),
        ...res.hits.map((hit) => hitCard(hit, query, run)),
      );
    } catch (e: any) {
      results.append(h("p", { class: "error", role: "alert" }, e.words ?? String(e)));
    }
  };

  main.append(
    h("h1", null, "Screening"),
    h(
      "form",
      {
        class: "card screen-form",
        role: "search",
        onsubmit: (ev: Event) => {
          ev.preventDefault();
          void run();
        },
      },
      h(
        "div",
        { class: "fields" },
        field("q-name", "Name", name),
        field("q-schema", "Kind", schema),
        field("q-dob", "Date of birth", dob),
        field("q-country", "Country", country),
        field("q-subject", "Subject id", subject, "the customer's id: its dispositions apply"),
      ),
      h("button", { type: "submit", class: "primary" }, "Screen"),
    ),
    results,
  );
  if (name.value) await run();
}

function hitCard(
  hit: HitLike & { disposition?: any; confirmed?: boolean },
  query: Record<string, string>,
  rerun: () => Promise<void>,
) {
  const status = h("div", { class: "form-status", role: "status" });
  const reason = h("input", { id: `fp-${hit.list}-${hit.entity_id}`, name: "reason", required: true, autocomplete: "off" });
  return h(
    "article",
    {
      class: `hit-card${hit.suppressed ? " suppressed" : ""}`,
      "data-entity": `${hit.list}:${hit.entity_id}`,
      "data-suppressed": hit.suppressed ? "true" : "false",
    },
    h(
      "h2",
      null,
      hit.name ?? hit.matched_name,
      " ",
      hit.confirmed ? badge("confirmed match", "high") : hit.suppressed ? badge("suppressed") : badge("alerting", "open"),
    ),
    hitExplanation(hit, query.name),
    hit.disposition
      ? h(
          "p",
          { class: "muted" },
          hit.disposition.decision === "true_match"
            ? `Confirmed as the listed party by ${hit.disposition.decided_by}: ${hit.disposition.reason}`
            : `Marked false positive by ${hit.disposition.decided_by}: ${hit.disposition.reason}`,
          hit.disposition.stale ? " (the list entry changed since: alerting again)" : "",
        )
      : null,
    canAct() && !hit.suppressed && !hit.confirmed
      ? h(
          "form",
          {
            class: "inline-form",
            "data-action": "false-positive",
            onsubmit: async (ev: Event) => {
              ev.preventDefault();
              clear(status);
              const body: Record<string, unknown> = {
                list: hit.list,
                entity_id: hit.entity_id,
                reason: reason.value.trim(),
              };
              if (query.subject_id) body.subject_id = query.subject_id;
              else body.query = query;
              try {
                await api("POST", "/v1/screening/dispositions", body);
                await rerun();
              } catch (e: any) {
                status.append(h("p", { class: "error", role: "alert" }, e.words ?? String(e)));
              }
            },
          },
          h("label", { for: reason.id }, "Why is this not the listed party?"),
          reason,
          h("button", { type: "submit" }, "Mark false positive"),
          status,
        )
      : null,
  );
}
