// The console end to end: a real kycloud serve (SQLite, bundled lists, --demo population) and
// Debian's Chromium driven by playwright-core. Each test opens its own browser context at
// 1280×800 and fails on any console error or uncaught exception in the page.

import assert from "node:assert/strict";
import { createHash, generateKeyPairSync } from "node:crypto";
import { after, afterEach, before, test } from "node:test";
import { launchBrowser, openPage, signIn, startServer } from "./harness.mjs";

let server;
let browser;
const open = [];

before(async () => {
  server = await startServer({ customers: Number(process.env.E2E_CUSTOMERS ?? 150) });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function page(allowedErrors = []) {
  const p = await openPage(browser, server.base);
  p.allowedErrors = allowedErrors;
  open.push(p);
  return p;
}

afterEach(async () => {
  while (open.length) {
    const p = open.pop();
    const unexpected = p.errors.filter((e) => !p.allowedErrors.some((re) => re.test(e)));
    await p.context.close();
    assert.deepEqual(unexpected, [], "the browser console must stay free of errors");
  }
});

// A screening case of the demo whose subject is a customer with an open hit.
async function screeningCase(filter = () => true) {
  const { cases } = await server.api(server.keys.admin, "GET", "/v1/cases?queue=screening&limit=100");
  const c = cases.find((x) => x.status === "open" && filter(x));
  assert.ok(c, "the demo has an open screening case");
  return c;
}

test("signs in with an API key into a session cookie the page cannot read", async () => {
  // The deliberate wrong key below is answered 401, which Chromium logs.
  const { page: p, context } = await page([/status of 401/]);
  await p.goto("/");
  await p.getByLabel("API key").fill("kyc_0000000000000000000000000000000000000000");
  await p.getByRole("button", { name: "Sign in" }).click();
  await p.getByRole("alert").filter({ hasText: "unknown API key" }).waitFor();

  await signIn(p, server.keys.officer1);
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === "kycloud_session");
  assert.ok(session, "a session cookie is set");
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, "Strict");
  assert.equal(await p.evaluate(() => document.cookie.includes("kycloud_session")), false);
  const stored = await p.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
  assert.ok(!stored.includes(server.keys.officer1), "the API key is not kept in the browser");

  // The dashboard shows the demo's open alerts and the lists and policy in force.
  const openAlerts = Number((await p.locator(".tile .value").first().innerText()).replace(/,/g, ""));
  assert.ok(openAlerts > 0, "open alerts are counted");
  assert.ok((await p.locator("table.by-kind tbody tr").count()) >= 2, "alerts are broken down by type");
  await p.getByText("Lists snapshot").waitFor();

  // The skip link moves focus to the content and leaves the view as it is.
  await p.locator("a.skip").focus();
  await p.keyboard.press("Enter");
  await p.waitForFunction(() => document.activeElement?.id === "main");
  assert.match(p.url(), /#\/dashboard$/);
  await p.getByRole("heading", { level: 1, name: "Dashboard" }).waitFor();

  // A reload keeps the session (the CSRF token is fetched again); signing out ends it.
  await p.reload();
  await p.getByRole("heading", { level: 1, name: "Dashboard" }).waitFor();
  const before = await context.request.get("/v1/sessions/current", {
    headers: { Cookie: `kycloud_session=${session.value}` },
  });
  assert.equal(before.status(), 200);
  await p.getByRole("button", { name: "Sign out" }).click();
  await p.getByLabel("API key").waitFor();
  // The old cookie, sent again by hand, no longer opens anything: the server ended the session.
  const r = await context.request.get("/v1/sessions/current", {
    headers: { Cookie: `kycloud_session=${session.value}` },
  });
  assert.equal(r.status(), 401, "the session ended on the server");
});

test("triages an alert from the queue: assign, review, note", async () => {
  const { page: p } = await page();
  await signIn(p, server.keys.officer1);
  await p.getByRole("link", { name: "Alerts", exact: true }).click();
  await p.getByLabel("Source").selectOption("screening");
  await p.getByRole("button", { name: "Apply" }).click();
  await p.waitForURL(/source=screening/);
  // The URL changes before the filtered table replaces the old one: read rows only from the new table.
  const first = p.locator('table.alerts[data-source="screening"] tbody a[data-alert]').first();
  const title = await first.innerText();
  await first.click();
  await p.getByRole("heading", { level: 1, name: title }).waitFor();
  await p.getByRole("button", { name: "Assign to me" }).click();
  await p.getByText("Assigned to you.").waitFor();
  await p.getByRole("button", { name: "Start review" }).click();
  await p.getByText("Review started.").waitFor();
  await p.getByLabel("Note").fill("Name and country match; checking the owner's passport.");
  await p.getByRole("button", { name: "Add note" }).click();
  await p.getByText("Note added.").waitFor();
  const timeline = await p.locator("ol.timeline").innerText();
  assert.match(timeline, /assign by kyc_\w+ — assignee: kyc_/);
  assert.match(timeline, /note by kyc_.*checking the owner's passport/);
  // The hit is explained: aligned tokens and the list entry behind it.
  assert.ok((await p.locator("table.aligned tbody tr").count()) >= 2);
  await p.getByRole("button", { name: "List entry details" }).first().click();
  await p.locator("dl.entity-details").first().waitFor();
  assert.match(await p.locator("dl.entity-details").first().innerText(), /Names/);
});

test("a hit marked false positive is suppressed on re-screening", async () => {
  const { page: p } = await page();
  await signIn(p, server.keys.officer1);
  // In a case: dispose the screening alert as a false positive.
  const c = await screeningCase((x) => /uk_fcdo|un_sc|us_ofac/.test(x.title));
  await p.goto(`/#/cases/${c.id}`);
  await p.getByRole("button", { name: "Start review" }).click();
  await p.getByText("Review started.").waitFor();
  await p.getByLabel("Why is this not the listed party?").fill("Different date of birth and nationality.");
  await p.getByRole("button", { name: "Mark false positive" }).click();
  await p.getByText(/Marked false positive/).waitFor();

  // Screening the customer's name again under its id: the hit is there, suppressed.
  const detail = await server.api(server.keys.admin, "GET", `/v1/cases/${c.id}`);
  const hit = detail.alerts.find((a) => a.kind === "screening.hit");
  await p.getByRole("link", { name: "Screening", exact: true }).click();
  await p.getByLabel("Name").fill(hit.details.query_name);
  await p.getByLabel("Subject id").fill(c.subject);
  await p.getByRole("button", { name: "Screen" }).click();
  const card = p.locator(`article.hit-card[data-entity="${hit.details.list}:${hit.details.entity_id}"]`);
  await card.waitFor();
  assert.equal(await card.getAttribute("data-suppressed"), "true");
  await card.locator("h2 .badge-suppressed").waitFor();

  // Ad hoc, for a prospect: mark the first hit, screen again, see it suppressed.
  await p.getByLabel("Subject id").fill("prospect-7");
  await p.getByRole("button", { name: "Screen" }).click();
  const fresh = p.locator('article.hit-card[data-suppressed="false"]').first();
  await fresh.waitFor();
  const entity = await fresh.getAttribute("data-entity");
  await fresh.getByLabel("Why is this not the listed party?").fill("Prospect is a different company.");
  await fresh.getByRole("button", { name: "Mark false positive" }).click();
  await p.locator(`article.hit-card[data-entity="${entity}"][data-suppressed="true"]`).waitFor();
});

test("closing a case as a true positive needs a second officer (four-eyes)", async () => {
  const first = await page();
  await signIn(first.page, server.keys.officer1);
  const c = await screeningCase();
  await first.page.goto(`/#/cases/${c.id}`);
  await first.page.getByRole("button", { name: "Start review" }).click();
  await first.page.getByText("Review started.").waitFor();
  await first.page.getByLabel("Resolution").selectOption("true_positive");
  await first.page.getByLabel("Closing reason").fill("Confirmed by the passport number.");
  await first.page.getByRole("button", { name: "Close case" }).click();
  await first.page.getByText("Closure asked: a second officer must approve it.").waitFor();
  await first.page.getByTestId("four-eyes").waitFor();
  assert.equal(await first.page.getByRole("button", { name: "Approve closure" }).count(), 0);

  const second = await page();
  await signIn(second.page, server.keys.officer2);
  await second.page.goto(`/#/cases/${c.id}`);
  await second.page.getByRole("button", { name: "Approve closure" }).click();
  await second.page.getByText("Closure approved: the case is closed.").waitFor();
  const after = await server.api(server.keys.admin, "GET", `/v1/cases/${c.id}`);
  assert.equal(after.case.status, "closed");
  assert.equal(after.case.resolution, "true_positive");
  const approvals = after.events.filter((e) => e.type === "approve" || e.type === "approved");
  assert.ok(approvals.length === 1 && approvals[0].actor !== after.events.find((e) => e.type.startsWith("close"))?.actor);
});

test("customer 360 draws the link graph and the compute chart", async () => {
  const { page: p } = await page();
  await signIn(p, server.keys.officer1);
  const { alerts } = await server.api(server.keys.admin, "GET", "/v1/alerts?source=compute&limit=100");
  const grouped = alerts.find((a) => (a.details?.accounts ?? []).length > 1);
  assert.ok(grouped, "the demo has a split training run of a linked group");
  const id = grouped.details.accounts[0];
  const links = await server.api(server.keys.admin, "GET", `/v1/customers/${id}/links`);
  const expectedNodes = new Set([id, ...links.members]).size;

  await p.goto(`/#/customers/${id}`);
  const graph = p.locator(`.graph[data-nodes="${expectedNodes}"]`);
  await graph.waitFor();
  assert.equal(Number(await graph.getAttribute("data-edges")), links.links.length);
  assert.ok(await painted(p, ".graph canvas"), "the graph's canvas has pixels");

  const chart = p.locator("#compute-chart[data-points]");
  await chart.waitFor();
  assert.ok(Number(await chart.getAttribute("data-points")) > 10);
  assert.ok(Number(await chart.getAttribute("data-datasets")) >= 3, "account, group and at least one tier");
  assert.ok(await painted(p, "#compute-chart"), "the chart's canvas has pixels");

  // The evidence of a link, from the keyboard-reachable table.
  await p.locator("table.links").getByRole("button", { name: "Evidence" }).first().click();
  assert.ok((await p.locator("table.link-evidence tbody tr").count()) >= 3);
  // The demo asked once for more chips for every account that trained: its history shows it.
  await p.locator("table.decisions tbody tr td .badge").first().waitFor();
  await p.getByRole("heading", { name: "Access IPs by country" }).waitFor();
  assert.ok((await p.locator("table.access-ips tbody tr").count()) >= 1);
});

test("an auditor reads and verifies but cannot act", async () => {
  const { page: p, context } = await page();
  await signIn(p, server.keys.auditor);
  assert.equal(await p.getByRole("link", { name: "Screening", exact: true }).count(), 0);
  const c = await screeningCase();
  await p.goto(`/#/cases/${c.id}`);
  await p.getByTestId("read-only").waitFor();
  for (const name of ["Assign to me", "Start review", "Add note", "Close case", "Mark false positive"]) {
    assert.equal(await p.getByRole("button", { name }).count(), 0, `no "${name}" for an auditor`);
  }
  // The server refuses too, whatever the page does (same session, right CSRF token).
  const me = await (await context.request.get("/v1/sessions/current")).json();
  const forced = await context.request.post(`/v1/cases/${c.id}/events`, {
    data: { type: "assign", assignee: me.key_id },
    headers: { "X-CSRF-Token": me.csrf_token },
  });
  assert.equal(forced.status(), 403);
  assert.equal((await forced.json()).error.code, "permission_denied", "refused for the role, not the token");

  // Audit verification happens in the browser: the signature, then an entry's inclusion.
  await p.getByRole("link", { name: "Audit", exact: true }).click();
  await p.getByTestId("checkpoint-status").getByText(/Signature valid/).waitFor();
  await p.getByLabel("Entry number").fill("3");
  await p.getByRole("button", { name: "Verify inclusion" }).click();
  await p.getByTestId("inclusion-status").getByText(/Entry 3 is included in the signed checkpoint/).waitFor();
  // Another well-formed key of the same name (an impostor's) does not verify the checkpoint.
  await p.getByLabel(/Verifier key/).fill(otherVerifierKey((await (await context.request.get("/v1/audit/checkpoint")).json()).checkpoint.origin));
  await p.getByRole("button", { name: "Verify signature" }).click();
  await p.getByTestId("checkpoint-status").getByText(/Not verified: the signature was made with another key/).waitFor();
  await p.getByRole("button", { name: "Verify inclusion" }).click();
  await p.getByTestId("inclusion-status").getByText(/Verify the checkpoint's signature first/).waitFor();
});

// A verifier key in kycloud's format for a fresh Ed25519 key: well formed, but not the log's.
function otherVerifierKey(name) {
  const { publicKey } = generateKeyPairSync("ed25519");
  const raw = Buffer.from(publicKey.export({ format: "jwk" }).x, "base64url");
  const body = Buffer.concat([Buffer.from([1]), raw]);
  const id = createHash("sha256").update(Buffer.concat([Buffer.from(`${name}\n`), body])).digest("hex").slice(0, 8);
  return `${name}+${id}+${body.toString("base64")}`;
}

// True when the canvas (any of them, for cytoscape's layers) has a non-transparent pixel.
async function painted(p, selector) {
  return p.evaluate((sel) => {
    for (const c of document.querySelectorAll(sel)) {
      const ctx = c.getContext("2d");
      if (!ctx || !c.width || !c.height) continue;
      const data = ctx.getImageData(0, 0, c.width, c.height).data;
      for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
    }
    return false;
  }, selector);
}
