// Screenshots of the console's main views at 1280×800, for the README: a real kycloud serve with
// --demo data, signed in as an officer. Writes docs/screenshots/*.png.
//   npm run screenshots            (after make build and make web; or KYCLOUD_BIN=... )

import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { launchBrowser, openPage, signIn, startServer } from "./harness.mjs";

const out = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../docs/screenshots");
mkdirSync(out, { recursive: true });

const server = await startServer({ customers: Number(process.env.DEMO_CUSTOMERS ?? 400) });
const browser = await launchBrowser();
try {
  const { page, errors } = await openPage(browser, server.base);
  const shot = async (name, full = false) => {
    await page.waitForLoadState("networkidle");
    await page.waitForTimeout(400);
    await page.screenshot({ path: path.join(out, `${name}.png`), fullPage: full });
    console.log(`docs/screenshots/${name}.png`);
  };
  await page.goto("/");
  await page.getByLabel("API key").waitFor();
  await shot("sign-in");
  await signIn(page, server.keys.officer1);
  await shot("dashboard");
  await page.goto("/#/alerts");
  await page.locator("table.alerts").waitFor();
  await shot("alerts");

  const { cases } = await server.api(server.keys.admin, "GET", "/v1/cases?queue=screening&limit=100");
  await page.goto(`/#/cases/${cases[0].id}`);
  await page.getByRole("button", { name: "Start review" }).click();
  await page.getByText("Review started.").waitFor();
  await page.getByRole("button", { name: "List entry details" }).first().click();
  await page.locator("dl.entity-details").first().waitFor();
  await shot("case-hit-explanation", true);

  const { alerts } = await server.api(server.keys.admin, "GET", "/v1/alerts?source=compute&limit=100");
  const grouped = alerts.find((a) => (a.details?.accounts ?? []).length > 1) ?? alerts[0];
  await page.goto(`/#/customers/${grouped.details.accounts[0]}`);
  await page.locator(".graph[data-nodes]").waitFor();
  await page.locator("#compute-chart[data-points]").waitFor();
  await page.locator("table.links").getByRole("button", { name: "Evidence" }).first().click();
  await shot("customer-360", true);

  await page.goto("/#/screen");
  await page.getByLabel("Name").fill(cases[0].title.replace(/^.*hit: (.*) \([0-9.]+\)$/, "$1"));
  await page.getByRole("button", { name: "Screen" }).click();
  await page.locator("article.hit-card").first().waitFor();
  await shot("screening");
  await page.goto("/#/status");
  await page.locator("table.lists").waitFor();
  await shot("lists-and-policy");
  await page.goto("/#/audit?leaf=5");
  await page.getByTestId("inclusion-status").getByText(/included/).waitFor();
  await shot("audit-verification", true);
  if (errors.length) throw new Error(`console errors: ${errors.join("\n")}`);
} finally {
  await browser.close();
  await server.stop();
}
