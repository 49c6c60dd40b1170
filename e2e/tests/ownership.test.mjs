// The ownership chart: owners above with percents on holdings, effective percents on nodes,
// ultimate owners over the threshold highlighted; an earlier day drops a later holder.
import assert from "node:assert/strict";
import { test } from "node:test";
import { clickNode, edges, nodes, openExplorer, percentOf, SCENARIO, searchAndOpen, readmeShot, shot } from "../helpers.mjs";

async function chart(page) {
  await page.waitForFunction(() => window.credgraphGraphs.ownership.nodes().length > 0 && !document.querySelector("#status").textContent.includes("…"));
  return { drawn: await nodes(page, "ownership"), lines: await edges(page, "ownership") };
}

/** What the chart shows on screen: each label's size in pixels (font size × zoom), whether
each box lies inside the canvas, and the members folded into "+N" nodes. */
function onScreen(page) {
  return page.evaluate(() => {
    const cy = window.credgraphGraphs.ownership;
    const zoom = cy.zoom();
    const px = (ele, property) => Number.parseFloat(ele.style(property)) * zoom;
    const box = { w: cy.width(), h: cy.height() };
    return {
      zoom,
      nodes: cy.nodes().map((n) => {
        const b = n.renderedBoundingBox({ includeLabels: true });
        return { id: n.id(), label: n.data("label"), px: px(n, "font-size"), inside: b.x1 >= 0 && b.y1 >= 0 && b.x2 <= box.w && b.y2 <= box.h, more: n.hasClass("more"), members: n.data("members") ?? [] };
      }),
      edgeLabels: cy.edges().filter((e) => e.data("label")).map((e) => ({ label: e.data("label"), px: px(e, "font-size") })),
    };
  });
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
    // A holding may be out of sight only behind a "+N" node: its holder folded, or its held
    // firm itself not drawn (under a folded one).
    const folded = new Set((await onScreen(page)).nodes.flatMap((n) => n.members));
    const hidden = (e) => folded.size > 0 && (folded.has(e.holder) || !byId.has(e.held));
    for (const e of subject.edges) {
      const line = lines.find((l) => l.source === e.holder && l.target === e.held);
      if (!line && hidden(e)) continue;
      assert.ok(line, `holding ${e.holderName} -> ${e.heldName} is drawn`);
      assert.equal(percentOf(line.label), Number(e.percent.toFixed(2)), `percent on ${e.holderName} -> ${e.heldName}`);
    }
    for (const [name, percent] of Object.entries(subject.effective)) {
      const node = drawn.find((n) => n.name === name);
      if (!node && subject.edges.some((e) => e.holderName === name && hidden(e))) continue;
      assert.ok(node, `owner ${name} is drawn`);
      assert.ok(Math.abs(percentOf(node.label.split("\n").at(-1)) - percent) < 0.011, `effective percent of ${name}: ${node.label}`);
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

test("an enterprise with 30 investments: readable labels at the first fit, the rest behind +N", async () => {
  const { page, close } = await openExplorer();
  try {
    const wide = SCENARIO.wide;
    await searchAndOpen(page, wide.id, wide.id);
    await page.click("#tab-ownership");
    await chart(page);
    await page.waitForTimeout(200);
    const first = await onScreen(page);
    const smallest = Math.min(...first.nodes.map((n) => n.px), ...first.edgeLabels.map((e) => e.px));
    console.log(`METRIC ownership chart of ${wide.investments.length} investments: ${first.nodes.length} boxes at zoom ${first.zoom.toFixed(2)}, smallest label ${smallest.toFixed(1)} px`);
    for (const n of first.nodes) assert.ok(n.px >= 11, `label ${JSON.stringify(n.label)} is ${n.px.toFixed(1)} px on screen`);
    for (const e of first.edgeLabels) assert.ok(e.px >= 11, `percent ${e.label} is ${e.px.toFixed(1)} px on screen`);
    for (const n of first.nodes) assert.ok(n.inside, `${JSON.stringify(n.label)} is inside the canvas at the first fit`);

    const byId = new Map(wide.investments.map((x) => [x.id, x]));
    const more = first.nodes.filter((n) => n.more);
    assert.equal(more.length, 1, "one +N node for the investments level");
    const drawnInvestments = first.nodes.filter((n) => byId.has(n.id));
    assert.ok(drawnInvestments.length >= 2, "some investments are drawn");
    assert.deepEqual([...drawnInvestments.map((n) => n.id), ...more[0].members].sort(), [...byId.keys()].sort(), "every investment is drawn or folded, once");
    assert.match(more[0].label, new RegExp(`^\\+${more[0].members.length}\\n`));
    // The drawn ones are the largest holdings.
    const smallestDrawn = Math.min(...drawnInvestments.map((n) => byId.get(n.id).percent));
    for (const id of more[0].members) assert.ok(byId.get(id).percent <= smallestDrawn, `${byId.get(id).name} is folded behind larger holdings`);
    const lines = await edges(page, "ownership");
    for (const n of drawnInvestments) {
      const line = lines.find((l) => l.source === wide.id && l.target === n.id);
      assert.equal(percentOf(line.label), Number(byId.get(n.id).percent.toFixed(2)), `percent on ${byId.get(n.id).name}`);
    }
    const listed = await page.locator("#investment-holdings li b").allTextContents();
    assert.deepEqual([...listed].sort(), wide.investments.map((x) => x.name).sort(), "the side panel lists all 30");
    await shot(page, "ownership-wide");

    await clickNode(page, "ownership", more[0].id);
    await page.waitForFunction((n) => window.credgraphGraphs.ownership.nodes().length > n, first.nodes.length);
    const second = await onScreen(page);
    const shownNow = second.nodes.filter((n) => byId.has(n.id)).length;
    assert.ok(shownNow > drawnInvestments.length, `a click on +N shows more investments (${drawnInvestments.length} -> ${shownNow})`);
    for (const n of second.nodes) assert.ok(n.px >= 11, `after the click, ${JSON.stringify(n.label)} is ${n.px.toFixed(1)} px`);
    await shot(page, "ownership-wide-more");
  } finally {
    await close();
  }
});
