// What every browser test shares: the scenario, a page opened on the server, and readers of
// what the canvases draw (through the Cytoscape instances the page exposes for automation).
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { launch } from "./browser.mjs";

export const BASE = process.env.CREDGRAPH_URL;
export const SCENARIO = JSON.parse(readFileSync(process.env.CREDGRAPH_SCENARIO, "utf-8"));
export const ARTIFACTS = process.env.CREDGRAPH_ARTIFACTS;
/** Only scripts/screenshots.sh sets this (docs/screenshots): a test run writes to ARTIFACTS. */
const SCREENSHOTS = process.env.CREDGRAPH_SCREENSHOTS;
mkdirSync(ARTIFACTS, { recursive: true });

/** A browser with one page on the explorer, opened on the scenario's day (with the network
off for every other host when `offline`). */
export async function openExplorer({ offline = false } = {}) {
  const browser = await launch({ offline });
  const page = await browser.context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => m.type() === "error" && problems.push(`console error: ${m.text()}`));
  page.on("request", (r) => {
    const url = r.url();
    if (!url.startsWith(BASE) && !url.startsWith("data:") && !url.startsWith("blob:")) problems.push(`off-site request: ${url}`);
  });
  await page.goto(`${BASE}/?asOf=${SCENARIO.day}`);
  await page.waitForSelector("#tab-map.active");
  return {
    page,
    /** Fails on page errors, console errors and any request that left the server. */
    async close() {
      await browser.close();
      assert.deepEqual(problems, []);
    },
  };
}

/** Type into the search box and pick the hit with this id. */
export async function searchAndOpen(page, text, id, box = "#search") {
  await page.fill(box, "");
  await page.type(box, text, { delay: 20 });
  const hit = page.locator(`${box}-results li[data-id="${id}"]`);
  await hit.waitFor();
  await hit.click();
}

export function draws(page) {
  return page.evaluate(() => window.credgraphMetrics.draws.length);
}

/** Wait until the map has drawn once more than `before` times; the latest metric. */
export async function nextDraw(page, before) {
  await page.waitForFunction((n) => window.credgraphMetrics.draws.length > n, before, { timeout: 120_000 });
  return page.evaluate(() => window.credgraphMetrics.draws.at(-1));
}

export function nodes(page, view) {
  return page.evaluate((v) => window.credgraphGraphs[v].nodes().map((n) => ({
    id: n.id(), name: n.data("name"), label: n.data("label"), classes: n.classes(),
  })), view);
}

export function edges(page, view) {
  return page.evaluate((v) => window.credgraphGraphs[v].edges().map((e) => ({
    source: e.data("source"), target: e.data("target"), label: e.data("label"), classes: e.classes(),
  })), view);
}

/** A real mouse click on a node where the canvas draws it. */
export async function clickNode(page, view, id) {
  const at = await page.evaluate(([v, nodeId]) => {
    const cy = window.credgraphGraphs[v];
    const node = cy.getElementById(nodeId);
    cy.center(node);
    const box = cy.container().getBoundingClientRect();
    const p = node.renderedPosition();
    return { x: box.left + p.x, y: box.top + p.y };
  }, [view, id]);
  await page.mouse.click(at.x, at.y);
}

export async function shot(page, name) {
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** A screenshot for the README: into ARTIFACTS, and into docs/screenshots only when asked. */
export async function readmeShot(page, name) {
  const path = await shot(page, name);
  if (SCREENSHOTS) {
    mkdirSync(SCREENSHOTS, { recursive: true });
    copyFileSync(path, join(SCREENSHOTS, `${name}.png`));
  }
}

/** "56.47%" -> 56.47 */
export function percentOf(label) {
  const match = /(-?\d+(?:\.\d+)?)%/.exec(label ?? "");
  return match ? Number(match[1]) : null;
}
