// Lists and policy: what the engine screens against and decides with, and account linking's state.

import { api, get } from "../api";
import { badge, clear, h, section, table } from "../dom";
import { user } from "../session";

export async function renderStatus(main: HTMLElement) {
  const [lists, policy, links] = await Promise.all([get<any>("/v1/lists"), get<any>("/v1/policy"), get<any>("/v1/links")]);
  const status = h("div", { class: "form-status", role: "status" });
  main.append(
    h("h1", null, "Lists and policy"),
    section(
      "Screening lists",
      h("p", null, "Snapshot ", h("code", null, lists.hash), ` · ${lists.entities.toLocaleString("en-US")} entities`),
      table(
        "Loaded lists",
        ["List", "Publisher", "Data date", "Entities", "Names", "Addresses"],
        lists.lists.map((l: any) => [
          h("span", null, h("strong", null, l.title), h("br"), h("code", null, l.id)),
          l.publisher,
          l.data_date,
          l.entities.toLocaleString("en-US"),
          l.names.toLocaleString("en-US"),
          l.addresses.toLocaleString("en-US"),
        ]),
        { class: "lists" },
      ),
      user()?.role === "admin"
        ? h(
            "button",
            {
              type: "button",
              onclick: async () => {
                clear(status);
                try {
                  await api("POST", "/v1/lists/reload");
                  status.append(h("p", { class: "ok" }, "Lists reloaded."));
                } catch (e: any) {
                  status.append(h("p", { class: "error", role: "alert" }, e.words ?? String(e)));
                }
              },
            },
            "Reload lists now",
          )
        : null,
      status,
    ),
    section(
      "Policy in force",
      h("p", null, `Version ${policy.version} (${policy.date}) · `, h("code", null, policy.policy_version)),
      h("h3", null, "Embargoes"),
      table(
        "Embargoes",
        ["Id", "Country", "Programme", "Active"],
        (policy.embargoes ?? []).map((e: any) => [e.id, e.country + (e.region ? ` (${e.region})` : ""), e.program, badge(e.active ? "active" : "inactive")]),
      ),
      h("h3", null, "Accelerators"),
      table(
        "Accelerator classification",
        ["Accelerator", "ECCN", "Controlled", "Source"],
        (policy.accelerator_status ?? []).map((a: any) => [a.name, a.eccn, a.controlled ? "yes" : "no", a.source]),
      ),
      h("h3", null, "Special measures"),
      (policy.special_measures ?? []).length
        ? table(
            "Special measures",
            ["Measure", "Jurisdiction", "Persons", "Action", "Effective", "Expires", "Active"],
            policy.special_measures.map((m: any) => [
              m.id ?? "",
              m.jurisdiction ?? "—",
              (m.persons ?? []).join(", ") || "—",
              m.action ?? "",
              m.effective ?? "",
              m.expires ?? "—",
              badge(m.active ? "active" : "inactive"),
            ]),
          )
        : h("p", { class: "muted" }, "None in force."),
    ),
    section(
      "Account linking",
      table(
        "Account linking",
        ["What", "Value"],
        [
          ["Customers indexed", String(links.customers)],
          ["Linked groups", String(links.groups)],
          ["Model trained on", `${links.trained_on} records${links.background ? " (with a simulated background)" : ""}`],
          ["Built", links.built_at],
        ],
      ),
    ),
  );
}
