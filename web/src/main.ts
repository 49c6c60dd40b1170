/** The credgraph explorer: wires the search, the entity view and the four views together. */

import "./style.css";
import { gql, SEARCH, type ExposureHit, type NodeRef, type SearchHit } from "./api";
import { AlertsPanel } from "./alerts";
import { byId, h } from "./dom";
import { EntityView } from "./entity";
import { exportCsv, exportMapFile, exportPng, FILE_FORMATS, type Exportable, type FileFormat } from "./exporter";
import { label, lang, onLangChange, setLang, t, type Key } from "./i18n";
import { knownAtControl } from "./knownat";
import { mapToolbar, RelationshipMap } from "./map";
import { OwnershipChart, ownershipToolbar } from "./ownership";
import { PathFinder, type PathOptions } from "./paths";
import { QualityPage } from "./quality";
import { RiskPanel } from "./risk";
import { searchBox } from "./search";
import { state, times, todayIso } from "./state";

type Tab = "map" | "ownership" | "paths" | "risk" | "quality";
const TABS: [Tab, Key][] = [["map", "tabMap"], ["ownership", "tabOwnership"], ["paths", "tabPaths"], ["risk", "tabRisk"], ["quality", "tabQuality"]];
/** Tabs about the register as a whole: shown with no subject selected, nothing to draw. */
const REGISTER_TABS: Tab[] = ["quality"];
const FIRST_DAY = "2000-01-01";
const DAY_MS = 86_400_000;

function tx(key: Key): HTMLElement {
  return h("span", { "data-t": key }, t(key));
}

// --- layout ---------------------------------------------------------------------------

const toast = h("div", { id: "toast", role: "alert", hidden: true });
function showError(e: unknown): void {
  toast.textContent = t("error", { msg: e instanceof Error ? e.message : String(e) });
  toast.hidden = false;
  window.setTimeout(() => (toast.hidden = true), 6000);
}

const search = searchBox("search", (node) => open(node), showError);
search.setPlaceholder(t("searchPlaceholder"));

const dayCount = (iso: string) => Math.round((Date.parse(iso) - Date.parse(FIRST_DAY)) / DAY_MS);
const dayOf = (n: number) => new Date(Date.parse(FIRST_DAY) + n * DAY_MS).toISOString().slice(0, 10);
const range = h("input", { id: "asof-range", type: "range", min: 0, max: dayCount(todayIso()), step: 1, value: dayCount(state.asOf) });
const dateInput = h("input", { id: "asof-date", type: "date", min: FIRST_DAY, max: todayIso(), value: state.asOf });
range.addEventListener("input", () => (dateInput.value = dayOf(Number(range.value))));
range.addEventListener("change", () => state.setAsOf(dayOf(Number(range.value))));
dateInput.addEventListener("change", () => {
  if (!dateInput.value) return;
  range.value = String(dayCount(dateInput.value));
  state.setAsOf(dateInput.value);
});
const langButton = h("button", { id: "lang", class: "lang" }, t("language"));
const alerts = new AlertsPanel(showError);
langButton.addEventListener("click", () => setLang(lang() === "zh" ? "en" : "zh"));

const tabButtons = new Map<Tab, HTMLButtonElement>();
for (const [tab, key] of TABS) {
  const button = h("button", { class: "tab", "data-tab": tab, id: `tab-${tab}` }, tx(key));
  button.addEventListener("click", () => activate(tab));
  tabButtons.set(tab, button);
}
const status = h("span", { id: "status", class: "status" });
const setStatus = (text: string) => (status.textContent = text);

const mapBar = mapToolbar(() => reload());
const ownBar = ownershipToolbar(() => reload());
const pngButton = h("button", { id: "export-png" }, tx("exportPng"));
const csvButton = h("button", { id: "export-csv" }, tx("exportCsv"));
const fileFormat = h("select", { id: "export-format" }, FILE_FORMATS.map((f) => h("option", { value: f }, f.toUpperCase())));
const fileButton = h("button", { id: "export-file" }, tx("exportFile"));
mapBar.root.append(h("label", {}, fileFormat, fileButton));
const fitButton = h("button", { id: "fit" }, tx("fit"));

