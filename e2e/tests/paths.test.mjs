// The path finder: the shortest paths between a person and a firm two holdings away.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openExplorer, SCENARIO, searchAndOpen, shot } from "../helpers.mjs";

test("the path finder lists the shortest paths with the facts on each step", async () => {
  const { page, close } = await openExplorer();
  try {
    const { from, to, via } = SCENARIO.paths;
    await searchAndOpen(page, from.id, from.id);
    await page.click("#tab-paths");
    assert.equal(await page.textContent("#path-from"), from.name);
    await searchAndOpen(page, to.id, to.id, "#path-target");
    await page.click("#find-paths");
    await page.waitForSelector("#path-list li.path");
    const first = page.locator("#path-list li.path").first();
    const steps = first.locator("li.step");
    assert.equal(await steps.count(), 2, "the shortest path has two steps");
    assert.equal(await steps.first().locator(".step-node").first().textContent(), from.name);
    assert.equal(await steps.last().locator(".step-node").last().textContent(), to.name);
    const middles = await page.locator("#path-list li.path").evaluateAll((paths) =>
      paths.filter((p) => p.querySelectorAll("li.step").length === 2)
        .map((p) => p.querySelectorAll("li.step")[0].querySelectorAll(".step-node")[1].textContent));
    assert.ok(middles.includes(via), `a shortest path goes through ${via}`);
    const facts = await first.locator(".step-rel").allTextContents();
    assert.ok(facts.every((f) => f.trim().length > 2), "each step names its relation");
    const meta = await first.locator(".step-meta").allTextContents();
    assert.ok(meta.every((m) => /\.csv:\d+/.test(m)), "each step names its source row");
    const drawn = await page.evaluate(() => window.credgraphGraphs.paths.nodes().map((n) => n.data("name")));
    assert.ok(drawn.includes(from.name) && drawn.includes(to.name) && drawn.includes(via));
    await shot(page, "paths");
  } finally {
    await close();
  }
});
