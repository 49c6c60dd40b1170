/** The ownership chart (股权穿透图): owners above, investments below, percents on the holdings,
effective percents on the nodes, cycles in red, ultimate owners over the threshold in gold.

A level wider than the canvas can show with readable labels keeps its most significant members
and folds the rest into one "+N" node (as the map does for hubs); a click on it shows more. */

import cytoscape from "cytoscape";
import dagre from "cytoscape-dagre";
import type { Core, ElementDefinition } from "cytoscape";
import { gql, OWNERSHIP, type NodeRef, type OwnershipChain, type UltimateOwner } from "./api";
import { clear, h } from "./dom";
import type { Exportable } from "./exporter";
import { pct, pctCell, source } from "./format";
import { FONT, makeGraph, nodeClasses, READABLE_PX, readableFit, shortName } from "./graphstyle";
import { label, t } from "./i18n";
import { state, times } from "./state";

cytoscape.use(dagre);

type Edge = OwnershipChain["edges"][number];
type Direction = "UP" | "DOWN";

/** On-screen size of the chart's text at the first view: never less than READABLE_PX. */
const FONT_PX = 13;
const READABLE_ZOOM = READABLE_PX / FONT_PX;
const BOX_W = 150;
const NODE_SEP = 18;
const PADDING = 30;
/** Characters of a name per line in a box (CJK characters at FONT_PX fit BOX_W). */
const LINE_CHARS = 10;

/** How many members a level may show at once on a canvas this wide (one slot is the "+N"). */
export function levelWidth(canvasPx: number): number {
  const fits = Math.floor((canvasPx / READABLE_ZOOM - 2 * PADDING + NODE_SEP) / (BOX_W + NODE_SEP));
  return Math.max(2, Math.min(12, Number.isFinite(fits) && canvasPx > 0 ? fits : 5));
}

export interface Fold {
  /** The nodes drawn, the root among them. */
  shown: Set<string>;
  /** Per folded level, the members not drawn and the drawn nodes they hang from. */
  folded: { key: string; direction: Direction; depth: number; members: string[]; parents: string[] }[];
}

/** Which nodes of each direction's chain are drawn: level by level from the root, the members
reached through drawn nodes, the most significant first (ultimate owners, then the larger
effective percent, then the name); a level with more than `slots` members shows `slots - 1`
of them (times the pages asked for) and folds the rest. */
export function foldLevels(
  rootId: string,
  chains: { direction: Direction; chain: OwnershipChain }[],
  slots: number,
  pages: Map<string, number>,
  ultimate: Set<string>,
): Fold {
  const shown = new Set<string>([rootId]);
  const folded: Fold["folded"] = [];
  for (const { direction, chain } of chains) {
    const entries = new Map(chain.entries.map((e) => [e.node.id, e]));
    // The end of a holding nearer the root, and the one further away.
    const near = (e: Edge) => (direction === "UP" ? e.to.id : e.from.id);
    const far = (e: Edge) => (direction === "UP" ? e.from.id : e.to.id);
    const maxDepth = Math.max(0, ...chain.entries.map((e) => e.depth));
    for (let depth = 1; depth <= maxDepth; depth += 1) {
      const parents = new Map<string, Set<string>>();
      for (const e of chain.edges) {
        const member = far(e);
        if (entries.get(member)?.depth !== depth || !shown.has(near(e))) continue;
        parents.set(member, (parents.get(member) ?? new Set()).add(near(e)));
      }
      const members = [...parents.keys()].filter((id) => !shown.has(id));
      const rank = (id: string) => [ultimate.has(id) ? 0 : 1, -(entries.get(id)?.effectivePercent ?? -1), entries.get(id)?.node.name ?? id] as const;
      members.sort((a, b) => {
        const [x, y] = [rank(a), rank(b)];
        return x[0] - y[0] || x[1] - y[1] || x[2].localeCompare(y[2]);
      });
      const key = `${direction}:${depth}`;
      const room = (slots - 1) * (pages.get(key) ?? 1);
      const visible = members.length <= room + 1 ? members : members.slice(0, room);
      for (const id of visible) shown.add(id);
      const hidden = members.slice(visible.length);
      if (hidden.length) {
        const from = new Set(hidden.flatMap((id) => [...parents.get(id)!]));
        folded.push({ key, direction, depth, members: hidden, parents: [...from] });
      }
    }
  }
  return { shown, folded };
}

