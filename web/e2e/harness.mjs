// Starts a real `kycloud serve` for the browser tests and the screenshots: a fresh SQLite
// database in a temporary directory, the bundled lists, a small --demo population, and API keys
// for two officers and an auditor made with `kycloud keys create`. Chromium is Debian's
// (/usr/bin/chromium, or $CHROMIUM); nothing is downloaded.

import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
export const webRoot = path.resolve(here, "..", "dist");

function binary() {
  const candidates = [
    process.env.KYCLOUD_BIN,
    path.resolve(here, "../../build/release/kycloud"),
    path.resolve(here, "../../build/dev/kycloud"),
    path.resolve(here, "../../build/asan/kycloud"),
  ].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`no kycloud binary: set KYCLOUD_BIN (tried ${candidates.join(", ")})`);
  return found;
}

export async function startServer({ customers = 150, timeoutMs = 240_000 } = {}) {
  if (!existsSync(path.join(webRoot, "index.html"))) {
    throw new Error(`the console is not built: run npm run build in web/ (${webRoot})`);
  }
  const bin = binary();
  const dir = mkdtempSync(path.join(tmpdir(), "kycloud-e2e-"));
  const db = `sqlite:${path.join(dir, "kycloud.db")}`;
  const env = { ...process.env };
  const key = (name, role) =>
    execFileSync(bin, ["keys", "create", "--db", db, "--name", name, "--role", role], { cwd: dir, env })
      .toString()
      .match(/kyc_[A-Za-z0-9]{40}/)[0];
  const keys = {
    officer1: key("Olivia Officer", "officer"),
    officer2: key("Omar Officer", "officer"),
    auditor: key("Ada Auditor", "auditor"),
  };
  const proc = spawn(
    bin,
    ["serve", "--db", db, "--listen", "127.0.0.1:0", "--web-root", webRoot, "--demo", "--demo-customers", String(customers)],
    { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`kycloud serve did not load the demo in time:\n${out.slice(-3000)}`)), timeoutMs);
    let port = 0;
    const onData = (chunk) => {
      out += chunk.toString();
      const m = out.match(/serving on http:\/\/127\.0\.0\.1:(\d+)/);
      if (m) port = Number(m[1]);
      if (port && /demo data loaded/.test(out)) {
        clearTimeout(timer);
        resolve(port);
      }
    };
    proc.stdout.on("data", onData);
    proc.stderr.on("data", onData);
    proc.on("exit", (code) => reject(new Error(`kycloud serve exited (${code}):\n${out.slice(-3000)}`)));
  });
  const port = await ready;
  const base = `http://127.0.0.1:${port}`;
  const admin = out.match(/kyc_[A-Za-z0-9]{40}/)?.[0];
  return {
    base,
    keys: { ...keys, admin },
    log: () => out,
    async api(key, method, p, body) {
      const r = await fetch(base + p, {
        method,
        headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await r.text();
      if (!r.ok) throw new Error(`${method} ${p}: ${r.status} ${text}`);
      return text ? JSON.parse(text) : null;
    },
    async stop() {
      proc.kill("SIGTERM");
      await new Promise((r) => (proc.exitCode !== null ? r() : proc.on("exit", r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
  if (!existsSync(executablePath)) {
    throw new Error(`no Chromium at ${executablePath}: apt-get install chromium (scripts/install-deps does)`);
  }
  return chromium.launch({ executablePath, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] });
}

// A browser page at 1280×800 that records console errors and uncaught exceptions.
export async function openPage(browser, base) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: base });
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  return { context, page, errors };
}

export async function signIn(page, key) {
  await page.goto("/");
  await page.getByLabel("API key").fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { level: 1, name: "Dashboard" }).waitFor();
}
