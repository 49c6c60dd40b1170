// The relationship map: a firm's neighbourhood, a click that expands a person, the relation
// filter and the English labels.
import assert from "node:assert/strict";
import { test } from "node:test";
import { clickNode, draws, edges, nextDraw, nodes, openExplorer, SCENARIO, searchAndOpen, shot } from "../helpers.mjs";

/** Readable at the first view: labels at 11 px or more on screen, the subject in sight. */
async function assertReadable(page, id, what) {
  const view = await page.evaluate((subjectId) => {
    const cy = window.credgraphGraphs.map;
    const zoom = cy.zoom();
    const box = cy.getElementById(subjectId).renderedBoundingBox({ includeLabels: true });
    return {
      zoom, nodes: cy.nodes().length, smallest: Math.min(...cy.elements().map((e) => Number.parseFloat(e.style("font-size")) * zoom)),
      inside: box.x1 >= 0 && box.y1 >= 0 && box.x2 <= cy.width() && box.y2 <= cy.height(),
    };
  }, id);
  console.log(`METRIC map first view, ${what} (${view.nodes} nodes): zoom ${view.zoom.toFixed(2)}, smallest label ${view.smallest.toFixed(1)} px`);
  assert.ok(view.smallest >= 11, `labels are ${view.smallest.toFixed(1)} px on screen`);
  assert.ok(view.inside, "the subject is in sight");
}

test("a crowded neighbourhood opens readable, centred on the subject", async () => {
  const { page, close } = await openExplorer();
  try {
    const subject = SCENARIO.crowded;
    const before = await draws(page);
    await searchAndOpen(page, subject.id, subject.id);
    const metric = await nextDraw(page, before);
    assert.ok(metric.nodes >= 100, `${metric.nodes} nodes drawn`);
    await assertReadable(page, subject.id, `${subject.within2} subjects within 2 links`);
    await shot(page, "map-crowded");
  } finally {
    await close();
  }
});

test("the map draws the neighbourhood and a click expands a node", async () => {
  const { page, close } = await openExplorer();
  try {
    const subject = SCENARIO.map;
    await page.selectOption("#map-hops", "1");
    const before = await draws(page);
    await searchAndOpen(page, subject.id, subject.id);
    const metric = await nextDraw(page, before);
    await assertReadable(page, subject.id, "small neighbourhood");
    const drawn = await nodes(page, "map");
    const names = new Set(drawn.map((n) => n.name));
    for (const name of subject.neighbours) assert.ok(names.has(name), `neighbour ${name} is drawn`);
    assert.equal(metric.nodes, subject.neighbours.length + 1);
    assert.ok(drawn.find((n) => n.id === subject.id).classes.includes("origin"));

    const person = subject.expand;
    const hidden = drawn.find((n) => n.id === person.id);
    assert.match(hidden.label, /\n\+\d+$/, "the person shows how many links are not drawn");
    await clickNode(page, "map", person.id);
    await page.waitForFunction(([id]) => {
      const node = window.credgraphGraphs.map.getElementById(id);
      return !node.data("label").includes("\n+");
    }, [person.id]);
    const expanded = new Set((await nodes(page, "map")).map((n) => n.name));
    for (const name of person.neighbours) assert.ok(expanded.has(name), `after the click ${name} is drawn`);
    assert.equal(await page.textContent("#entity-name"), person.name, "the clicked node is shown in the entity view");
    await shot(page, "map-expanded");

    const relations = new Set((await edges(page, "map")).flatMap((e) => e.classes));
    assert.ok(relations.has("SHAREHOLDER"));
    const again = await draws(page);
    await page.uncheck('input[data-relation="SHAREHOLDER"]');
    await nextDraw(page, again);
    const filtered = await edges(page, "map");
    assert.ok(filtered.every((e) => !e.classes.includes("SHAREHOLDER")), "no holding is drawn once filtered out");

    await page.click("#lang");
    assert.equal(await page.textContent("#tab-map"), "Relationship map");
    assert.equal(await page.textContent('span[data-label="SHAREHOLDER"]'), "Shareholder");
    await page.click("#lang");
    assert.equal(await page.textContent("#tab-map"), "关系图谱");
  } finally {
    await close();
  }
});
