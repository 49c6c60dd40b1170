// With the network off (every host but this machine's loopback unreachable), GraphiQL at
// /graphql and the explorer at / load and answer; no response of either page refers a load to
// another host.
//
// What "refers a load to another host" means here: an absolute or protocol-relative URL
// (http://, https://, //) whose host is not the server's, in a place where a browser would
// fetch it: an HTML src/href/srcset/action/poster/data attribute, a CSS url() or @import, a
// JavaScript import/import()/importScripts/fetch/new Worker/new URL/.src=/.href= target or a
// sourceMappingURL. Other URLs inside bundles are inert text (XML namespaces such as
// http://www.w3.org/2000/svg, JSON-schema ids, links in license comments and error messages)
// and are counted, not refused: the request log below proves none of them is fetched, because
// every request the browser makes (page and workers) must go to the server.
import assert from "node:assert/strict";
import { test } from "node:test";
import { launch } from "../browser.mjs";
import { BASE, openExplorer, SCENARIO, searchAndOpen, shot } from "../helpers.mjs";

const ABS = String.raw`(?:https?:)?\/\/[^\s"'\`)<>\\]+`;
const LOADS = [
  String.raw`\b(?:src|href|srcset|action|poster|data|xlink:href)\s*=\s*\\?["']?\s*(${ABS})`,
  String.raw`url\(\s*\\?["']?\s*(${ABS})`,
  String.raw`@import\s+(?:url\()?\s*["']?\s*(${ABS})`,
  String.raw`\bimport\s*\(\s*["'\`](${ABS})`,
  String.raw`\bfrom\s*["'](${ABS})`,
  String.raw`\bimportScripts\(\s*["'\`](${ABS})`,
  String.raw`\bfetch\(\s*["'\`](${ABS})`,
  String.raw`\bnew\s+(?:Shared)?Worker\(\s*["'\`](${ABS})`,
  String.raw`\bnew\s+URL\(\s*["'\`](${ABS})`,
  String.raw`\.(?:src|href)\s*=\s*["'\`](${ABS})`,
  String.raw`sourceMappingURL=(${ABS})`,
].map((source) => new RegExp(source, "gi"));
const SERVER_HOST = new URL(BASE).host;

/** The host an absolute or protocol-relative URL names (the text itself when unparsable). */
function hostOf(url) {
  try {
    return new URL(url.startsWith("//") ? `http:${url}` : url).host;
  } catch {
    return url;
  }
}

/** The load targets in a response body that point away from the server. */
function offsiteLoads(text) {
  return LOADS.flatMap((re) => [...text.matchAll(re)])
    .filter((match) => hostOf(match[1]) !== SERVER_HOST)
    .map((match) => match[0].slice(0, 160));
}

/** Every response the browser receives, with its body, and every request it makes. */
function record(context) {
  const log = { requests: [], responses: [] };
  context.on("request", (r) => log.requests.push(r.url()));
  context.on("response", (r) => log.responses.push(r));
  return log;
}

