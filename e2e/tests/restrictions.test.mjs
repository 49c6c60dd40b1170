// The restriction check: a disqualified person's hits with rule, citation, window and posts.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openExplorer, SCENARIO, searchAndOpen, shot } from "../helpers.mjs";

test("the restriction check lists each hit with its rule, window and affected posts", async () => {
  const { page, close } = await openExplorer();
  try {
    const person = SCENARIO.restriction;
    await searchAndOpen(page, person.id, person.id);
    await page.click("#tab-risk");
    await page.click("#run-check");
    await page.waitForSelector("#verdict");
    assert.equal(await page.getAttribute("#verdict", "class"), `verdict verdict-${person.disqualified ? "disqualified" : "needsReview"}`);
    const shown = await page.locator("article.hit").evaluateAll((hits) => hits.map((h) => ({
      rule: h.querySelector(".rule-id").textContent,
      window: h.querySelector(".window").textContent,
      posts: [...h.querySelectorAll("table.affected tr")].map((tr) => tr.querySelector("td").textContent),
      citation: h.querySelector("dd").textContent,
    })));
    assert.deepEqual(shown.map((s) => s.rule).sort(), person.hits.map((h) => h.ruleId).sort());
    for (const hit of person.hits) {
      const card = shown.find((s) => s.rule === hit.ruleId && s.window.startsWith(hit.windowStart));
      assert.ok(card, `hit ${hit.ruleId} from ${hit.windowStart} is shown`);
      if (hit.windowEnd) assert.ok(card.window.endsWith(hit.windowEnd));
      assert.deepEqual([...card.posts].sort(), hit.affectedAppointments.map((a) => a.enterprise.name).sort());
      assert.ok(card.citation.length > 0);
    }
    await shot(page, "restrictions");
  } finally {
    await close();
  }
});