const sidebar = h("aside", { id: "sidebar", class: "sidebar" });
const mapCanvas = h("div", { id: "map-canvas", class: "canvas" });
const ownCanvas = h("div", { id: "own-canvas", class: "canvas" });
const ownSide = h("div", { id: "own-side", class: "side-panel" });
const pathCanvas = h("div", { id: "paths-canvas", class: "canvas" });
const pathList = h("ol", { id: "path-list", class: "side-panel paths" });
const exposurePanel = h("div", { id: "exposure-panel", class: "panel" });
const restrictionPanel = h("div", { id: "restriction-panel", class: "panel" });
const qualityRoot = h("div", { id: "quality-panel", class: "panel" });

const legendItem = (cls: string, key: Key) => h("li", {}, h("span", { class: `swatch ${cls}` }), tx(key));
const legend = h("ul", { class: "legend", id: "legend" },
  legendItem("enterprise", "legendEnterprise"), legendItem("person", "legendPerson"), legendItem("other", "legendOther"),
  legendItem("blacklisted", "legendBlacklist"), legendItem("restricted", "legendRestricted"), legendItem("hub", "legendHub"),
  legendItem("exposure", "legendExposure"), legendItem("suspected", "legendSuspected"));

const pathFrom = h("b", { id: "path-from" });
let pathTarget: NodeRef | null = null;
const targetBox = searchBox("path-target", (node) => (pathTarget = node), showError);
targetBox.setPlaceholder(t("pickTarget"));
const pathHops = h("select", { id: "path-hops" }, [2, 3, 4, 5, 6].map((v) => h("option", { value: v, selected: v === 4 }, String(v))));
const pathDegree = h("select", { id: "path-degree" }, [50, 200, 1000, 10000].map((v) => h("option", { value: v, selected: v === 200 }, String(v))));
const findButton = h("button", { id: "find-paths", class: "primary" }, tx("find"));

const views: Record<Tab, HTMLElement> = {
  map: h("div", { class: "view", id: "view-map" }, mapCanvas, legend),
  ownership: h("div", { class: "view split", id: "view-ownership" }, ownCanvas, ownSide),
  paths: h("div", { class: "view", id: "view-paths" },
    h("div", { class: "path-controls" },
      h("label", {}, tx("pathFrom"), pathFrom), h("label", {}, tx("pathTo"), targetBox.root),
      h("label", {}, tx("maxHopsLabel"), pathHops), h("label", {}, tx("maxDegree"), pathDegree), findButton),
    h("div", { class: "split" }, pathCanvas, pathList)),
  risk: h("div", { class: "view risk", id: "view-risk" }, exposurePanel, restrictionPanel),
  quality: h("div", { class: "view quality", id: "view-quality" }, qualityRoot),
};
const toolGroups: Partial<Record<Tab, HTMLElement>> = { map: mapBar.root, ownership: ownBar.root };

byId("app").append(
  h("header", { class: "top" },
    h("div", { class: "brand" }, h("b", {}, "credgraph"), " ", tx("brand")),
    search.root,
    h("label", { class: "asof" }, tx("asOf"), range, dateInput),
    knownAtControl(),
    alerts.root,
    langButton),
  h("main", {},
    sidebar,
    h("section", { class: "workspace" },
      h("nav", { class: "tabs" }, [...tabButtons.values()]),
      h("div", { class: "toolbar" }, ...Object.values(toolGroups), h("span", { class: "spacer" }), fitButton, pngButton, csvButton),
      h("div", { class: "statusbar" }, status),
      h("div", { class: "views" }, Object.values(views)))),
  toast,
);

// --- views ----------------------------------------------------------------------------

const entity = new EntityView(sidebar, showError);
const map = new RelationshipMap(mapCanvas, mapBar.options, setStatus, showError);
const ownership = new OwnershipChart(ownCanvas, ownSide, ownBar.options, setStatus, showError);
const paths = new PathFinder(pathCanvas, pathList, setStatus, showError);
const risk = new RiskPanel(exposurePanel, restrictionPanel, (hits: ExposureHit[]) => showExposure(hits), showError);
const quality = new QualityPage(qualityRoot, showError);
const exportables: Record<Tab, Exportable> = { map, ownership, paths, risk, quality };
// For automation (the end-to-end tests read what the canvases draw): the graph of each view.
window.credgraphGraphs = { map: map.cy, ownership: ownership.cy, paths: paths.cy };