async function scan(log) {
  const offsite = [];
  let inert = 0;
  let bytes = 0;
  for (const response of log.responses) {
    const url = response.url();
    if (url.startsWith("data:") || url.startsWith("blob:")) continue;
    let body;
    try {
      body = (await response.body()).toString("latin1");
    } catch {
      continue; // a redirect or a preflight has no body
    }
    bytes += body.length;
    offsite.push(...offsiteLoads(body).map((hit) => `${url}: ${hit}`));
    inert += (body.match(/https?:\/\/[^\s"'`)<>\\]+/g) ?? []).filter((u) => hostOf(u) !== SERVER_HOST).length;
  }
  return { offsite, inert, bytes, responses: log.responses.length };
}

function offsiteRequests(log) {
  return log.requests.filter((u) => !u.startsWith(BASE) && !u.startsWith("data:") && !u.startsWith("blob:"));
}

test("the load scan refuses what it must and passes inert text", () => {
  assert.equal(offsiteLoads(`<script src="https://unpkg.com/graphiql/graphiql.min.js"></script>`).length, 1);
  assert.equal(offsiteLoads(`<link rel="stylesheet" href="//cdn.jsdelivr.net/x.css">`).length, 1);
  assert.equal(offsiteLoads(`@font-face{src:url(https://fonts.gstatic.com/a.woff2)}`).length, 1);
  assert.equal(offsiteLoads(`import("https://esm.sh/react")`).length, 1);
  assert.equal(offsiteLoads(`fetch("https://telemetry.example/x")`).length, 1);
  assert.equal(offsiteLoads(`<script src="./assets/a.js"></script><a>${BASE}/graphql</a>`).length, 0);
  assert.equal(offsiteLoads(`createElementNS("http://www.w3.org/2000/svg","path")`).length, 0);
  assert.equal(offsiteLoads(`fetch("${BASE}/graphql")`).length, 0);
});

test("GraphiQL at /graphql runs a query with the network off and loads nothing from elsewhere", async () => {
  const browser = await launch({ offline: true });
  const log = record(browser.context);
  try {
    const page = await browser.context.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const started = Date.now();
    await page.goto(`${BASE}/graphql`);
    await page.waitForSelector(".graphiql-query-editor .monaco-editor .view-lines", { timeout: 60_000 });
    console.log(`METRIC GraphiQL editor ready with the network off in ${Date.now() - started} ms`);
    const editorText = () => page.textContent(".graphiql-query-editor .view-lines").then((t) => t.replace(/\s+/g, " "));
    // The editor shows the example query once GraphiQL has started; then it is replaced.
    await page.waitForFunction(() => document.querySelector(".graphiql-query-editor .view-lines")?.textContent.includes("search("), null, { timeout: 30_000 });
    const { id, name } = SCENARIO.ownership;
    const query = `query OfflineCheck { enterprise(uscc: "${id}") { name } }`;
    await page.click(".graphiql-query-editor .monaco-editor .view-lines");
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Delete");
    await page.keyboard.insertText(query);
    assert.equal((await editorText()).trim(), query.replace(/\s+/g, " "));
    // The tab takes the operation's name once GraphiQL has parsed the new text.
    await page.waitForFunction(() => document.querySelector(".graphiql-tab")?.textContent.includes("OfflineCheck"), null, { timeout: 10_000 });
    await page.click(".graphiql-execute-button");
    await page.waitForFunction(() => document.querySelector(".graphiql-response")?.textContent.includes('"data"'), null, { timeout: 30_000 });
    const answer = (await page.textContent(".graphiql-response")).replace(/\s+/g, "");
    assert.ok(answer.includes(`"name":"${name}"`), `GraphiQL shows ${name}: ${answer.slice(0, 300)}`);
    await shot(page, "graphiql-offline");
    assert.deepEqual(errors, []);
    const result = await scan(log);
    console.log(`METRIC GraphiQL: ${result.responses} responses, ${Math.round(result.bytes / 1024)} KiB scanned, ${result.inert} inert off-site URL strings, ${result.offsite.length} off-site loads`);
    assert.deepEqual(result.offsite, []);
    const refused = await page.goto("https://example.com/", { timeout: 15_000 }).then(() => null, (e) => e.message);
    assert.ok(refused, "the network is off for other hosts");
  } finally {
    await browser.close();
  }
  assert.deepEqual(offsiteRequests(log).filter((u) => u !== "https://example.com/"), []);
});

test("the explorer works with the network off and loads nothing from elsewhere", async () => {
  const { page, close } = await openExplorer({ offline: true });
  const log = record(page.context());
  try {
    await page.reload();
    await page.waitForSelector("#tab-map.active");
    const { id } = SCENARIO.map;
    await searchAndOpen(page, id, id);
    await page.waitForFunction(() => window.credgraphMetrics.draws.length > 0, null, { timeout: 60_000 });
    await page.click("#tab-ownership");
    await page.waitForFunction(() => window.credgraphGraphs.ownership.nodes().length > 0);
    await page.click("#lang");
    await shot(page, "explorer-offline");
    const result = await scan(log);
    console.log(`METRIC explorer: ${result.responses} responses, ${Math.round(result.bytes / 1024)} KiB scanned, ${result.inert} inert off-site URL strings, ${result.offsite.length} off-site loads`);
    assert.deepEqual(result.offsite, []);
    assert.deepEqual(offsiteRequests(log), []);
  } finally {
    await close();
  }
});
