/** The ownership chart (股权穿透图): owners above, investments below, percents on the holdings,
effective percents on the nodes, cycles in red, ultimate owners over the threshold in gold. */

import cytoscape from "cytoscape";
import dagre from "cytoscape-dagre";
import type { Core, ElementDefinition } from "cytoscape";
import { gql, OWNERSHIP, type NodeRef, type OwnershipChain, type UltimateOwner } from "./api";
import { clear, h } from "./dom";
import type { Exportable } from "./exporter";
import { pct, source } from "./format";
import { FONT, makeGraph, nodeClasses, shortName } from "./graphstyle";
import { label, t } from "./i18n";
import { state } from "./state";

cytoscape.use(dagre);

type Edge = OwnershipChain["edges"][number];

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
  private effective = new Map<string, { name: string; percent: number | null; direction: "UP" | "DOWN" }>();
  private ticket = 0;

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
      .style({ shape: "round-rectangle", width: "data(w)", height: 44, "font-size": 13, "text-valign": "center", "text-margin-y": 0, "text-max-width": "data(w)", "text-background-opacity": 0, "font-family": FONT })
      .selector("edge")
      .style({ "curve-style": "taxi", "taxi-direction": "downward", "font-size": 11, "font-weight": "bold", label: "", "source-label": "data(label)", "source-text-offset": 18, "source-text-margin-y": 2 })
      .update();
    this.cy.on("tap", "node", (event) => {
      const node = event.target;
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
        ...[...this.effective.entries()].map(([id, e]) => [`node ${e.direction}`, id, e.name, "", "", "", e.percent, "", "", "", ""]),
        ...this.edges.map((e) => ["holding", e.from.id, e.from.name, e.to.id, e.to.name, e.percent ?? "", "", e.start ?? "", e.end ?? "", e.provenance?.srcFile ?? "", e.provenance?.srcRow ?? ""]),
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
      answer = await gql(OWNERSHIP, { id: subject.id, depth: opts.depth, threshold: opts.threshold, d: state.asOf });
    } catch (e) {
      this.onStatus("");
      this.onError(e);
      return;
    }
    if (ticket !== this.ticket) return;
    this.draw(answer.up, answer.down, answer.ultimateOwners);
  }

  private draw(up: OwnershipChain, down: OwnershipChain, owners: UltimateOwner[]): void {
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
    const elements: ElementDefinition[] = [];
    for (const node of nodes.values()) {
      const eff = this.effective.get(node.id);
      const name = shortName(node.name, 18);
      const line = node.id === root.id ? "" : `${t("effective")} ${pct(eff?.percent)}`;
      const classes = ["box", ...nodeClasses(node.kind)];
      if (node.id === root.id) classes.push("origin");
      if (ultimate.has(node.id)) classes.push("ultimate");
      elements.push({
        data: { id: node.id, name: node.name, kind: node.kind, label: line ? `${name}\n${line}` : name, w: Math.max(100, Math.min(260, name.length * 14 + 20)) },
        classes,
      });
    }
    this.edges.forEach((e, i) => {
      elements.push({
        data: { id: `own:${e.key}`, source: e.from.id, target: e.to.id, label: pct(e.percent), percent: e.percent },
        classes: ["SHAREHOLDER", ...(cycles.has(i) ? ["cycle"] : [])],
      });
    });
    this.cy.add(elements);
    this.cy.layout({ name: "dagre", rankDir: "TB", nodeSep: 24, rankSep: 55, edgeSep: 10 } as cytoscape.LayoutOptions).run();
    this.cy.fit(undefined, 30);
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
      h("h3", {}, t("owners")),
      h("ul", { class: "holdings" }, up.edges.map((e) =>
        h("li", {}, h("b", {}, e.from.name), ` ${pct(e.percent)} → ${e.to.name} `, h("span", { class: "src" }, source(e.provenance))))),
    );
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
