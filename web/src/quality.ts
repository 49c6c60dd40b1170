/** 数据质量 / Data quality: the conformance rate (数据标准执行率) of each supplying department,
its loads over time as an SVG chart, and for the department picked, the sections and columns
with refused or warned rows and the top reasons with examples (the `dataQuality` query). */

import { gql } from "./api";
import { clear, h } from "./dom";
import type { Exportable } from "./exporter";
import { lang, onLangChange } from "./i18n";

interface Example { file: string; row: number; value: string; reason: string }
interface Reason { kind: "REFUSED" | "WARNED"; column: string; reason: string; count: number; examples: Example[] }
interface Column { column: string; seen: number; filled: number; valid: number; refused: number; warned: number; conformance: number | null }
interface Section {
  section: string; files: string[]; rows: number; loaded: number; refused: number; warnings: number;
  conformance: number | null; columns: Column[]; reasons: Reason[]; unknownColumns: string[];
}
interface Load { id: string; source: string; kind: string; recordedAt: string; loadedAt: string; rows: number; refused: number; conformance: number | null }
interface Source { source: string; rows: number; loaded: number; refused: number; warnings: number; conformance: number | null; loads: Load[] }
export interface DataQuality { rows: number; loaded: number; refused: number; warnings: number; conformance: number | null; sources: Source[] }

/** The overview: every source's totals and loads. A source's sections come with `details`, one
 * source at a time (asked for every source at once, the query would cost too much). */
export const DATA_QUALITY = `query Quality { dataQuality {
  rows loaded refused warnings conformance
  sources { source rows loaded refused warnings conformance
    loads { id source kind recordedAt loadedAt rows refused conformance } } } }`;
const COLUMN = "column seen filled valid refused warned conformance";
export const SOURCE_DETAILS = `query QualitySource($name: String!) { dataQuality { source(name: $name) {
  source sections { section files rows loaded refused warnings conformance unknownColumns
    columns { ${COLUMN} }
    reasons { kind column reason count examples { file row value reason } } } } } }`;

const WORDS = {
  zh: {
    title: "数据质量", overall: "总体数据标准执行率", sources: "各来源部门", source: "来源", loads: "批次",
    rows: "行数", loaded: "入库", refused: "拒收", warnings: "警告", rate: "执行率", trend: "各批次执行率变化",
    sections: "数据项", section: "类别", column: "字段", seen: "检查", valid: "合规", warned: "警告",
    reasons: "主要问题", kind: "结果", reason: "原因", count: "次数", examples: "示例",
    REFUSED: "拒收", WARNED: "警告", row: "整行", empty: "尚无入库记录。", pick: "点击来源查看明细",
    loading: "加载中…", unknown: "未知字段",
  },
  en: {
    title: "Data quality", overall: "Overall conformance", sources: "Supplying departments", source: "Source", loads: "Loads",
    rows: "Rows", loaded: "Loaded", refused: "Refused", warnings: "Warnings", rate: "Conformance", trend: "Conformance per load",
    sections: "Sections", section: "Section", column: "Column", seen: "Seen", valid: "Valid", warned: "Warned",
    reasons: "Top reasons", kind: "Outcome", reason: "Reason", count: "Count", examples: "Examples",
    REFUSED: "Refused", WARNED: "Warned", row: "whole row", empty: "Nothing has been loaded yet.", pick: "Click a source for its details",
    loading: "Loading…", unknown: "Unknown columns",
  },
} as const;
type Word = keyof typeof WORDS.zh;
const w = (key: Word) => WORDS[lang()][key];

const COLORS = ["#1f6fd1", "#d93025", "#16a085", "#b9770e", "#8e44ad", "#55606c", "#e8a400", "#2c3e50"];
const SVG = "http://www.w3.org/2000/svg";

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, ...children: (Node | string)[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  for (const child of children) el.append(child);
  return el;
}

const rate = (value: number | null) => (value === null ? "—" : `${value.toFixed(2)}%`);
const num = (value: number) => value.toLocaleString();