/** A name in lines of LINE_CHARS characters (at most two), for a box BOX_W wide. */
function boxName(name: string): string[] {
  const short = shortName(name, 2 * LINE_CHARS);
  return short.length <= LINE_CHARS ? [short] : [short.slice(0, LINE_CHARS), short.slice(LINE_CHARS)];
}

/** Holdings that lie on a cycle: both ends in one strongly connected component (Tarjan). */
export function cycleEdges(edges: { from: string; to: string }[]): Set<number> {
  const next = new Map<string, string[]>();
  for (const e of edges) if (e.from !== e.to) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const component = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  let counter = 0;
  let components = 0;
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.set(w, components);
      } while (w !== v);
      components += 1;
    }
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  const result = new Set<number>();
  edges.forEach((e, i) => {
    if (e.from !== e.to && component.get(e.from) !== undefined && component.get(e.from) === component.get(e.to)) result.add(i);
  });
  return result;
}

export interface OwnershipOptions {
  depth: number;
  threshold: number;
}

export class OwnershipChart implements Exportable {
  readonly cy: Core;
  subject: NodeRef | null = null;
  private edges: Edge[] = [];
  private effective = new Map<string, { name: string; percent: number | null; direction: Direction }>();
  private ticket = 0;
  /** The last answer, redrawn when a "+N" node asks for another page of its level. */
  private answer: { up: OwnershipChain; down: OwnershipChain; owners: UltimateOwner[] } | null = null;
  private pages = new Map<string, number>();

  constructor(
    container: HTMLElement,
    private readonly side: HTMLElement,
    private readonly options: () => OwnershipOptions,
    private readonly onStatus: (text: string) => void,
    private readonly onError: (e: unknown) => void,
  ) {
    this.cy = makeGraph(container);
    this.cy
      .style()
      .selector("node.box")
      .style({ shape: "round-rectangle", width: BOX_W, height: "data(h)", "font-size": FONT_PX, "min-zoomed-font-size": 0, "text-valign": "center", "text-margin-y": 0, "text-max-width": `${BOX_W}px`, "text-background-opacity": 0, "font-family": FONT })
      .selector("node.more")
      .style({ "background-color": "#f5f7fa", "border-color": "#7b8794", "border-style": "dashed", "font-weight": "bold" })
      .selector("edge")
      .style({ "curve-style": "taxi", "taxi-direction": "downward", "font-size": FONT_PX, "min-zoomed-font-size": 0, "font-weight": "bold", label: "", "source-label": "data(label)", "source-text-offset": 20, "source-text-margin-y": 2 })
      // Investments share their source (the root): their percents sit at the other end.
      .selector("edge.down")
      .style({ "taxi-turn": 16, "source-label": "", "target-label": "data(label)", "target-text-offset": 24 })
      .selector("edge.more")
      .style({ "line-style": "dashed", "line-color": "#9aa5b1", "target-arrow-color": "#9aa5b1" })
      .update();
    this.cy.on("tap", "node", (event) => {
      const node = event.target;
      if (node.hasClass("more")) {
        this.pages.set(node.data("key"), (this.pages.get(node.data("key")) ?? 1) + 1);
        this.redraw(node.data("key"));
        return;
      }
      state.select({ id: node.id(), name: node.data("name"), kind: node.data("kind") }, "map");
    });
  }

  name(): string {
    return `ownership-${this.subject?.id ?? "none"}`;
  }

  graph(): Core {
    return this.cy;
  }

