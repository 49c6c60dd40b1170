// Export of the current view: the map as PNG, its rows as CSV, and as a file from the server.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { ARTIFACTS, draws, nextDraw, nodes, openExplorer, SCENARIO, searchAndOpen } from "../helpers.mjs";

test("the map exports as a PNG picture and as CSV rows with their sources", async () => {
  const { page, close } = await openExplorer();
  try {
    const subject = SCENARIO.map;
    const before = await draws(page);
    await searchAndOpen(page, subject.id, subject.id);
    const metric = await nextDraw(page, before);

    const [png] = await Promise.all([page.waitForEvent("download"), page.click("#export-png")]);
    assert.equal(png.suggestedFilename(), `map-${subject.id}.png`);
    const pngPath = join(ARTIFACTS, png.suggestedFilename());
    await png.saveAs(pngPath);
    const bytes = readFileSync(pngPath);
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.ok(bytes.length > 10_000);

    const [csv] = await Promise.all([page.waitForEvent("download"), page.click("#export-csv")]);
    const csvPath = join(ARTIFACTS, csv.suggestedFilename());
    await csv.saveAs(csvPath);
    const lines = readFileSync(csvPath, "utf-8").replace(/^\ufeff/, "").trim().split(/\r\n/);
    assert.equal(lines[0], "source_id,source_name,relation,target_id,target_name,role,percent,start,end,src_file,src_row");
    assert.equal(lines.length - 1, metric.edges, "one row per drawn link");
    assert.ok(lines.slice(1).some((line) => line.includes(subject.id) && line.includes(subject.name)));
    assert.ok(lines.slice(1).every((line) => /\.csv,\d+$/.test(line)), "every row names its source file and row");
  } finally {
    await close();
  }
});

test("the map exports as a GraphML file from the server holding the nodes on screen", async () => {
  const { page, close } = await openExplorer();
  try {
    const subject = SCENARIO.map;
    const before = await draws(page);
    await searchAndOpen(page, subject.id, subject.id);
    await nextDraw(page, before);
    const drawn = (await nodes(page, "map")).map((n) => n.id).sort();

    await page.selectOption("#export-format", "graphml");
    const [file] = await Promise.all([page.waitForEvent("download"), page.click("#export-file")]);
    assert.match(file.suggestedFilename(), new RegExp(`^credgraph-${subject.id}-\\d{4}-\\d{2}-\\d{2}\\.graphml$`));
    const path = join(ARTIFACTS, file.suggestedFilename());
    await file.saveAs(path);
    const xml = readFileSync(path, "utf-8");
    assert.match(xml, /^<\?xml[^>]*\?>\s*<graphml /);
    const kindKey = /<key id="(n\d+)" for="node" attr.name="kind"/.exec(xml)[1];
    const entity = new RegExp(`<data key="${kindKey}">(Enterprise|Person|OtherHolder)</data>`);
    const entities = [...xml.matchAll(/<node id="([^"]+)">(.*?)<\/node>/g)]
      .filter((m) => entity.test(m[2]))
      .map((m) => m[1].replace(/&quot;/g, '"').replace(/&amp;/g, "&"))
      .sort();
    assert.deepEqual(entities, drawn, "the file's enterprises, persons and holders are the map's nodes");
  } finally {
    await close();
  }
});