/** A line per source: each load's conformance at its position in recorded order. */
export function trendChart(sources: Source[]): SVGSVGElement {
  const loads = sources.flatMap((s) => s.loads).sort((a, b) => (a.recordedAt + a.loadedAt + a.id).localeCompare(b.recordedAt + b.loadedAt + b.id));
  const width = 640, height = 240, left = 48, right = 48, top = 14, bottom = 40;
  const rates = loads.map((l) => l.conformance ?? 100);
  const low = Math.max(0, Math.floor(Math.min(90, ...rates) / 5) * 5);
  const x = (i: number) => left + (loads.length > 1 ? (i * (width - left - right)) / (loads.length - 1) : (width - left - right) / 2);
  const y = (v: number) => top + ((100 - v) * (height - top - bottom)) / (100 - low || 1);
  const chart = svg("svg", { id: "quality-chart", viewBox: `0 0 ${width} ${height}`, width, height, role: "img" });
  chart.append(svg("title", {}, w("trend")));
  for (let v = low; v <= 100; v += (100 - low) / 4) {
    chart.append(svg("line", { x1: left, x2: width - right, y1: y(v), y2: y(v), stroke: "#e3e7ec" }),
      svg("text", { x: left - 6, y: y(v) + 4, "text-anchor": "end", "font-size": 11, fill: "#6b7785" }, `${Math.round(v)}%`));
  }
  // each load at its place in recorded order, labelled with its recorded day and time (UTC)
  loads.forEach((load, i) => chart.append(svg("text", { x: x(i), y: height - bottom + 16, "text-anchor": "middle", "font-size": 10, fill: "#6b7785" }, `${load.recordedAt.slice(5, 10)} ${load.recordedAt.slice(11, 16)}`)));
  sources.forEach((source, n) => {
    const color = COLORS[n % COLORS.length];
    const points = source.loads.map((load) => ({ load, i: loads.indexOf(load) }));
    if (points.length > 1) {
      chart.append(svg("polyline", { class: "trend-line", "data-source": source.source, fill: "none", stroke: color, "stroke-width": 2,
        points: points.map(({ load, i }) => `${x(i)},${y(load.conformance ?? 100)}`).join(" ") }));
    }
    for (const { load, i } of points) {
      chart.append(svg("circle", { class: "trend-point", "data-source": source.source, "data-load": load.id, "data-rate": load.conformance ?? "", cx: x(i), cy: y(load.conformance ?? 100), r: 4, fill: color },
        svg("title", {}, `${source.source} · ${load.recordedAt} · ${rate(load.conformance)} (${num(load.rows)} ${w("rows")}, ${num(load.refused)} ${w("refused")})`)));
    }
    chart.append(svg("text", { x: left + 8 + (n % 3) * 190, y: height - 6 - Math.floor(n / 3) * 0, "font-size": 11, fill: color }, `● ${source.source}`));
  });
  return chart;
}

export class QualityPage implements Exportable {
  private report: DataQuality | null = null;
  private picked: string | null = null;
  /** The picked source's sections, once fetched. */
  private sections: { source: string; sections: Section[] } | null = null;

  constructor(private readonly root: HTMLElement, private readonly onError: (e: unknown) => void) {
    onLangChange(() => this.render());
  }

  name(): string {
    return "data-quality";
  }

  graph(): null {
    return null;
  }

  rows(): { header: string[]; rows: unknown[][] } {
    const rows: unknown[][] = [];
    for (const s of this.report?.sources ?? []) {
      rows.push([s.source, "", "", s.rows, s.loaded, s.refused, s.warnings, s.conformance ?? ""]);
      if (this.sections?.source !== s.source) continue;
      for (const section of this.sections.sections) {
        rows.push([s.source, section.section, "", section.rows, section.loaded, section.refused, section.warnings, section.conformance ?? ""]);
        for (const c of section.columns) rows.push([s.source, section.section, c.column, c.seen, c.valid, c.refused, c.warned, c.conformance ?? ""]);
      }
    }
    return { header: ["source", "section", "column", "rows_or_seen", "loaded_or_valid", "refused", "warnings", "conformance_percent"], rows };
  }

  /** Fetch the report (again) and show it. */
  async load(): Promise<void> {
    clear(this.root);
    this.root.append(h("p", { class: "muted" }, w("loading")));
    try {
      this.report = (await gql<{ dataQuality: DataQuality }>(DATA_QUALITY, {})).dataQuality;
    } catch (e) {
      clear(this.root);
      this.onError(e);
      return;
    }
    if (this.picked === null || !this.report.sources.some((s) => s.source === this.picked)) {
      this.picked = this.report.sources.reduce<Source | null>((worst, s) => (worst === null || (s.conformance ?? 100) < (worst.conformance ?? 100) ? s : worst), null)?.source ?? null;
    }
    this.sections = null;
    this.render();
    await this.pick(this.picked);
  }

  /** Show a source's sections, columns and reasons (fetched for it alone). */
  private async pick(source: string | null): Promise<void> {
    this.picked = source;
    this.render();
    if (source === null) return;
    try {
      const found = (await gql<{ dataQuality: { source: { source: string; sections: Section[] } | null } }>(SOURCE_DETAILS, { name: source })).dataQuality.source;
      if (found && this.picked === source) {
        this.sections = found;
        this.render();
      }
    } catch (e) {
      this.onError(e);
    }
  }

