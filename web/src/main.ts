// The console's shell: sign-in, the navigation, and a hash router that renders one view into
// <main>. Every view is an async function of its route parameters.

import "./style.css";
import { ApiError, onUnauthenticated } from "./api";
import { clear, h } from "./dom";
import { canAct, forget, restore, signIn, signOut, user } from "./session";
import { renderAlerts, renderCases } from "./views/queue";
import { renderAudit } from "./views/audit";
import { renderCase } from "./views/case";
import { renderCustomer, renderCustomers } from "./views/customer";
import { renderDashboard } from "./views/dashboard";
import { renderScreening } from "./views/screening";
import { renderStatus } from "./views/status";

export type View = (main: HTMLElement, params: string[], query: URLSearchParams) => Promise<void>;

const routes: [RegExp, View, string][] = [
  [/^\/?$/, renderDashboard, "Dashboard"],
  [/^\/dashboard$/, renderDashboard, "Dashboard"],
  [/^\/alerts$/, renderAlerts, "Alerts"],
  [/^\/cases$/, renderCases, "Cases"],
  [/^\/cases\/([^/]+)$/, renderCase, "Case"],
  [/^\/customers$/, renderCustomers, "Customers"],
  [/^\/customers\/([^/]+)$/, renderCustomer, "Customer"],
  [/^\/screen$/, renderScreening, "Screening"],
  [/^\/status$/, renderStatus, "Lists and policy"],
  [/^\/audit$/, renderAudit, "Audit log"],
];

// [href, text, shown to readers too]: screening is an action (it is audited and may raise
// alerts), so auditors do not get it.
const nav: [string, string, boolean][] = [
  ["#/dashboard", "Dashboard", true],
  ["#/alerts", "Alerts", true],
  ["#/cases", "Cases", true],
  ["#/customers", "Customers", true],
  ["#/screen", "Screening", false],
  ["#/status", "Lists & policy", true],
  ["#/audit", "Audit", true],
];

const app = document.getElementById("app")!;
let renderSeq = 0;

export function showError(where: HTMLElement, e: unknown): void {
  const words = e instanceof ApiError ? e.words : e instanceof Error ? e.message : String(e);
  where.appendChild(h("p", { class: "error", role: "alert" }, words));
}

function signInView(message?: string): void {
  clear(app);
  const input = h("input", {
    id: "api-key",
    name: "api_key",
    type: "password",
    autocomplete: "off",
    required: true,
    spellcheck: "false",
    placeholder: "kyc_…",
  });
  const status = h("div", { class: "form-status" });
  const form = h(
    "form",
    {
      class: "signin card",
      "aria-labelledby": "signin-title",
      onsubmit: async (ev: Event) => {
        ev.preventDefault();
        clear(status);
        const key = input.value.trim();
        if (!key) {
          status.appendChild(h("p", { class: "error", role: "alert" }, "Enter your API key."));
          return;
        }
        try {
          await signIn(key);
          input.value = "";
          if (!location.hash || location.hash === "#/signin") location.hash = "#/dashboard";
          await route();
        } catch (e) {
          showError(status, e);
        }
      },
    },
    h("h1", { id: "signin-title" }, "kycloud console"),
    h(
      "p",
      { class: "muted" },
      "Sign in with your API key. The key is exchanged for a session cookie and is not kept in the browser.",
    ),
    h("label", { for: "api-key" }, "API key"),
    input,
    h("button", { type: "submit", class: "primary" }, "Sign in"),
    message ? h("p", { class: "error", role: "alert" }, message) : null,
    status,
  );
  app.appendChild(h("main", { id: "main", class: "signin-page" }, form));
  input.focus();
}

function shell(): HTMLElement {
  clear(app);
  const me = user()!;
  const current = location.hash.split("?")[0];
  const header = h(
    "header",
    { class: "topbar" },
    h("a", { class: "brand", href: "#/dashboard" }, "kycloud"),
    h(
      "nav",
      { "aria-label": "Main" },
      h(
        "ul",
        null,
        nav.filter(([, , readers]) => readers || canAct()).map(([href, text]) =>
          h(
            "li",
            null,
            h(
              "a",
              { href, "aria-current": current.startsWith(href) ? "page" : null },
              text,
            ),
          ),
        ),
      ),
    ),
    h(
      "div",
      { class: "who" },
      h("span", { class: "user", "data-role": me.role }, `${me.name} · ${me.role}`),
      h(
        "button",
        {
          type: "button",
          class: "link",
          onclick: async () => {
            await signOut().catch(() => undefined);
            location.hash = "#/signin";
            signInView();
          },
        },
        "Sign out",
      ),
    ),
  );
  const main = h("main", { id: "main", tabindex: "-1" });
  app.append(header, main);
  return main;
}

async function route(): Promise<void> {
  const seq = ++renderSeq;
  if (!user()) {
    signInView();
    return;
  }
  const [path, qs] = location.hash.replace(/^#/, "").split("?");
  const query = new URLSearchParams(qs ?? "");
  const main = shell();
  for (const [re, view, title] of routes) {
    const m = re.exec(path || "/");
    if (!m) continue;
    document.title = `${title} · kycloud`;
    main.setAttribute("aria-busy", "true");
    try {
      await view(main, m.slice(1).map(decodeURIComponent), query);
    } catch (e) {
      if (seq === renderSeq) showError(main, e);
    } finally {
      main.removeAttribute("aria-busy");
    }
    if (seq === renderSeq) {
      const h1 = main.querySelector("h1");
      if (h1) {
        h1.setAttribute("tabindex", "-1");
        h1.focus({ preventScroll: true });
      }
    }
    return;
  }
  main.appendChild(h("h1", null, "Not found"));
  main.appendChild(h("p", null, `There is no page at ${path}.`));
}

onUnauthenticated(() => {
  forget();
  signInView("Your session has ended. Sign in again.");
});

window.addEventListener("hashchange", (ev) => {
  // The skip link's "#main" is not a route: it moves focus, the view stays.
  if (!location.hash.startsWith("#/") && location.hash !== "") {
    history.replaceState(null, "", new URL(ev.oldURL).hash || "#/dashboard");
    document.getElementById("main")?.focus();
    return;
  }
  void route();
});

(async () => {
  await restore();
  await route();
})();
