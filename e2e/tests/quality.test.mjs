// The data-quality page: each source's rows, loads and conformance as the register counts
// them, a point per load on the chart, and the picked source's columns and reasons.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openExplorer, readmeShot, SCENARIO } from "../helpers.mjs";

const digits = (text) => Number(text.replace(/[^\d]/g, ""));
const rate = (value) => (value === null ? "—" : `${value.toFixed(2)}%`);

test("the data-quality page shows each source's conformance, its loads over time and its faults", async () => {
  const { page, close } = await openExplorer();
  try {
    const expected = SCENARIO.quality;
    await page.click("#tab-quality");
    await page.waitForSelector("#quality-sources tbody tr");
    assert.equal(await page.textContent("#quality-overall"), rate(expected.overall));
    const shown = await page.locator("#quality-sources tbody tr").evaluateAll((rows) => rows.map((tr) => ({
      source: tr.dataset.source, cells: [...tr.querySelectorAll("td")].map((td) => td.textContent),
    })));
    assert.deepEqual(shown.map((s) => s.source), expected.sources.map((s) => s.source));
    for (const [i, s] of expected.sources.entries()) {
      const cells = shown[i].cells;
      assert.equal(digits(cells[1]), s.loads, `${s.source} loads`);
      assert.equal(digits(cells[2]), s.rows, `${s.source} rows`);
      assert.equal(digits(cells[3]), s.refused, `${s.source} refused`);
      assert.equal(cells[5], rate(s.conformance), `${s.source} conformance`);
      const points = await page.locator(`#quality-chart circle.trend-point[data-source="${s.source}"]`).count();
      assert.equal(points, s.loads, `${s.source}: a point per load`);
    }
    assert.equal(await page.locator("#quality-chart polyline.trend-line").count(), expected.sources.filter((s) => s.loads > 1).length);

    await page.click('#quality-sources tr[data-source="SAMR-registration"]');
    await page.waitForSelector('#quality-details[data-source="SAMR-registration"]');
    const columns = await page.locator("#quality-sections tr.column-row").evaluateAll((rows) => rows.map((tr) => `${tr.dataset.section}.${tr.dataset.column}`));
    assert.ok(columns.includes("officers.role"), `the refused role shows: ${columns}`);
    assert.ok(columns.includes("shareholdings.percent"), `the refused percent shows: ${columns}`);
    assert.ok(await page.locator('#quality-reasons tr[data-kind="REFUSED"]').count() >= 3);
    await readmeShot(page, "quality");

    await page.click("#lang");
    await page.waitForFunction(() => document.querySelector(".quality-title")?.textContent === "Data quality");
    await page.click("#lang");
    await page.waitForFunction(() => document.querySelector(".quality-title")?.textContent === "数据质量");
  } finally {
    await close();
  }
});
