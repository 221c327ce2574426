// The dashboard in a real headless Chromium against a running ferry: the list shows a syncing
// replication, the lag chart draws and gains samples while the leader takes writes, the pause button
// pauses the replication (as `_status` tells through the API), and a screenshot is kept in
// test-artifacts/ for people to look at.
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { bulk, os } from "../support/documents.ts";
import { startFerry, type FerryProcess } from "../support/ferry-process.ts";
import { chromiumMissing, launchChromium } from "../support/chromium.ts";
import { until } from "../support/until.ts";

const { leader, follower } = inject("testbed");
const LEADER = "ui-dashboard-l";
const FOLLOWER = "ui-dashboard-f";
const P = "/_plugins/_replication";
const artifacts = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "test-artifacts");

const missing = chromiumMissing();
if (missing) console.warn(`dashboard browser tests skipped: ${missing}`);

describe.skipIf(missing !== undefined)(`dashboard in headless Chromium${missing ? ` (skipped: ${missing})` : ""}`, () => {
  let ferry: FerryProcess;
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  const pageErrors: string[] = [];
  let writing = true;
  let writer: Promise<void> | undefined;

  beforeAll(async () => {
    ferry = await startFerry();
    await os(leader, "PUT", `/${LEADER}`, { settings: { number_of_shards: 2, number_of_replicas: 0 } });
    await bulk(leader, LEADER, Array.from({ length: 100 }, (_, i) => ({ op: "index" as const, id: `seed-${i}`, source: { n: i } })), true);
    const started = await ferry.call("PUT", `${P}/${FOLLOWER}/_start?wait_for_restore=true`, { leader_alias: "leader-cluster", leader_index: LEADER });
    expect(started).toEqual({ status: 200, body: { acknowledged: true } });
    // The leader takes a batch every half second for as long as the tests look (bounded: 2,000 batches).
    writer = (async () => {
      for (let batch = 0; writing && batch < 2_000; batch++) {
        await bulk(leader, LEADER, Array.from({ length: 50 }, (_, i) => ({ op: "index" as const, id: `w-${batch}-${i}`, source: { batch, i } })));
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on("pageerror", (err) => pageErrors.push(err.message));
    page.on("console", (message) => {
      if (message.type() === "error") pageErrors.push(message.text());
    });
  });

  afterAll(async () => {
    writing = false;
    await writer;
    await browser?.close();
    await ferry?.stop();
    await os(leader, "DELETE", `/${LEADER}`);
    await os(follower, "DELETE", `/${FOLLOWER}`);
  });

  const row = () => page.locator(`tr[data-index="${FOLLOWER}"]`);
  const chart = () => page.locator("#lag-chart");
  const points = async () => Number(await chart().getAttribute("data-points"));

  it("lists the syncing replication", async () => {
    await page.goto(`${ferry.url}/_ferry/ui`);
    await until("the dashboard to list the replication as SYNCING", async () =>
      (await row().count()) === 1 && (await row().locator(".status").textContent()) === "SYNCING");
    expect(await row().locator("td").nth(1).textContent()).toBe(`leader-cluster:${LEADER}`);
    expect(await page.locator("#page-info").textContent()).toBe("page 1 of 1 · 1 replications");
  });

  it("draws the lag chart, and it moves while the leader takes writes", async () => {
    await until("the chart to draw a sample", async () => (await chart().locator("canvas").count()) === 1 && (await points()) >= 1);
    const before = await points();
    const lastBefore = Number(await chart().getAttribute("data-last-time"));
    // Two more samples (one every 5 s) reach the page on its own refresh.
    await until("new lag samples on the chart", async () => (await points()) >= before + 2);
    expect(Number(await chart().getAttribute("data-last-time"))).toBeGreaterThan(lastBefore);
    // The series' stroke colour is on the canvas: uPlot drew the line, not only an empty frame.
    const stroked = await chart().locator("canvas").evaluate((canvas: HTMLCanvasElement) => {
      const { data } = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height);
      let count = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (Math.abs(data[i]! - 37) < 30 && Math.abs(data[i + 1]! - 99) < 30 && Math.abs(data[i + 2]! - 235) < 30 && data[i + 3]! > 200) count++;
      }
      return count;
    });
    expect(stroked).toBeGreaterThan(20);

    mkdirSync(artifacts, { recursive: true });
    const screenshot = join(artifacts, "dashboard-syncing.png");
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`dashboard screenshot: ${screenshot}`);
  });

  it("filters the list by name", async () => {
    await page.locator("#filter").fill("no-such-index");
    await until("the filter to empty the list", async () => (await page.locator("#replications td.empty").count()) === 1 && (await row().count()) === 0);
    await page.locator("#filter").fill("dashboard-f");
    await until("the filter to show the replication again", async () => (await row().count()) === 1);
  });

  it("pauses the replication from the page", async () => {
    await row().locator('button[data-action="pause"]').click();
    await until("_status to say PAUSED", async () => (await ferry.call("GET", `${P}/${FOLLOWER}/_status`)).body.status === "PAUSED");
    await until("the page to show PAUSED", async () => (await row().locator(".status").textContent()) === "PAUSED");
    expect(await row().locator('button[data-action="resume"]').isEnabled()).toBe(true);
    await until("the page to report the pause done", async () => (await page.locator("#message").textContent()) === `Pause ${FOLLOWER}: done`);
    await page.screenshot({ path: join(artifacts, "dashboard-paused.png"), fullPage: true });
    console.log(`dashboard screenshot: ${join(artifacts, "dashboard-paused.png")}`);
    expect(pageErrors).toEqual([]);
  });
});

