#!/usr/bin/env node
// Browser end-to-end tests: playwright-core driving the system's Chromium against a running
// web app (BASE_URL) and gateway (API_URL). Each test leaves a screenshot in web/artifacts/.
//
//   BASE_URL=http://127.0.0.1:3000 API_URL=http://127.0.0.1:8000 npm run e2e
//
// Env: CHROMIUM_PATH (default /usr/bin/chromium), E2E_ONLY (comma-separated test ids),
// E2E_ADMIN (user:password, default admin:admin), E2E_USER (default user:user),
// E2E_SAGA_TIMEOUT_MS (default 120000), E2E_HEADFUL=1 to watch.
import { chromium } from "playwright-core";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

const BASE_URL = (process.env.BASE_URL || "http://127.0.0.1:3000").replace(/\/+$/, "");
const API_URL = (process.env.API_URL || "http://127.0.0.1:8000").replace(/\/+$/, "");
const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const ONLY = (process.env.E2E_ONLY || "").split(",").map((s) => s.trim()).filter(Boolean);
const [ADMIN_USER, ADMIN_PASS] = (process.env.E2E_ADMIN || "admin:admin").split(":");
const [PLAIN_USER, PLAIN_PASS] = (process.env.E2E_USER || "user:user").split(":");
const SAGA_TIMEOUT = Number(process.env.E2E_SAGA_TIMEOUT_MS || 120_000);
const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "artifacts");

const run = Math.random().toString(36).slice(2, 8);
// A word that appears only in this run's offering description.
const WORD = `zeph${run}`;
const PRICE = (10 + Math.floor(Math.random() * 80) + Math.floor(Math.random() * 100) / 100).toFixed(2);
const names = {
  characteristic: `E2E speed ${run}`,
  specification: `E2E spec ${run}`,
  price: `E2E fee ${run}`,
  offering: `E2E Fiber ${run}`,
};

class Check extends Error {}
function check(cond, message) {
  if (!cond) throw new Check(message);
}

/** Polls fn until it returns truthy, reloading the page between tries when reload is set. */
async function eventually(page, what, fn, { timeout = 30_000, interval = 1000, reload = false } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    try {
      if (await fn()) return;
    } catch (err) {
      last = err;
    }
    await page.waitForTimeout(interval);
    if (reload) await page.reload({ waitUntil: "domcontentloaded" });
  }
  throw new Check(`timed out waiting for ${what}${last ? ` (${last.message})` : ""}`);
}

async function visible(locator, timeout = 15_000) {
  await locator.first().waitFor({ state: "visible", timeout });
  return locator.first();
}

async function login(page, user, pass) {
  await page.goto(`${BASE_URL}/login`);
  await page.getByLabel("Username").fill(user);
  await page.getByLabel("Password").fill(pass);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/login"), { timeout: 15_000 });
  await visible(page.getByTestId("current-user"));
}

async function toast(page, text, timeout = 15_000) {
  await visible(page.locator('[role="status"], [role="alert"]').filter({ hasText: text }), timeout);
}

async function pickOption(page, comboName, optionText) {
  const combo = page.getByRole("combobox", { name: comboName });
  await combo.click();
  await combo.fill(optionText);
  await (await visible(page.getByRole("option", { name: new RegExp(escapeRe(optionText)) }))).click();
  await combo.press("Escape");
}

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

async function gatewayUp() {
  try {
    const res = await fetch(`${API_URL}/health`, { signal: AbortSignal.timeout(3000) });
    return res.status < 500;
  } catch {
    return false;
  }
}

