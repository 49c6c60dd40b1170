// The ownership chart: owners above with percents on holdings, effective percents on nodes,
// ultimate owners over the threshold highlighted; an earlier day drops a later holder.
import assert from "node:assert/strict";
import { test } from "node:test";
import { edges, nodes, openExplorer, percentOf, SCENARIO, searchAndOpen, readmeShot, shot } from "../helpers.mjs";

async function chart(page) {
  await page.waitForFunction(() => window.credgraphGraphs.ownership.nodes().length > 0 && !document.querySelector("#status").textContent.includes("…"));
  return { drawn: await nodes(page, "ownership"), lines: await edges(page, "ownership") };
}

test("the ownership chart shows the holdings, effective percents and ultimate owners", async () => {
  const { page, close } = await openExplorer();
  try {
    const subject = SCENARIO.ownership;
    await searchAndOpen(page, subject.id, subject.id);
    await page.click("#tab-ownership");
    const { drawn, lines } = await chart(page);
    const byId = new Map(drawn.map((n) => [n.id, n]));
    assert.ok(byId.get(subject.id).classes.includes("origin"));
    for (const e of subject.edges) {
      const line = lines.find((l) => l.source === e.holder && l.target === e.held);
      assert.ok(line, `holding ${e.holderName} -> ${e.heldName} is drawn`);
      assert.equal(percentOf(line.label), Number(e.percent.toFixed(2)), `percent on ${e.holderName} -> ${e.heldName}`);
    }
    for (const [name, percent] of Object.entries(subject.effective)) {
      const node = drawn.find((n) => n.name === name);
      assert.ok(node, `owner ${name} is drawn`);
      assert.ok(Math.abs(percentOf(node.label.split("\n")[1]) - percent) < 0.011, `effective percent of ${name}: ${node.label}`);
    }
    const listed = await page.locator("#ultimate-owners li b").allTextContents();
    assert.deepEqual([...listed].sort(), subject.ultimate);
    for (const name of subject.ultimate) assert.ok(drawn.find((n) => n.name === name).classes.includes("ultimate"), `${name} is highlighted`);
    assert.equal(await page.getAttribute("#cycle-note", "class"), "muted", "no cycle is reported");
    await page.waitForTimeout(300);
    await readmeShot(page, "ownership");

    const day = new Date(Date.parse(subject.latestHolder.start) - 86_400_000).toISOString().slice(0, 10);
    await page.fill("#asof-date", day);
    await page.dispatchEvent("#asof-date", "change");
    await page.waitForFunction(([rootId, name]) => {
      const cy = window.credgraphGraphs.ownership;
      return cy.nodes().length > 0 && !cy.edges().some((e) => e.target().id() === rootId && e.source().data("name") === name);
    }, [subject.id, subject.latestHolder.name], { timeout: 30_000 });
    const earlier = await chart(page);
    const holders = new Set(earlier.lines.filter((l) => l.target === subject.id).map((l) => earlier.drawn.find((n) => n.id === l.source)?.name));
    assert.ok(!holders.has(subject.latestHolder.name), `${subject.latestHolder.name} does not hold it on ${day}`);
    await shot(page, "ownership-earlier");
  } finally {
    await close();
  }
});