describe("dashboard JSON routes", () => {
  let ferry: FerryProcess;
  beforeAll(async () => {
    ferry = await startFerry();
  });
  afterAll(async () => {
    await ferry?.stop();
  });

  it("answers an empty page, refuses bad paging, and has no history for an index it does not replicate", async () => {
    expect(await ferry.call("GET", "/_ferry/ui/api/replications?page=1&size=50")).toEqual({
      status: 200,
      body: { total: 0, page: 1, size: 50, counts: { BOOTSTRAPPING: 0, SYNCING: 0, PAUSED: 0, FAILED: 0 }, replications: [] },
    });
    expect((await ferry.call("GET", "/_ferry/ui/api/replications?page=0")).status).toBe(400);
    expect((await ferry.call("GET", "/_ferry/ui/api/replications?size=1000")).status).toBe(400);
    expect((await ferry.call("GET", "/_ferry/ui/api/replications?size=ten")).status).toBe(400);
    expect(await ferry.call("GET", "/_ferry/ui/api/lag/nothing-here")).toMatchObject({ status: 404, body: { error: { type: "resource_not_found_exception" } } });
    expect((await ferry.call("GET", "/_ferry/ui/assets/..%2Fpackage.json")).status).toBe(400);
    expect((await ferry.call("GET", "/_ferry/ui/assets/secrets.js")).status).toBe(404);
  });

  it("serves the page and its assets itself, with a policy that allows nothing from elsewhere", async () => {
    const res = await fetch(`${ferry.url}/_ferry/ui`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toContain("default-src 'self'");
    const html = await res.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.sort()).toEqual([
      "/_ferry/ui/assets/dashboard.css", "/_ferry/ui/assets/dashboard.js", "/_ferry/ui/assets/uPlot.iife.min.js", "/_ferry/ui/assets/uPlot.min.css",
    ]);
    for (const asset of assets) {
      const answer = await fetch(`${ferry.url}${asset}`);
      expect(answer.status, asset).toBe(200);
      expect(answer.headers.get("content-type")).toMatch(asset.endsWith(".js") ? /^text\/javascript/ : /^text\/css/);
      expect((await answer.text()).length).toBeGreaterThan(100);
    }
  });

  it("with auth configured, loads the page without credentials and answers its data only with them", async () => {
    const key = "dashboard-test-key-0123456789";
    const secured = await startFerry({ FERRY_AUTH: JSON.stringify({ api_keys: [{ id: "ui", key, role: "monitor" }] }) });
    try {
      expect((await fetch(`${secured.url}/_ferry/ui`)).status).toBe(200);
      expect((await fetch(`${secured.url}/_ferry/ui/assets/dashboard.js`)).status).toBe(200);
      expect((await fetch(`${secured.url}/_ferry/ui/api/replications`)).status).toBe(401);
      const authorization = `ApiKey ${Buffer.from(`ui:${key}`).toString("base64")}`;
      expect((await fetch(`${secured.url}/_ferry/ui/api/replications`, { headers: { authorization } })).status).toBe(200);
    } finally {
      await secured.stop();
    }
  });
});
