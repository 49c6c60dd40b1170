// A hub (a bank with hundreds of mortgages) comes collapsed with a count and opens in pages.
import assert from "node:assert/strict";
import { test } from "node:test";
import { clickNode, draws, nextDraw, nodes, openExplorer, SCENARIO, searchAndOpen, shot } from "../helpers.mjs";

test("a hub is one node with a count badge, expanded a page per click", async () => {
  const { page, close } = await openExplorer();
  try {
    const hub = SCENARIO.hub;
    const before = await draws(page);
    await searchAndOpen(page, hub.id, hub.id);
    await nextDraw(page, before);
    let drawn = await nodes(page, "map");
    const bank = () => drawn.find((n) => n.id === hub.id);
    assert.ok(bank().classes.includes("hub"), "the bank is drawn as a hub");
    const links = () => page.evaluate((id) => window.credgraphGraphs.map.getElementById(id).connectedEdges().length, hub.id);
    assert.equal(await links(), 50, "the first page of 50 links is drawn");
    assert.ok(bank().label.endsWith(`+${hub.degree - 50}`), `badge of ${bank().label}`);
    await shot(page, "hub-first-page");

    await clickNode(page, "map", hub.id);
    await page.waitForFunction((id) => window.credgraphGraphs.map.getElementById(id).connectedEdges().length > 50, hub.id);
    drawn = await nodes(page, "map");
    assert.equal(await links(), 100, "a click adds the next page");
    assert.ok(bank().label.endsWith(`+${hub.degree - 100}`), `badge of ${bank().label}`);
    await shot(page, "hub-second-page");
  } finally {
    await close();
  }
});
