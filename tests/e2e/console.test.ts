/**
 * The console in a real browser: Debian's Chromium, driven by playwright-core, against `wrangler dev` (the
 * Worker serving the page as static assets, local D1) routing to a real loopback upstream.
 */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benchLibrary } from "./support/bench-library.ts";
import { startEdge, type EdgeProcess } from "./support/edge-process.ts";
import { startTestUpstream, type TestUpstream } from "./support/openai-upstream.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ARTIFACTS = join(import.meta.dirname, "../../.run/artifacts");
// Headless and offline: no sandbox (CI runs as root), and none of the background calls Chromium makes on its own.
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-default-apps",
  "--disable-domain-reliability",
  "--disable-sync",
  "--disable-extensions",
  "--metrics-recording-only",
  "--no-first-run",
  "--no-default-browser-check",
];

let edge: EdgeProcess;
let upstream: TestUpstream;
let browser: Browser;
let page: Page;
let apiKey: string;
/** the answered chat that gets feedback */
let ratedDecision: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
  mkdirSync(ARTIFACTS, { recursive: true });
  [upstream, edge] = await Promise.all([startTestUpstream({ name: "a" }), startEdge()]);
  const library = benchLibrary(upstream.baseUrl, "a");
  await edge.admin("PUT", "/upstreams/a", { ...library.upstreams[0], baseUrl: upstream.baseUrl });
  for (const m of library.models) await edge.admin("PUT", `/models/${m.id}`, m);
  ({ key: apiKey } = (await edge.admin("POST", "/keys", { name: "console" })) as { key: string });
  // answered chats, so the decisions and usage tabs have something to show: the small model saves money
  for (const routing of [{}, { size: 5 }]) {
    const chat = await fetch(`${edge.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "auto", messages: [{ role: "user", content: "ping" }], routing }),
    });
    expect(chat.status).toBe(200);
    ratedDecision ??= chat.headers.get("x-switchyard-decision") as string;
  }
  const feedback = await fetch(`${edge.url}/v1/feedback`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ decision_id: ratedDecision, score: 0.9 }),
  });
  expect(feedback.status).toBe(201);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on("pageerror", (err) => pageErrors.push(err.message));
});

afterAll(async () => {
  await browser?.close();
  await edge?.stop();
  await upstream?.close();
});

const chosen = () => page.locator("#chosen-model");

describe("the console", () => {
  it("carries no credential: the page is the same for everyone", async () => {
    const html = await (await fetch(`${edge.url}/`)).text();
    expect(html).toContain("Switchyard console");
    expect(html).not.toContain(apiKey);
    expect(html).not.toContain(edge.adminToken);
  });

  it("routes a prompt with the key typed in, showing the candidates and the Pareto plot", async () => {
    await page.goto(`${edge.url}/`);
    await page.fill("#api-key", apiKey);
    await page.fill("#admin-token", edge.adminToken);
    await page.click("#credentials button[type=submit]");
    await expect.poll(() => chosen().textContent()).toBe("bench-llama");
    expect(await page.locator("#route-result tr[data-model]").count()).toBe(3);
    expect(await page.locator("#pareto svg.pareto circle[data-model]").count()).toBe(3);
    await page.screenshot({ path: join(ARTIFACTS, "console-route.png"), fullPage: true });
  });

  it("routes again when a slider moves, and the choice follows the weight", async () => {
    await page.locator("#flag-size").fill("5");
    await expect.poll(() => chosen().textContent()).toBe("bench-mamba");
    await page.selectOption("#pareto-axis", "size");
    expect(await page.locator("#pareto svg.pareto").getAttribute("data-axis")).toBe("weights");
    await page.screenshot({ path: join(ARTIFACTS, "console-route-size.png"), fullPage: true });
  });

  it("lists recent decisions and opens one, with its outcome", async () => {
    await page.click("nav button[data-tab=decisions]");
    const rows = page.locator("#decision-list tr[data-decision]");
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(3);
    await page.click(`#decision-list tr[data-decision="${ratedDecision}"]`);
    await expect.poll(() => page.locator("#decision-detail").textContent()).toContain("Candidates");
    const detail = await page.locator("#decision-detail").textContent();
    expect(detail).toContain("bench-llama");
    expect(detail).toMatch(/Outcomes.*0\.900.*feedback/s);
    await page.screenshot({ path: join(ARTIFACTS, "console-decision.png"), fullPage: true });
  });

  it("plots each model's latency and memory over prompt length", async () => {
    await page.click("nav button[data-tab=library]");
    await expect.poll(() => page.locator("#library svg.lines").count()).toBe(2);
    expect(await page.locator("#library svg.lines polyline[data-model]").count()).toBe(6);
    await page.screenshot({ path: join(ARTIFACTS, "console-library.png"), fullPage: true });
  });

  it("shows usage and the savings against the baseline, with the admin token", async () => {
    await page.click("nav button[data-tab=usage]");
    await expect.poll(() => page.locator("#savings").textContent()).toMatch(/^Since \d{4}-\d{2}-\d{2}: 2 requests, .* saved \$[1-9]/);
    await page.screenshot({ path: join(ARTIFACTS, "console-usage.png"), fullPage: true });
  });

  it("renders the API docs from /openapi.json", async () => {
    await page.goto(`${edge.url}/docs`);
    await expect.poll(() => page.locator("section.operation").count()).toBeGreaterThan(20);
    expect(await page.locator("#getV1DecisionsId").textContent()).toContain("GET /v1/decisions/{id}");
    expect(pageErrors).toEqual([]);
  });
});
