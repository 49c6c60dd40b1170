// Fact history and the two times, on the feed example of docs/feeds.md (examples/feed/ loaded
// day by day; SCENARIO read off its CSV files by hand): a corrected holding's old version struck
// through with its source, dates and reason, knownAt showing what the register showed on a day,
// the disputed badge while an objection is pending, links (and reloads) that reproduce the view,
// and every request of the page carrying the knownAt chosen.
import assert from "node:assert/strict";
import { test } from "node:test";
import { openExplorer, SCENARIO, searchAndOpen, shot } from "../helpers.mjs";

const SHAREHOLDERS = '#sidebar section[data-section="shareholders"]';
const ENTRIES = '#sidebar section[data-section="listEntries"]';

/** The rows of an entity-view section, sorted: [first cell, second cell] of each fact. */
function rowsOf(section) {
  return [...document.querySelectorAll(`${section} tr.fact`)].map((tr) => [tr.cells[0].textContent, tr.cells[1].textContent]).sort();
}

/** Waits until the section shows these rows; fails naming what it shows instead. */
async function untilRows(page, section, expected) {
  const want = [...expected].sort();
  try {
    await page.waitForFunction(([s, w]) => JSON.stringify([...document.querySelectorAll(`${s} tr.fact`)]
      .map((tr) => [tr.cells[0].textContent, tr.cells[1].textContent]).sort()) === JSON.stringify(w), [section, want], { timeout: 30_000 });
  } catch {
    assert.deepEqual(await page.evaluate(rowsOf, section), want);
  }
}

/** The registration facts as { label: value }. */
function registration(page) {
  return page.evaluate(() => {
    const dl = document.querySelector("#sidebar .facts");
    return Object.fromEntries([...dl.querySelectorAll("dt")].map((dt) => [dt.textContent, dt.nextElementSibling.textContent]));
  });
}

function versionsIn(page, section) {
  return page.locator(`${section} li.version`).evaluateAll((lis) => lis.map((li) => {
    const values = li.querySelector(".version-values");
    return {
      state: li.className,
      label: li.querySelector(".version-state").textContent,
      struck: li.querySelector("del")?.textContent ?? null,
      values: values?.textContent ?? null,
      line: values ? getComputedStyle(values).textDecorationLine : null,
      meta: li.querySelector(".version-meta").textContent,
    };
  }));
}