  rows(): { header: string[]; rows: unknown[][] } {
    return {
      header: ["row", "holder_id", "holder_name", "held_id", "held_name", "percent", "effective_percent", "start", "end", "src_file", "src_row"],
      rows: [
        ...[...this.effective.entries()].map(([id, e]) => [`node ${e.direction}`, id, e.name, "", "", "", pctCell(e.percent), "", "", "", ""]),
        ...this.edges.map((e) => ["holding", e.from.id, e.from.name, e.to.id, e.to.name, pctCell(e.percent), "", e.start ?? "", e.end ?? "", e.provenance?.srcFile ?? "", e.provenance?.srcRow ?? ""]),
      ],
    };
  }

  async load(subject: NodeRef): Promise<void> {
    this.subject = subject;
    const ticket = ++this.ticket;
    clear(this.side);
    this.cy.elements().remove();
    if (subject.kind !== "ENTERPRISE") {
      this.edges = [];
      this.effective.clear();
      this.onStatus(t("noEnterprise"));
      return;
    }
    this.onStatus(t("loading"));
    const opts = this.options();
    let answer: { up: OwnershipChain; down: OwnershipChain; ultimateOwners: UltimateOwner[] };
    try {
      answer = await gql(OWNERSHIP, { id: subject.id, depth: opts.depth, threshold: opts.threshold, ...times() });
    } catch (e) {
      this.onStatus("");
      this.onError(e);
      return;
    }
    if (ticket !== this.ticket) return;
    this.answer = { up: answer.up, down: answer.down, owners: answer.ultimateOwners };
    this.pages.clear();
    this.draw(answer.up, answer.down, answer.ultimateOwners);
  }

  /** Draw the last answer again with another page of a folded level, and show that level. */
  private redraw(key: string): void {
    if (!this.answer) return;
    clear(this.side);
    this.cy.elements().remove();
    this.draw(this.answer.up, this.answer.down, this.answer.owners, key);
  }

