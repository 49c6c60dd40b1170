// Blacklist exposure: a listed firm two hops away is found and drawn on the map.
import assert from "node:assert/strict";
import { test } from "node:test";
import { draws, nextDraw, nodes, openExplorer, SCENARIO, searchAndOpen, readmeShot, shot } from "../helpers.mjs";

test("exposure finds the listed firm and draws the path on the map", async () => {
  const { page, close } = await openExplorer();
  try {
    const subject = SCENARIO.exposure;
    const before = await draws(page);
    await searchAndOpen(page, subject.id, subject.id);
    await nextDraw(page, before);
    await page.click("#tab-risk");
    await page.click("#run-exposure");
    await page.waitForSelector("#exposure-table, #no-exposure");
    const hit = page.locator(`#exposure-table tr[data-id="${subject.listed.id}"]`);
    assert.equal(await hit.count(), 1, `${subject.listed.name} is listed as a hit`);
    assert.ok(Number(await hit.locator("td.num").textContent()) <= 2);
    assert.equal(await hit.locator("td").nth(1).textContent(), "严重违法失信名单");
    await shot(page, "exposure-table");
    await page.click("#exposure-on-map");
    await page.waitForSelector("#tab-map.active");
    const drawn = await nodes(page, "map");
    const listed = drawn.find((n) => n.id === subject.listed.id);
    assert.ok(listed && listed.classes.includes("exposure") && listed.classes.includes("blacklisted"), "the listed firm stands out");
    assert.ok(drawn.some((n) => n.name === subject.through && n.classes.includes("exposure")), `${subject.through} is on the drawn path`);
    await page.waitForTimeout(600);
    await readmeShot(page, "map");
  } finally {
    await close();
  }
});