  private render(): void {
    const report = this.report;
    if (!report) return;
    clear(this.root);
    this.root.append(h("h2", { class: "quality-title" }, w("title")));
    if (!report.sources.length) {
      this.root.append(h("p", { class: "muted", id: "quality-empty" }, w("empty")));
      return;
    }
    this.root.append(
      h("p", { class: "quality-overall" }, `${w("overall")}: `, h("b", { id: "quality-overall" }, rate(report.conformance)),
        h("span", { class: "muted" }, ` · ${num(report.rows)} ${w("rows")} · ${num(report.refused)} ${w("refused")} · ${num(report.warnings)} ${w("warnings")}`)),
      h("div", { class: "quality-top" },
        h("section", { class: "quality-sources" }, h("h3", {}, w("sources"), h("span", { class: "muted" }, ` · ${w("pick")}`)), this.sourceTable(report)),
        h("section", { class: "quality-trend" }, h("h3", {}, w("trend")), trendChart(report.sources))),
    );
    if (this.sections && this.sections.source === this.picked) this.root.append(this.details(this.sections.source, this.sections.sections));
  }

  private sourceTable(report: DataQuality): HTMLTableElement {
    const head = [w("source"), w("loads"), w("rows"), w("refused"), w("warnings"), w("rate")];
    return h("table", { class: "hits", id: "quality-sources" },
      h("thead", {}, h("tr", {}, head.map((c) => h("th", {}, c)))),
      h("tbody", {}, report.sources.map((s) => {
        const tr = h("tr", { "data-source": s.source, class: s.source === this.picked ? "picked" : "" },
          h("td", {}, h("a", { class: "node-link", href: "#" }, s.source)),
          h("td", { class: "num" }, String(s.loads.length)), h("td", { class: "num" }, num(s.rows)),
          h("td", { class: "num" }, num(s.refused)), h("td", { class: "num" }, num(s.warnings)),
          h("td", { class: "num rate" }, h("span", { class: "bar", style: `width:${Math.max(2, s.conformance ?? 0)}%` }), h("span", { class: "rate-text" }, rate(s.conformance))));
        tr.addEventListener("click", (event) => {
          event.preventDefault();
          void this.pick(s.source);
        });
        return tr;
      })));
  }

  private details(source: string, sourceSections: Section[]): HTMLElement {
    const sections = h("table", { class: "hits", id: "quality-sections" },
      h("thead", {}, h("tr", {}, [w("section"), w("column"), w("seen"), w("valid"), w("refused"), w("warned"), w("rate")].map((c) => h("th", {}, c)))),
      h("tbody", {}, sourceSections.flatMap((s) => [
        h("tr", { class: "section-row", "data-section": s.section },
          h("td", {}, h("b", {}, s.section), h("div", { class: "src" }, s.files.join(", ")),
            s.unknownColumns.length ? h("div", { class: "muted" }, `${w("unknown")}: ${s.unknownColumns.join(", ")}`) : null), h("td", {}),
          h("td", { class: "num" }, num(s.rows)), h("td", { class: "num" }, num(s.loaded)), h("td", { class: "num" }, num(s.refused)),
          h("td", { class: "num" }, num(s.warnings)), h("td", { class: "num" }, rate(s.conformance))),
        ...s.columns.filter((c) => c.refused || c.warned).map((c) =>
          h("tr", { class: "column-row", "data-section": s.section, "data-column": c.column },
            h("td", {}), h("td", {}, c.column || w("row")), h("td", { class: "num" }, num(c.seen)), h("td", { class: "num" }, num(c.valid)),
            h("td", { class: "num" }, num(c.refused)), h("td", { class: "num" }, num(c.warned)), h("td", { class: "num" }, rate(c.conformance)))),
      ])));
    const reasons = sourceSections.flatMap((s) => s.reasons.map((r) => ({ section: s.section, ...r }))).sort((a, b) => b.count - a.count).slice(0, 12);
    return h("section", { class: "quality-details", id: "quality-details", "data-source": source },
      h("h3", {}, `${source} · ${w("sections")}`), sections,
      h("h3", {}, w("reasons")),
      h("table", { class: "hits", id: "quality-reasons" },
        h("thead", {}, h("tr", {}, [w("section"), w("column"), w("kind"), w("reason"), w("count"), w("examples")].map((c) => h("th", {}, c)))),
        h("tbody", {}, reasons.map((r) => h("tr", { "data-kind": r.kind },
          h("td", {}, r.section), h("td", {}, r.column || w("row")), h("td", { class: `outcome-${r.kind}` }, w(r.kind)), h("td", {}, r.reason),
          h("td", { class: "num" }, num(r.count)),
          h("td", { class: "src" }, r.examples.map((e) => `${e.file}:${e.row} ${e.value}`).join("; ")))))));
  }
}