let active: Tab = "map";
/** What each view last showed: subject and day, so a tab is redrawn only when they changed. */
const shown = new Map<Tab, string>();

function pathOptions(): PathOptions {
  return { target: pathTarget, maxHops: Number(pathHops.value), maxDegree: Number(pathDegree.value) };
}

function reload(force = true): void {
  const subject = state.selected;
  const key = `${subject?.id ?? ""}|${state.asOf}|${state.knownAt}`;
  if (!force && shown.get(active) === key) return;
  shown.set(active, key);
  setStatus("");
  if (active === "quality") return void quality.load();
  if (!subject) return;
  if (active === "map") void map.load(subject);
  else if (active === "ownership") void ownership.load(subject);
  else if (active === "paths") {
    pathFrom.textContent = subject.name;
    if (pathTarget) void paths.find(subject, pathOptions());
  } else risk.show(subject);
}

function activate(tab: Tab): void {
  active = tab;
  state.setTab(tab);
  for (const [name, button] of tabButtons) button.classList.toggle("active", name === tab);
  for (const [name, view] of Object.entries(views)) view.hidden = name !== tab;
  for (const [name, group] of Object.entries(toolGroups)) group.hidden = name !== tab;
  fitButton.hidden = pngButton.hidden = tab === "risk" || REGISTER_TABS.includes(tab);
  reload(false);
  const view = exportables[tab];
  view.graph()?.resize();
  view.fitView?.();
}

function open(node: NodeRef): void {
  state.select(node, "search");
}

function showExposure(hits: ExposureHit[]): void {
  activate("map");
  map.drawExposure(hits);
}

state.on("selected", () => {
  void entity.show(state.selected);
  if (state.selectedFrom !== "map") reload();
});
function timesChanged(): void {
  range.value = String(dayCount(state.asOf));
  dateInput.value = state.asOf;
  void entity.show(state.selected);
  shown.clear();
  reload();
}
state.on("asOf", timesChanged);
state.on("knownAt", timesChanged);

findButton.addEventListener("click", () => {
  if (!state.selected) return showError(new Error(t("noEntity")));
  if (!pathTarget) return showError(new Error(t("pickTarget")));
  pathFrom.textContent = state.selected.name;
  void paths.find(state.selected, pathOptions());
});
fitButton.addEventListener("click", () => exportables[active].graph()?.fit(undefined, 30));
pngButton.addEventListener("click", () => {
  const graph = exportables[active].graph();
  if (graph) exportPng(graph, exportables[active].name());
});
fileButton.addEventListener("click", () => {
  if (!map.subject) return showError(new Error(t("noEntity")));
  exportMapFile(fileFormat.value as FileFormat, map.subject.id, state.asOf, state.knownAt, mapBar.options()).catch(showError);
});
csvButton.addEventListener("click", () => {
  const view = exportables[active];
  const { header, rows } = view.rows();
  exportCsv(view.name(), header, rows);
});

onLangChange(() => {
  document.querySelectorAll<HTMLElement>("[data-t]").forEach((el) => (el.textContent = t(el.dataset.t as Key)));
  document.querySelectorAll<HTMLElement>("[data-label]").forEach((el) => (el.textContent = label(el.dataset.label)));
  langButton.textContent = t("language");
  search.setPlaceholder(t("searchPlaceholder"));
  targetBox.setPlaceholder(t("pickTarget"));
  void entity.show(state.selected);
  map.relabel();
  alerts.render();
  shown.clear();
  if (active !== "map") reload();
});

/** The subject the address names (`?subject=`), opened as if picked from the search. */
async function openAsked(id: string): Promise<void> {
  try {
    const { search: hits } = await gql<{ search: SearchHit[] }>(SEARCH, { text: id, first: 5, k: times().k });
    const hit = hits.find((x) => x.id === id);
    if (hit) {
      search.input.value = hit.name;
      open({ id: hit.id, name: hit.name, kind: hit.kind });
    }
    else showError(new Error(t("notFound", { id })));
  } catch (e) {
    showError(e);
  }
}

document.documentElement.lang = lang() === "zh" ? "zh-CN" : "en";
activate(TABS.find(([tab]) => tab === state.tabAsked)?.[0] ?? "map");
void entity.show(null);
if (state.subjectAsked) void openAsked(state.subjectAsked);
void alerts.refreshCount();
