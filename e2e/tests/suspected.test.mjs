// Suspected links on the map: with the switch on, firms whose annual reports give the same
// e-mail are joined by dashed links labelled with it; with it off, none is drawn. The entity
// view shows the risk profile.
import assert from "node:assert/strict";
import { test } from "node:test";
import { draws, nextDraw, openExplorer, readmeShot, SCENARIO, searchAndOpen } from "../helpers.mjs";

function suspectedEdges(page) {
  return page.evaluate(() => window.credgraphGraphs.map.edges(".SUSPECTED").map((e) => ({
    source: e.data("source"), target: e.data("target"), label: e.data("label"),
    style: e.style("line-style"), arrow: e.style("target-arrow-shape"),
  })));
}

test("suspected links are drawn dashed and labelled with the shared value", async () => {
  const { page, close } = await openExplorer();
  try {
    const subject = SCENARIO.suspected;
    await page.selectOption("#map-hops", "1");
    let before = await draws(page);
    await searchAndOpen(page, subject.id, subject.id);
    await nextDraw(page, before);
    assert.deepEqual(await suspectedEdges(page), [], "no suspected link unless asked for");

    before = await draws(page);
    await page.check("#map-suspected");
    await nextDraw(page, before);
    const drawn = await suspectedEdges(page);
    const byMail = drawn.filter((e) => e.label === subject.email);
    for (const other of subject.sharing) {
      assert.ok(byMail.some((e) => [e.source, e.target].includes(other.id) && [e.source, e.target].includes(subject.id)),
        `a link labelled ${subject.email} joins ${other.name}`);
    }
    for (const edge of drawn) {
      assert.equal(edge.style, "dashed", `${edge.label} is dashed`);
      assert.equal(edge.arrow, "none", "a suspected link has no direction");
      assert.ok(edge.label, "every suspected link names the value shared");
    }
    await page.waitForSelector("#risk-profile");
    assert.match(await page.getAttribute("#risk-profile", "data-level"), /^(LOW|MEDIUM|HIGH)$/);
    await page.evaluate(() => {
      const cy = window.credgraphGraphs.map;
      cy.fit(cy.elements(), 40);
    });
    await readmeShot(page, "suspected");

    before = await draws(page);
    await page.uncheck("#map-suspected");
    await nextDraw(page, before);
    assert.deepEqual(await suspectedEdges(page), []);
  } finally {
    await close();
  }
});