  private draw(up: OwnershipChain, down: OwnershipChain, owners: UltimateOwner[], focusKey: string | null = null): void {
    const root = up.root;
    const nodes = new Map<string, NodeRef>();
    this.effective.clear();
    for (const [chain, direction] of [[down, "DOWN"], [up, "UP"]] as const) {
      for (const entry of chain.entries) {
        nodes.set(entry.node.id, entry.node);
        if (entry.node.id !== root.id || direction === "UP") {
          this.effective.set(entry.node.id, { name: entry.node.name, percent: entry.effectivePercent, direction });
        }
      }
    }
    const byKey = new Map<string, Edge>();
    for (const e of [...up.edges, ...down.edges]) byKey.set(e.key, e);
    this.edges = [...byKey.values()];
    const cycles = cycleEdges(this.edges.map((e) => ({ from: e.from.id, to: e.to.id })));
    const ultimate = new Map(owners.map((o) => [o.owner.id, o]));
    const fold = foldLevels(root.id, [{ direction: "UP", chain: up }, { direction: "DOWN", chain: down }], levelWidth(this.cy.width()), this.pages, new Set(ultimate.keys()));
    const elements: ElementDefinition[] = [];
    for (const node of nodes.values()) {
      if (!fold.shown.has(node.id)) continue;
      const eff = this.effective.get(node.id);
      const lines = boxName(node.name);
      if (node.id !== root.id) lines.push(`${t("effective")} ${pct(eff?.percent)}`);
      const classes = ["box", ...nodeClasses(node.kind)];
      if (node.id === root.id) classes.push("origin");
      if (ultimate.has(node.id)) classes.push("ultimate");
      elements.push({ data: { id: node.id, name: node.name, kind: node.kind, label: lines.join("\n"), h: lines.length * 18 + 14 }, classes });
    }
    const upKeys = new Set(up.edges.map((e) => e.key));
    this.edges.forEach((e, i) => {
      if (!fold.shown.has(e.from.id) || !fold.shown.has(e.to.id)) return;
      elements.push({
        data: { id: `own:${e.key}`, source: e.from.id, target: e.to.id, label: pct(e.percent), percent: e.percent },
        classes: ["SHAREHOLDER", ...(upKeys.has(e.key) ? [] : ["down"]), ...(cycles.has(i) ? ["cycle"] : [])],
      });
    });
    for (const f of fold.folded) {
      const id = `more:${f.key}`;
      elements.push({
        data: { id, key: f.key, members: f.members, label: `${t("hidden", { n: f.members.length })}\n${t(f.direction === "UP" ? "moreOwners" : "moreInvestments")}`, h: 50 },
        classes: ["box", "more"],
      });
      for (const parent of f.parents) {
        const [source, target] = f.direction === "UP" ? [id, parent] : [parent, id];
        elements.push({ data: { id: `${id}:${parent}`, source, target, label: "" }, classes: ["more"] });
      }
    }
    this.cy.add(elements);
    this.cy.layout({ name: "dagre", rankDir: "TB", nodeSep: NODE_SEP, rankSep: 64, edgeSep: 10 } as cytoscape.LayoutOptions).run();
    readableFit(this.cy, FONT_PX, focusKey ? `more:${focusKey}` : root.id, PADDING);
    const circular = up.circular || down.circular;
    this.onStatus(`${label("UP")} ${up.entries.length - 1} · ${label("DOWN")} ${down.entries.length - 1} · ${circular ? t("circular") : t("noCycle")}`);
    this.side.append(
      h("h3", {}, t("ultimateOwners"), h("span", { class: "count" }, String(owners.length))),
      owners.length
        ? h(
            "ol",
            { class: "owners", id: "ultimate-owners" },
            owners.map((o) =>
              h(
                "li",
                { "data-id": o.owner.id },
                h("span", { class: `kind kind-${o.owner.kind.toLowerCase()}` }, label(o.owner.kind)),
                h("b", {}, o.owner.name),
                h("span", { class: "pct" }, pct(o.effectivePercent)),
                o.circular ? h("span", { class: "flag" }, t("circular")) : null,
              ),
            ),
          )
        : h("p", { class: "muted" }, t("none")),
      h("p", { class: circular ? "warn" : "muted", id: "cycle-note" }, circular ? t("circular") : t("noCycle")),
      h("h3", {}, t("owners"), h("span", { class: "count" }, String(up.edges.length))),
      h("ul", { class: "holdings", id: "owner-holdings" }, up.edges.map((e) =>
        h("li", {}, h("b", {}, e.from.name), ` ${pct(e.percent)} → ${e.to.name} `, h("span", { class: "src" }, source(e.provenance))))),
      h("h3", {}, t("investmentsTree"), h("span", { class: "count" }, String(down.edges.length))),
      h("ul", { class: "holdings", id: "investment-holdings" }, down.edges.map((e) =>
        h("li", {}, `${e.from.name} ${pct(e.percent)} → `, h("b", {}, e.to.name), " ", h("span", { class: "src" }, source(e.provenance))))),
    );
  }

  fitView(): void {
    readableFit(this.cy, FONT_PX, this.subject?.id ?? null, PADDING);
  }
}

export function ownershipToolbar(onChange: () => void): { root: HTMLElement; options: () => OwnershipOptions } {
  const depth = h("select", { id: "own-depth" }, [2, 3, 5, 10].map((v) => h("option", { value: v, selected: v === 5 }, String(v))));
  const threshold = h("input", { id: "own-threshold", type: "number", min: 0, max: 100, step: 5, value: 25 });
  depth.addEventListener("change", onChange);
  threshold.addEventListener("change", onChange);
  const root = h(
    "div",
    { class: "toolbar-group" },
    h("label", {}, h("span", { "data-t": "maxDepth" }, t("maxDepth")), depth),
    h("label", {}, h("span", { "data-t": "threshold" }, t("threshold")), threshold),
  );
  return { root, options: () => ({ depth: Number(depth.value), threshold: Number(threshold.value) }) };
}
