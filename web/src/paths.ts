/** The path finder (找关系): the shortest paths between two subjects and the facts on each step. */

import type { Core, ElementDefinition } from "cytoscape";
import { gql, PATHS, type NodeRef, type Path, type Step } from "./api";
import { clear, h } from "./dom";
import type { Exportable } from "./exporter";
import { pct, pctCell, source, span } from "./format";
import { LABEL_PX, makeGraph, nodeClasses, readableFit, shortName } from "./graphstyle";
import { label, t } from "./i18n";
import { edgeId } from "./map";
import { state, times } from "./state";

function stepFact(s: Step): string {
  const what = s.relation === "SHAREHOLDER" && s.percent !== null ? `${label(s.relation)} ${pct(s.percent)}` : s.role ? label(s.role) : label(s.relation);
  return what;
}

export interface PathOptions {
  target: NodeRef | null;
  maxHops: number;
  maxDegree: number;
}

export class PathFinder implements Exportable {
  readonly cy: Core;
  private paths: Path[] = [];
  private from: NodeRef | null = null;

  constructor(
    container: HTMLElement,
    private readonly list: HTMLElement,
    private readonly onStatus: (text: string) => void,
    private readonly onError: (e: unknown) => void,
  ) {
    this.cy = makeGraph(container);
    this.cy.on("tap", "node", (event) => {
      const node = event.target;
      state.select({ id: node.id(), name: node.data("name"), kind: node.data("kind") }, "map");
    });
  }

  name(): string {
    return `paths-${this.from?.id ?? "none"}`;
  }

  graph(): Core {
    return this.cy;
  }

  rows(): { header: string[]; rows: unknown[][] } {
    return {
      header: ["path", "step", "from_id", "from_name", "relation", "to_id", "to_name", "role", "percent", "start", "end", "src_file", "src_row"],
      rows: this.paths.flatMap((p, i) =>
        p.steps.map((s, j) => [i + 1, j + 1, s.from.id, s.from.name, s.relation, s.to.id, s.to.name, s.role ?? "", pctCell(s.percent), s.start ?? "", s.end ?? "", s.provenance?.srcFile ?? "", s.provenance?.srcRow ?? ""]),
      ),
    };
  }

  async find(from: NodeRef, opts: PathOptions): Promise<void> {
    this.from = from;
    if (!opts.target) return;
    this.onStatus(t("loading"));
    try {
      const answer = await gql<{ paths: Path[] }>(PATHS, { a: from.id, b: opts.target.id, hops: opts.maxHops, first: 10, deg: opts.maxDegree, ...times() });
      this.paths = answer.paths;
    } catch (e) {
      this.onStatus("");
      this.onError(e);
      return;
    }
    this.onStatus(t("pathsFound", { n: this.paths.length }));
    this.draw(from, opts.target);
  }

  fitView(): void {
    readableFit(this.cy, LABEL_PX, this.from?.id ?? null, 40);
  }

  private draw(from: NodeRef, to: NodeRef): void {
    const cy = this.cy;
    cy.elements().remove();
    clear(this.list);
    if (!this.paths.length) {
      this.list.append(h("p", { class: "muted", id: "no-paths" }, t("noPaths")));
      return;
    }
    const elements = new Map<string, ElementDefinition>();
    for (const path of this.paths) {
      for (const s of path.steps) {
        for (const n of [s.from, s.to]) {
          if (!elements.has(n.id)) {
            const classes = nodeClasses(n.kind);
            if (n.id === from.id || n.id === to.id) classes.push("origin");
            elements.set(n.id, { data: { id: n.id, name: n.name, kind: n.kind, label: shortName(n.name) }, classes });
          }
        }
        const id = edgeId(s.relation, s.key);
        const [source_, target] = s.forward ? [s.from.id, s.to.id] : [s.to.id, s.from.id];
        elements.set(id, { data: { id, source: source_, target, label: stepFact(s) }, classes: [s.relation] });
      }
    }
    cy.add([...elements.values()]);
    cy.layout({ name: "breadthfirst", roots: [from.id], directed: false, spacingFactor: 1.1, circle: false, grid: false, transform: (_node, pos) => ({ x: pos.y * 1.6, y: pos.x * 0.8 }) } as cytoscape.LayoutOptions).run();
    this.fitView();
    this.paths.forEach((path, i) => {
      const item = h(
        "li",
        { class: "path", "data-path": i + 1 },
        h("h4", {}, t("pathN", { n: i + 1, len: path.length })),
        h(
          "ol",
          { class: "steps" },
          path.steps.map((s) =>
            h(
              "li",
              { class: "step" },
              h("span", { class: "step-node" }, s.from.name),
              h("span", { class: `step-rel rel-${s.relation}` }, `${s.forward ? "→" : "←"} ${stepFact(s)} ${s.forward ? "→" : "←"}`),
              h("span", { class: "step-node" }, s.to.name),
              h("span", { class: "step-meta" }, [span(s.start, s.end), source(s.provenance)].filter(Boolean).join(" · ")),
            ),
          ),
        ),
      );
      item.addEventListener("mouseenter", () => this.focus(path));
      item.addEventListener("mouseleave", () => cy.elements().removeClass("faded"));
      this.list.append(item);
    });
  }

  private focus(path: Path): void {
    const keep = new Set(path.steps.flatMap((s) => [s.from.id, s.to.id, edgeId(s.relation, s.key)]));
    this.cy.elements().forEach((el) => {
      el.toggleClass("faded", !keep.has(el.id()));
    });
  }
}
