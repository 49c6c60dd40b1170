// Search as you type: a trade-name fragment, a USCC and a person id.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openExplorer, SCENARIO, shot } from "../helpers.mjs";

test("search lists every name containing a fragment, and finds by USCC and person id", async () => {
  const { page, close } = await openExplorer();
  try {
    const { fragment, names } = SCENARIO.search;
    await page.type("#search", fragment, { delay: 30 });
    // On a busy machine a pause between keys outlasts the debounce and the hits of a part of
    // the fragment come first: wait for those of the whole fragment.
    await page.waitForFunction((text) => {
      const names = [...document.querySelectorAll("#search-results .hit-name")];
      return names.length > 0 && names.every((n) => (n.textContent ?? "").includes(text));
    }, fragment);
    const shown = await page.locator("#search-results .hit-name").allTextContents();
    for (const name of shown) assert.ok(name.includes(fragment), `${name} does not contain ${fragment}`);
    if (names.length <= 12) assert.deepEqual([...shown].sort(), names);
    else assert.equal(shown.length, 12);
    await shot(page, "search-fragment");

    const { id, name } = SCENARIO.ownership;
    await page.fill("#search", id);
    await page.waitForSelector(`#search-results li[data-id="${id}"]`);
    assert.equal(await page.locator("#search-results li").first().getAttribute("data-id"), id);
    assert.equal(await page.locator("#search-results li .hit-name").first().textContent(), name);

    const person = SCENARIO.restriction;
    await page.fill("#search", person.id);
    await page.waitForSelector(`#search-results li[data-id="${person.id}"]`);
    assert.equal(await page.locator("#search-results li .hit-name").first().textContent(), person.name);
    assert.equal(await page.locator("#search-results li .kind").first().textContent(), "自然人");
  } finally {
    await close();
  }
});
