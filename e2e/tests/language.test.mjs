// Chinese throughout the Chinese UI, and percents rounded everywhere: in what the page shows
// (text and graph labels, in both languages) and in every API answer the page receives.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openExplorer, SCENARIO, searchAndOpen, shot } from "../helpers.mjs";

const HAN = /\p{Script=Han}/u;
/** A number with more than 2 decimals followed by % (as shown), e.g. 35.68610258658483%. */
const UNROUNDED_SHOWN = /\d+\.\d{3,}\s*%/g;

/** Every text the page shows: the document and the labels drawn on the canvases. */
function shownText(page) {
  return page.evaluate(() => [
    document.body.innerText,
    ...Object.values(window.credgraphGraphs).flatMap((cy) => cy.elements().map((e) => e.data("label") ?? "")),
  ].join("\n"));
}

/** Percent fields (any key with "percent" in its name) with more than 2 decimals. */
function unroundedPercents(value, path = "") {
  if (Array.isArray(value)) return value.flatMap((v, i) => unroundedPercents(v, `${path}[${i}]`));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) =>
      /percent/i.test(k) && typeof v === "number" && Math.abs(v * 100 - Math.round(v * 100)) > 1e-6
        ? [`${path}.${k} = ${v}`]
        : unroundedPercents(v, `${path}.${k}`));
  }
  return [];
}

test("rule titles and citations in Chinese, percents to 2 decimals, in both languages", async () => {
  const { page, close } = await openExplorer();
  const answers = [];
  page.on("response", async (r) => {
    if (r.url().endsWith("/graphql") && r.request().method() === "POST") answers.push(r.json().catch(() => null));
  });
  try {
    const texts = [];
    const person = SCENARIO.restriction;
    await searchAndOpen(page, person.id, person.id);
    await page.click("#tab-risk");
    await page.click("#run-check");
    await page.waitForSelector("article.hit");
    const hits = () => page.locator("article.hit").evaluateAll((cards) => cards.map((c) => ({
      rule: c.dataset.rule, title: c.querySelector(".rule-title").textContent, citation: c.querySelector(".citation").textContent,
    })));
    for (const hit of await hits()) {
      assert.ok(HAN.test(hit.title), `rule ${hit.rule}: the title is Chinese in the Chinese UI: ${hit.title}`);
      assert.ok(HAN.test(hit.citation), `rule ${hit.rule}: the citation is Chinese in the Chinese UI: ${hit.citation}`);
    }
    await shot(page, "restrictions-zh");
    texts.push(await shownText(page));

    for (const subject of [SCENARIO.ownership, SCENARIO.wide]) {
      await searchAndOpen(page, subject.id, subject.id);
      await page.click("#tab-ownership");
      await page.waitForFunction((id) => window.credgraphGraphs.ownership.getElementById(id).nonempty() && !document.querySelector("#status").textContent.includes("…"), subject.id);
      texts.push(await shownText(page));
      await page.click("#tab-map");
      await page.waitForFunction((id) => window.credgraphGraphs.map.getElementById(id).nonempty(), subject.id);
      texts.push(await shownText(page));
    }
    await page.click("#lang");
    await page.click("#tab-risk");
    await searchAndOpen(page, person.id, person.id);
    await page.click("#run-check");
    await page.waitForSelector("article.hit");
    for (const hit of await hits()) assert.ok(!HAN.test(hit.title), `rule ${hit.rule}: the title is English in the English UI: ${hit.title}`);
    texts.push(await shownText(page));
    await page.click("#lang");

    const unrounded = texts.flatMap((text) => text.match(UNROUNDED_SHOWN) ?? []);
    assert.deepEqual(unrounded, [], "no percent with more than 2 decimals on the page");
    const fromApi = (await Promise.all(answers)).flatMap((body) => unroundedPercents(body));
    assert.deepEqual(fromApi, [], "no percent with more than 2 decimals in the API's answers");
  } finally {
    await close();
  }
});