test("corrections struck through, knownAt, the disputed badge and links that reproduce the view", async () => {
  const { page, close } = await openExplorer();
  // Every GraphQL request, to check that each carries the times chosen (`$k` / `$d`).
  const sent = [];
  page.on("request", (r) => {
    if (r.method() === "POST" && new URL(r.url()).pathname.endsWith("/graphql")) sent.push(r.postDataJSON());
  });
  // The caller's watchlist and alerts are user data, not register facts: no times to ask at.
  const USER_DATA = new Set(["Watched", "Unread", "Alerts"]);
  const expectTimes = (knownAt) => {
    const batch = sent.splice(0).filter(({ query }) => !USER_DATA.has(/query (\w+)/.exec(query)?.[1]) && !query.startsWith("mutation"));
    assert.ok(batch.length > 0, "the page sent requests");
    for (const { query, variables } of batch) {
      const name = /query (\w+)/.exec(query)?.[1];
      assert.match(query, /knownAt: \$k/, `${name} asks with knownAt`);
      assert.equal(variables.k ?? null, knownAt, `${name} is sent knownAt ${knownAt}`);
      if (/\$d: Date/.test(query)) assert.equal(variables.d, SCENARIO.day, `${name} is sent asOf ${SCENARIO.day}`);
    }
  };
  const { enterprise, holding, withdrawn, listed, authority } = SCENARIO;
  try {
    // Now: the holding corrected to 70%, the withdrawn shareholder gone; the history collapsed.
    await searchAndOpen(page, enterprise.id, enterprise.id);
    await untilRows(page, SHAREHOLDERS, [[holding.holder, `${holding.after}%`]]);
    const toggle = page.locator(`${SHAREHOLDERS} button.history-toggle`);
    assert.equal(await toggle.count(), 1, "one fact of the section has a history");
    assert.equal(await toggle.textContent(), "历史（2 个版本）");
    assert.equal(await toggle.getAttribute("aria-expanded"), "false");
    assert.equal(await page.locator(`${SHAREHOLDERS} li.version`).count(), 0, "collapsed by default");
    // Opened from the keyboard.
    await toggle.focus();
    await page.keyboard.press("Enter");
    await page.locator(`${SHAREHOLDERS} li.version`).first().waitFor();
    assert.equal(await toggle.getAttribute("aria-expanded"), "true");
    const [before, after, ...more] = await versionsIn(page, SHAREHOLDERS);
    assert.deepEqual(more, []);
    assert.equal(before.state, "version corrected");
    assert.equal(before.label, "已更正", "the state is written out beside the struck text");
    assert.equal(before.struck, `持股比例 ${holding.before}%`);
    assert.equal(before.line, "line-through");
    // The correction's reason (its row's op_reason) stands beside the value it struck out.
    for (const part of [holding.source, `记录于 ${holding.recorded}`, `撤下于 ${holding.corrected}`, `原因：${holding.reason}`]) assert.ok(before.meta.includes(part), `old version: ${part} in ${before.meta}`);
    assert.equal(after.state, "version current");
    assert.equal(after.label, "现行");
    assert.equal(after.struck, null);
    assert.equal(after.values, `持股比例 ${holding.after}%`);
    assert.equal(after.line, "none");
    for (const part of [holding.source, `记录于 ${holding.corrected}`, holding.row]) assert.ok(after.meta.includes(part), `current version: ${part} in ${after.meta}`);
    for (const part of ["撤下于", "原因"]) assert.ok(!after.meta.includes(part), `not in ${after.meta}: ${part}`);
    // The move to Shanghai on 4 March, as of 5 March.
    const moved = await registration(page);
    assert.equal(moved["登记机关"], authority.after);
    assert.equal(moved["登记机关沿革"], `${authority.before} → ${authority.moved} 迁出 ${authority.after}`);
    await shot(page, "history");
    await page.keyboard.press("Enter");
    assert.equal(await toggle.getAttribute("aria-expanded"), "false");
    assert.ok(await page.locator(`${SHAREHOLDERS} .history`).isHidden(), "closed again");
    expectTimes(null);

    // As the register showed it on 1 March: 50% and the 10% withdrawn later, nothing struck.
    await page.fill("#knownat-date", "2026-03-01");
    await untilRows(page, SHAREHOLDERS, [[holding.holder, `${holding.before}%`], [withdrawn.holder, `${withdrawn.percent}%`]]);
    assert.equal(await page.locator("#sidebar del").count(), 0, "no version struck through");
    assert.equal(await page.locator("#sidebar .history-toggle").count(), 0, "one version of each fact known then");
    const first = await registration(page);
    assert.equal(first["登记机关"], authority.before, "the move was not recorded yet");
    assert.equal(first["登记机关沿革"], undefined);
    assert.match(page.url(), /[?&]knownAt=2026-03-01(&|$)/);
    // Reloading the address keeps the knownAt, and with it what the register showed then.
    await page.reload();
    await page.waitForSelector("#tab-map.active");
    assert.equal(await page.inputValue("#knownat-date"), "2026-03-01");
    assert.equal(await page.inputValue("#asof-date"), SCENARIO.day);
    await untilRows(page, SHAREHOLDERS, [[holding.holder, `${holding.before}%`], [withdrawn.holder, `${withdrawn.percent}%`]]);
    assert.equal(await page.textContent("#entity-name"), enterprise.name);
    assert.equal((await registration(page))["登记机关"], authority.before);
    await page.click("#tab-ownership");
    await page.waitForFunction((names) => names.every((n) => window.credgraphGraphs.ownership.nodes().some((x) => x.data("name") === n)), [holding.holder, withdrawn.holder], { timeout: 30_000 });
    await shot(page, "history-knownat");
    expectTimes("2026-03-01");

    // On 4 March the court's listing of 王示三 was under objection: the badge says so.
    await page.click("#tab-map");
    await page.fill("#knownat-date", "2026-03-04");
    await searchAndOpen(page, listed.id, listed.id);
    await page.locator(`${ENTRIES} .badge-disputed`).waitFor();
    const badge = await page.locator(`${ENTRIES} .disputed-line`).textContent();
    for (const part of ["异议中", listed.objection, "待处理", `提出 ${listed.filed}`]) assert.ok(badge.includes(part), `${part} in ${badge}`);
    assert.ok(!badge.includes("处理 2026"), `not resolved yet: ${badge}`);
    assert.equal(await page.locator(`${ENTRIES} tr.fact.disputed`).count(), 1);
    await shot(page, "history-disputed");
    // The restriction check asks as the register showed it then: the post rests on a listing
    // under objection, so the hits are candidates naming the objection, not a verdict.
    const check = async () => {
      await page.click("#tab-risk");
      await page.click("#run-check");
      await page.waitForSelector("#verdict");
      const hits = await page.locator("article.hit").evaluateAll((cards) => cards.map((card) => ({
        certainty: card.className, text: card.textContent,
        posts: [...card.querySelectorAll("table.affected tr")].map((tr) => tr.querySelector("td").textContent),
      })));
      // The person's one post (officers.csv) is the one the listing bars them from.
      assert.deepEqual([...new Set(hits.flatMap((hit) => hit.posts))], [listed.post]);
      return { verdict: await page.getAttribute("#verdict", "class"), hits };
    };
    const pending = await check();
    assert.equal(pending.verdict, "verdict verdict-needsReview");
    for (const hit of pending.hits) {
      assert.equal(hit.certainty, "hit certainty-candidate");
      assert.ok(hit.text.includes(listed.objection), `the hit names the objection: ${hit.text}`);
    }
    await page.click("#tab-map");
    expectTimes("2026-03-04");

    // The address reproduces the view in a page of its own.
    const link = page.url();
    for (const part of ["asOf=2026-03-05", "knownAt=2026-03-04", `subject=${listed.id}`]) assert.ok(link.includes(part), `${part} in ${link}`);
    const again = await page.context().newPage();
    const problems = [];
    again.on("pageerror", (e) => problems.push(e.message));
    await again.goto(link);
    await again.locator(`${ENTRIES} .badge-disputed`).waitFor();
    assert.equal(await again.textContent("#entity-name"), listed.name);
    assert.equal(await again.inputValue("#asof-date"), SCENARIO.day);
    assert.equal(await again.inputValue("#knownat-date"), "2026-03-04");
    assert.equal(await again.locator(`${ENTRIES} .disputed-line`).textContent(), badge);
    await again.close();
    assert.deepEqual(problems, []);
    sent.splice(0);

    // Now: the objection was rejected on 5 March, so no badge; the history keeps it.
    await page.click("#knownat-now");
    await page.waitForFunction((s) => !document.querySelector(`${s} .badge-disputed`) && document.querySelector(`${s} .history-toggle`), ENTRIES, { timeout: 30_000 });
    assert.ok(!/[?&]knownAt=/.test(page.url()), page.url());
    const objections = page.locator(`${ENTRIES} button.history-toggle`);
    assert.equal(await objections.textContent(), "历史（1 个版本，1 项异议）");
    await objections.click();
    const kept = await page.locator(`${ENTRIES} li.objection`).textContent();
    for (const part of [listed.objection, "不成立", `提出 ${listed.filed}`, `处理 ${listed.resolved}`]) assert.ok(kept.includes(part), `${part} in ${kept}`);
    // The objection rejected, the listing stands: the same check now disqualifies.
    const decided = await check();
    assert.equal(decided.verdict, "verdict verdict-disqualified");
    for (const hit of decided.hits) {
      assert.equal(hit.certainty, "hit certainty-confirmed");
      assert.ok(!hit.text.includes(listed.objection), hit.text);
    }
    expectTimes(null);
  } finally {
    await close();
  }
});