const tests = [
  {
    id: "store-public",
    name: "store page loads for a signed-out visitor",
    needsApi: false,
    async fn(page) {
      await page.goto(`${BASE_URL}/store`);
      await visible(page.getByRole("heading", { name: "Marketplace" }));
      await visible(page.getByRole("complementary", { name: "Filters" }));
      check(!(await page.getByTestId("current-user").count()), "nobody should be signed in");
      // Either results (or the empty state) or the error state with a retry: the page must settle.
      await eventually(page, "the store to settle", async () => {
        const count = await page.getByTestId("result-count").innerText();
        const failed = await page.getByRole("button", { name: "Try again" }).count();
        return /showing/i.test(count) || failed > 0;
      });
      await page.getByLabel("Keyword").fill("fiber");
      await page.waitForURL(/[?&]q=fiber/, { timeout: 5000 });
    },
  },
  {
    id: "login-guard",
    name: "protected pages send a visitor to login, bad passwords are refused",
    needsApi: true,
    async fn(page) {
      await page.goto(`${BASE_URL}/viewer?tab=price`);
      await page.waitForURL(/\/login\?next=/, { timeout: 10_000 });
      await page.getByLabel("Username").fill(ADMIN_USER);
      await page.getByLabel("Password").fill(`${ADMIN_PASS}-wrong`);
      await page.getByRole("button", { name: "Sign in" }).click();
      await visible(page.getByText("Invalid username or password."));
    },
  },
  {
    id: "admin-journey",
    name: "admin builds, publishes, finds in the store, retires an offering",
    needsApi: true,
    async fn(page) {
      await login(page, ADMIN_USER, ADMIN_PASS);

      await page.goto(`${BASE_URL}/builder?tab=characteristic`);
      let form = page.getByRole("form", { name: "New characteristic" });
      await form.getByRole("textbox", { name: /^Name/ }).fill(names.characteristic);
      await form.getByRole("textbox", { name: /^Value/ }).fill("940");
      await form.getByRole("combobox", { name: /Unit of Measure/ }).selectOption("Mbps");
      await form.getByRole("button", { name: "Create Characteristic" }).click();
      await toast(page, "created");

      await page.goto(`${BASE_URL}/builder?tab=specification`);
      form = page.getByRole("form", { name: "New specification" });
      await form.getByRole("textbox", { name: /^Name/ }).fill(names.specification);
      await pickOption(page, /Characteristics/, names.characteristic);
      await form.getByRole("button", { name: "Create Specification" }).click();
      await toast(page, "created");

      await page.goto(`${BASE_URL}/builder?tab=price`);
      form = page.getByRole("form", { name: "New price" });
      await form.getByRole("textbox", { name: /^Name/ }).fill(names.price);
      await form.getByRole("textbox", { name: /^Amount/ }).fill(PRICE);
      await form.getByRole("combobox", { name: /Currency/ }).selectOption("USD");
      await form.getByRole("button", { name: "Create Price" }).click();
      await toast(page, "created");

      await page.goto(`${BASE_URL}/builder?tab=offering`);
      form = page.getByRole("form", { name: "New offering" });
      await form.getByRole("textbox", { name: /^Name/ }).fill(names.offering);
      await form.getByRole("textbox", { name: /^Description/ }).fill(`Symmetric fiber for homes, code ${WORD}.`);
      await pickOption(page, /^Specifications/, names.specification);
      await pickOption(page, /^Prices/, names.price);
      await form.getByRole("checkbox", { name: "Online" }).check();
      await form.getByRole("button", { name: "Publish" }).click();
      await visible(page.getByRole("region", { name: "Publication progress" }));
      await page.screenshot({ path: path.join(ARTIFACTS, "admin-journey-publishing.png"), fullPage: true });
      await visible(page.getByText("Published. The offering is now in the store."), SAGA_TIMEOUT);

      // Full-text search by a word of the description (the store is fed asynchronously).
      await page.goto(`${BASE_URL}/store`);
      await page.getByLabel("Keyword").fill(WORD);
      await page.waitForURL(new RegExp(`q=${WORD}`));
      await eventually(page, "the offering in the store", async () => (await page.getByRole("heading", { name: names.offering }).count()) > 0, {
        timeout: 60_000,
        reload: true,
      });
      const low = (Number(PRICE) - 1).toFixed(2);
      const high = (Number(PRICE) + 1).toFixed(2);
      await page.goto(`${BASE_URL}/store?q=${WORD}&min_price=${low}&max_price=${high}`);
      await visible(page.getByRole("heading", { name: names.offering }));
      await page.goto(`${BASE_URL}/store?q=${WORD}&min_price=${high}`);
      await visible(page.getByText("No offerings match"));
      await page.goto(`${BASE_URL}/store?q=${WORD}&max_price=${high}`);
      await (await visible(page.getByRole("link", { name: `Details of ${names.offering}` }))).click();
      await visible(page.getByRole("heading", { level: 1, name: names.offering }));
      await visible(page.getByText(names.specification));
      await page.screenshot({ path: path.join(ARTIFACTS, "admin-journey-detail.png"), fullPage: true });

      await page.goto(`${BASE_URL}/viewer?tab=offering`);
      await page.getByRole("searchbox").fill(names.offering);
      await (await visible(page.getByRole("button", { name: `Retire ${names.offering}` }))).click();
      await page.getByRole("dialog").getByRole("button", { name: "Retire" }).click();
      await toast(page, "retired");

      await page.goto(`${BASE_URL}/store?q=${WORD}`);
      await eventually(page, "the retired offering to leave the store", async () => (await page.getByText("No offerings match").count()) > 0, {
        timeout: 60_000,
        reload: true,
      });
    },
  },
  {
    id: "ops-view",
    name: "an admin sees saga instances with their BPMN diagram",
    needsApi: true,
    async fn(page) {
      await login(page, ADMIN_USER, ADMIN_PASS);
      await page.goto(`${BASE_URL}/ops`);
      const list = page.getByRole("region", { name: "Saga instances" });
      await (await visible(list.getByRole("button").filter({ hasText: /\d{3,}/ }))).click();
      await page.waitForURL(/[?&]instance=/);
      await visible(page.getByRole("heading", { name: /^Instance / }));
      await visible(page.locator(".djs-container svg"), 20_000);
      await visible(page.getByRole("heading", { name: "Element history" }));
    },
  },
  {
    id: "user-role",
    name: "a USER sees no admin actions and the API refuses them",
    needsApi: true,
    async fn(page) {
      await login(page, PLAIN_USER, PLAIN_PASS);
      const who = await page.getByTestId("current-user").innerText();
      check(/user/i.test(who), `header should show the USER role, got ${who}`);
      check((await page.getByRole("link", { name: "Operations" }).count()) === 0, "Operations link must be hidden");
      await page.goto(`${BASE_URL}/ops`);
      await visible(page.getByText("Administrators only"));
      await page.goto(`${BASE_URL}/builder?tab=characteristic`);
      await visible(page.getByText("Administrators only"));
      await page.goto(`${BASE_URL}/viewer?tab=characteristic`);
      await visible(page.getByRole("table").or(page.getByText("No characteristics found")));
      check((await page.getByRole("button", { name: /^Delete / }).count()) === 0, "delete buttons must be hidden");
      const status = await page.evaluate(async (api) => {
        const token = sessionStorage.getItem("tmf.token");
        const res = await fetch(`${api}/api/v1/characteristics`, {
          method: "POST",
          headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
          body: JSON.stringify({ name: "should be refused", value: "1", unit_of_measure: "GB" }),
        });
        return res.status;
      }, API_URL);
      check(status === 403, `the API should refuse a USER's create with 403, got ${status}`);
    },
  },
  {
    id: "session-expiry",
    name: "a 401 from the API sends the user back to login with a message",
    needsApi: true,
    async fn(page) {
      await page.goto(`${BASE_URL}/store`);
      // A token the UI can read but the gateway rejects.
      const enc = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
      const forged = `${enc({ alg: "RS256" })}.${enc({ username: "admin", role: "ADMIN", exp: Math.floor(Date.now() / 1000) + 3600 })}.bad`;
      await page.evaluate((t) => sessionStorage.setItem("tmf.token", t), forged);
      await page.goto(`${BASE_URL}/viewer?tab=characteristic`);
      await page.waitForURL(/\/login/, { timeout: 15_000 });
      await visible(page.getByText("Your session has ended. Please sign in again."));
    },
  },
];

async function main() {
  await mkdir(ARTIFACTS, { recursive: true });
  const apiUp = await gatewayUp();
  console.log(`e2e: web ${BASE_URL}, gateway ${API_URL} (${apiUp ? "up" : "NOT reachable"}), run ${run}`);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: !process.env.E2E_HEADFUL,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  let passed = 0;
  let failed = 0;
  try {
    for (const t of tests) {
      if (ONLY.length && !ONLY.includes(t.id)) continue;
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      const errors = [];
      page.on("pageerror", (e) => errors.push(e.message));
      const started = Date.now();
      try {
        if (t.needsApi && !apiUp) throw new Check(`gateway ${API_URL} is not reachable`);
        await t.fn(page);
        check(errors.length === 0, `uncaught page errors: ${errors.join("; ")}`);
        passed++;
        console.log(`  ok   ${t.id}: ${t.name} (${Date.now() - started} ms)`);
      } catch (err) {
        failed++;
        console.log(`  FAIL ${t.id}: ${t.name}\n       ${String(err?.message ?? err).split("\n")[0]}`);
      } finally {
        await page.screenshot({ path: path.join(ARTIFACTS, `${t.id}.png`), fullPage: true }).catch(() => {});
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
