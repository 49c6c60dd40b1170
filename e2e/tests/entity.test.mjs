// The entity view: registration facts and shareholders with percents, dates and source rows.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openExplorer, SCENARIO, searchAndOpen, shot } from "../helpers.mjs";

test("an enterprise shows its registration and its shareholders with their source rows", async () => {
  const { page, close } = await openExplorer();
  try {
    const { id, name, shareholders } = SCENARIO.ownership;
    await searchAndOpen(page, id, id);
    await page.waitForSelector('#sidebar section[data-section="shareholders"]');
    assert.equal(await page.textContent("#entity-name"), name);
    const facts = await page.textContent("#sidebar .facts");
    assert.ok(facts.includes(id), "the USCC is shown");
    const rows = await page.locator('#sidebar section[data-section="shareholders"] tr.fact').evaluateAll((trs) =>
      trs.map((tr) => [...[...tr.querySelectorAll("td")].map((td) => td.firstChild.textContent), tr.querySelector(".src").textContent]));
    for (const holder of shareholders) {
      const row = rows.find((cells) => cells[0] === holder.name && cells[3] === `shareholdings.csv:${holder.row}`);
      assert.ok(row, `shareholder ${holder.name} (row ${holder.row}) is listed`);
      if (holder.percent !== null) assert.equal(Number.parseFloat(row[1]), Number(holder.percent.toFixed(2)));
    }
    await shot(page, "entity-enterprise");

    const person = SCENARIO.restriction;
    await searchAndOpen(page, person.id, person.id);
    await page.waitForSelector('#sidebar section[data-section="appointments"]');
    assert.equal(await page.textContent("#entity-name"), person.name);
    const posts = await page.locator('#sidebar section[data-section="appointments"] .src').allTextContents();
    assert.ok(posts.length > 0 && posts.every((src) => /^officers\.csv:\d+$/.test(src)), "posts carry their officers.csv row");
    // A role (董事长, 财务负责人) stays on one line in the narrow sidebar.
    const roles = await page.locator('#sidebar section[data-section="appointments"] .role').evaluateAll((spans) =>
      spans.map((span) => ({ text: span.textContent, lines: span.getClientRects().length })));
    assert.ok(roles.length > 0);
    for (const role of roles) assert.equal(role.lines, 1, `role ${role.text} is drawn on ${role.lines} lines`);
    await shot(page, "entity-person");
  } finally {
    await close();
  }
});
