/** The relationship map: a subject's neighbourhood as an interactive network.

Hubs come collapsed with a count; a tap on any node selects it and loads the
next page of its links, so a bank with thousands of mortgages opens page by page.
*/

import fcose from "cytoscape-fcose";
import cytoscape from "cytoscape";
import type { Core, ElementDefinition, NodeSingular } from "cytoscape";
import {
  gql,
  neighbourhoodQuery,
  NEIGHBOURS,
  RELATIONS,
  type ExposureHit,
  type MapEntity,
  type MapLink,
  type Neighbourhood,
  type NeighbourPage,
  type NodeRef,
  type RelationType,
  type Step,
  type SuspectedHub,
} from "./api";
import { h } from "./dom";
import type { Exportable } from "./exporter";
import { pct, pctCell } from "./format";
import { LABEL_PX, makeGraph, nodeClasses, readableFit, shortName } from "./graphstyle";
import { label, t } from "./i18n";
import type { LayoutAnswer, LayoutRequest } from "./layout.worker";
import { state, times } from "./state";

cytoscape.use(fcose);

export interface DrawMetric {
  nodes: number;
  edges: number;
  fetchMs: number;
  drawMs: number;
  totalMs: number;
}

declare global {
  interface Window {
    credgraphMetrics: { draws: DrawMetric[]; refinedMs: number[] };
    credgraphGraphs: Record<string, Core>;
  }
}
window.credgraphMetrics = { draws: [], refinedMs: [] };

const PAGE = 50;
/** Above this many nodes the force layout runs in a worker after a first draw in rings. */
const BIG = 300;

/** Fit the view to the node centres: unlike cy.fit() it measures no label of a large map. */
function fitPositions(cy: Core, padding = 40): void {
  let [x1, y1, x2, y2] = [Infinity, Infinity, -Infinity, -Infinity];
  cy.nodes().forEach((node) => {
    const { x, y } = node.position();
    [x1, y1, x2, y2] = [Math.min(x1, x), Math.min(y1, y), Math.max(x2, x), Math.max(y2, y)];
  });
  if (!Number.isFinite(x1)) return;
  const zoom = Math.min((cy.width() - 2 * padding) / (x2 - x1 || 1), (cy.height() - 2 * padding) / (y2 - y1 || 1), 1.5);
  cy.viewport({ zoom, pan: { x: cy.width() / 2 - (zoom * (x1 + x2)) / 2, y: cy.height() / 2 - (zoom * (y1 + y2)) / 2 } });
}

/** Rings by distance from the origin: an instant first placement for a large map. */
function placeInRings(defs: ElementDefinition[], nodes: MapEntity[]): void {
  const rings = new Map<number, number[]>();
  nodes.forEach((n, i) => {
    const ring = n.distance ?? 1;
    const members = rings.get(ring) ?? [];
    members.push(i);
    rings.set(ring, members);
  });
  for (const [ring, members] of rings) {
    const radius = ring * Math.max(200, members.length * 4);
    members.forEach((index, k) => {
      const angle = (2 * Math.PI * k) / members.length;
      defs[index].position = ring === 0 ? { x: 0, y: 0 } : { x: radius * Math.cos(angle), y: radius * Math.sin(angle) };
    });
  }
}

function frame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
}

export function edgeId(relation: string, key: string): string {
  return `${relation}:${key}`;
}

function edgeLabel(link: { relation: RelationType; role: string | null; percent: number | null; value?: string | null }): string {
  if (link.relation === "SUSPECTED") return link.value ?? "";
  if (link.relation === "SHAREHOLDER") return link.percent !== null ? pct(link.percent) : label("SHAREHOLDER");
  if (link.relation === "OFFICER" && link.role) return label(link.role);
  return label(link.relation);
}

export interface MapOptions {
  hops: number;
  maxNodes: number;
  hubDegree: number;
  relations: RelationType[];
  /** Also draw suspected links (shared contact details in annual reports). */
  suspected: boolean;
}

/** The map node of a contact value too widely shared to draw its links (a hub value). */
function valueHubId(hub: SuspectedHub): string {
  return `valuehub:${hub.kind}:${hub.value}`;
}

export class RelationshipMap implements Exportable {
  readonly cy: Core;
  subject: NodeRef | null = null;
  private offsets = new Map<string, number>();
  private ticket = 0;

  private readonly worker = new Worker(new URL("./layout.worker.ts", import.meta.url), { type: "module" });

  constructor(
    container: HTMLElement,
    private readonly options: () => MapOptions,
    private readonly onStatus: (text: string) => void,
    private readonly onError: (e: unknown) => void,
  ) {
    this.cy = makeGraph(container);
    this.cy.on("tap", "node", (event) => {
      const node = event.target as NodeSingular;
      if (node.hasClass("valuehub")) return;
      state.select({ id: node.id(), name: node.data("name"), kind: node.data("kind") }, "map");
      void this.expand(node.id());
    });
  }

  name(): string {
    return `map-${this.subject?.id ?? "none"}`;
  }

  graph(): Core {
    return this.cy;
  }

  rows(): { header: string[]; rows: unknown[][] } {
    const name = (id: string) => this.cy.getElementById(id).data("name") ?? "";
    return {
      header: ["source_id", "source_name", "relation", "target_id", "target_name", "role", "percent", "start", "end", "src_file", "src_row"],
      rows: this.cy.edges().map((e) => {
        const d = e.data();
        return [d.source, name(d.source), d.relation, d.target, name(d.target), d.role ?? "", pctCell(d.percent), d.start ?? "", d.end ?? "", d.srcFile ?? "", d.srcRow ?? ""];
      }),
    };
  }

  private relationArg(): RelationType[] | null {
    const chosen = this.options().relations;
    return chosen.length === RELATIONS.length ? null : chosen;
  }

  /** Draw the neighbourhood of a subject afresh. */
  async load(subject: NodeRef): Promise<void> {
    this.subject = subject;
    const ticket = ++this.ticket;
    const opts = this.options();
    this.onStatus(t("loading"));
    const started = performance.now();
    let answer: Neighbourhood;
    try {
      answer = (
        await gql<{ neighbourhood: Neighbourhood }>(neighbourhoodQuery(opts.suspected), {
          id: subject.id, hops: opts.hops, rel: this.relationArg(), max: opts.maxNodes, hub: opts.hubDegree, ...times(),
          sus: opts.suspected,
        })
      ).neighbourhood;
    } catch (e) {
      this.onStatus("");
      this.onError(e);
      return;
    }
    if (ticket !== this.ticket) return;
    this.offsets.clear();
    if (answer.origin.hub) {
      // A hub is never expanded by the walk: its first page of links is drawn with it.
      const first = await this.page(answer.origin.id, 0);
      if (!first || ticket !== this.ticket) return;
      const known = new Set(answer.nodes.map((n) => n.id));
      answer = { ...answer, nodes: [...answer.nodes, ...first.nodes.filter((n) => !known.has(n.id))], links: [...answer.links, ...first.links] };
    }
    const fetched = performance.now();
    const cy = this.cy;
    const big = answer.nodes.length > BIG;
    const nodeDefs = answer.nodes.map((n) => this.nodeDef(n, n.id === answer.origin.id));
    const edgeDefs = answer.links.map((l) => this.edgeDef(l));
    if (big) placeInRings(nodeDefs, answer.nodes);
    for (const hub of answer.suspectedHubs ?? []) {
      nodeDefs.push(this.valueHubDef(hub));
      edgeDefs.push(...hub.enterprises.map((e) => this.valueHubEdgeDef(hub, e)));
    }
    cy.startBatch();
    cy.elements().remove();
    cy.add([...nodeDefs, ...edgeDefs]);
    // Large maps draw straight edges without arrows or labels: the first paint is what costs.
    cy.style()
      .selector("edge")
      .style(big ? { label: "", "curve-style": "haystack", "target-arrow-shape": "none" } : { label: "data(label)", "curve-style": "bezier", "target-arrow-shape": "triangle" })
      .selector("edge.SUSPECTED")
      .style({ "target-arrow-shape": "none", label: "data(label)" })
      .update();
    cy.endBatch();
    this.refreshBadges();
    if (!big) {
      cy.layout({ name: "fcose", quality: "default", randomize: true, animate: false, nodeDimensionsIncludeLabels: true, idealEdgeLength: 90, nodeRepulsion: 9000, packComponents: false } as cytoscape.LayoutOptions).run();
    }
    this.fitView();
    await frame();
    const done = performance.now();
    if (big) this.refine(ticket, nodeDefs, edgeDefs);
    const metric = {
      nodes: cy.nodes().length,
      edges: cy.edges().length,
      fetchMs: Math.round(fetched - started),
      drawMs: Math.round(done - fetched),
      totalMs: Math.round(done - started),
    };
    window.credgraphMetrics.draws.push(metric);
    const status = t("drawn", { nodes: metric.nodes, edges: metric.edges, ms: metric.totalMs });
    this.onStatus(answer.truncated ? `${status} · ${t("truncated")}` : status);
  }

  fitView(): void {
    if (this.cy.nodes().length > BIG) fitPositions(this.cy);
    else readableFit(this.cy, LABEL_PX, this.subject?.id ?? null);
  }

  /** Place a large map by force in the worker, then move the drawn nodes there. */
  private refine(ticket: number, nodes: ElementDefinition[], edges: ElementDefinition[]): void {
    const request: LayoutRequest = {
      ticket,
      elements: [...nodes.map((n) => ({ data: { id: n.data.id } })), ...edges.map((e) => ({ data: { id: e.data.id, source: e.data.source, target: e.data.target } }))],
      // Above 1,000 nodes the spectral placement alone (draft): the force phase would take
      // half a minute on a laptop core, for little gain at that density.
      options: { quality: nodes.length > 1000 ? "draft" : "default", randomize: true, idealEdgeLength: 45, nodeRepulsion: 4000, numIter: 800, packComponents: false },
    };
    this.worker.onmessage = (event: MessageEvent<LayoutAnswer>) => {
      if (event.data.ticket !== this.ticket) return;
      const { positions } = event.data;
      this.cy.batch(() => {
        this.cy.nodes().forEach((node) => {
          const at = positions[node.id()];
          if (at) node.position(at);
        });
      });
      fitPositions(this.cy);
      window.credgraphMetrics.refinedMs.push(Math.round(performance.now() - posted));
    };
    const posted = performance.now();
    this.worker.postMessage(request);
  }

  /** A page of a node's links from an offset; the next offset is remembered per node. */
  private async page(id: string, offset: number): Promise<NeighbourPage | null> {
    try {
      const page = (
        await gql<{ neighbours: NeighbourPage }>(NEIGHBOURS, {
          id, rel: this.relationArg(), offset, first: PAGE, hub: this.options().hubDegree, ...times(),
          sus: this.options().suspected,
        })
      ).neighbours;
      this.offsets.set(id, offset + page.links.length);
      return page;
    } catch (e) {
      this.onError(e);
      return null;
    }
  }

  /** The next page of a node's links, laid out in a ring around it. */
  async expand(id: string): Promise<void> {
    const offset = this.offsets.get(id) ?? 0;
    const node = this.cy.getElementById(id);
    if (node.empty() || (offset > 0 && offset >= node.data("degree"))) return;
    const page = await this.page(id, offset);
    if (!page) return;
    const fresh = page.nodes.filter((n) => this.cy.getElementById(n.id).empty());
    const centre = node.position();
    // Two staggered rings, so neighbouring labels do not sit on one another.
    const radius = Math.max(140, (fresh.length * 70) / (2 * Math.PI));
    this.cy.startBatch();
    fresh.forEach((n, i) => {
      const angle = (2 * Math.PI * i) / Math.max(fresh.length, 1);
      const r = i % 2 ? radius * 1.25 : radius;
      this.cy.add({ ...this.nodeDef(n, false), position: { x: centre.x + r * Math.cos(angle), y: centre.y + r * Math.sin(angle) } });
    });
    for (const link of page.links) {
      if (this.cy.getElementById(edgeId(link.relation, link.key)).empty()) this.cy.add(this.edgeDef(link));
    }
    this.cy.endBatch();
    this.refreshBadges();
    this.cy.animate({ fit: { eles: node.closedNeighborhood(), padding: 40 } }, { duration: 250 });
  }

  /** Mark exposure hits and their paths, adding what the map does not show yet. */
  drawExposure(hits: ExposureHit[]): void {
    const cy = this.cy;
    cy.elements().removeClass("exposure");
    const centre = this.subject ? cy.getElementById(this.subject.id).position() : { x: 0, y: 0 };
    cy.startBatch();
    let placed = 0;
    const ensure = (ref: NodeRef) => {
      if (!cy.getElementById(ref.id).empty()) return;
      placed += 1;
      cy.add({
        data: { id: ref.id, name: ref.name, kind: ref.kind, label: shortName(ref.name), degree: 0, lists: [] },
        classes: nodeClasses(ref.kind),
        position: { x: centre.x + 260 * Math.cos(placed), y: centre.y + 260 * Math.sin(placed) },
      });
    };
    for (const hit of hits) {
      for (const step of hit.path.steps) {
        ensure(step.from);
        ensure(step.to);
        const id = edgeId(step.relation, step.key);
        if (cy.getElementById(id).empty()) cy.add(this.stepDef(step));
        cy.getElementById(id).addClass("exposure");
        cy.getElementById(step.from.id).addClass("exposure");
      }
      cy.getElementById(hit.subject.id).addClass(["exposure", "blacklisted"]);
    }
    cy.endBatch();
    this.refreshBadges();
    const marked = cy.elements(".exposure");
    if (marked.nonempty()) cy.animate({ fit: { eles: marked, padding: 50 } }, { duration: 300 });
  }

  private nodeDef(n: MapEntity, origin: boolean): ElementDefinition {
    const classes = nodeClasses(n.kind, n.lists, n.restriction !== null);
    if (n.hub) classes.push("hub");
    if (origin) classes.push("origin");
    return { data: { id: n.id, name: n.name, kind: n.kind, degree: n.degree, lists: n.lists, restriction: n.restriction, status: n.status, label: shortName(n.name) }, classes };
  }

  private edgeDef(l: MapLink): ElementDefinition {
    const value = l.suspected?.value ?? null;
    return {
      data: {
        id: edgeId(l.relation, l.key), source: l.source, target: l.target, relation: l.relation, role: l.role, percent: l.percent,
        start: l.start, end: l.end, srcFile: l.provenance?.srcFile, srcRow: l.provenance?.srcRow, value,
        contact: l.suspected?.kind ?? null, label: edgeLabel({ ...l, value }),
      },
      classes: [l.relation],
    };
  }

  /** A hub value: one node with the value and how many firms give it. */
  private valueHubDef(hub: SuspectedHub): ElementDefinition {
    const name = `${hub.value} (${hub.count})`;
    return { data: { id: valueHubId(hub), name, kind: "VALUE", label: `${shortName(hub.value, 20)}\n(${hub.count})`, degree: 0, lists: [] }, classes: ["valuehub"] };
  }

  private valueHubEdgeDef(hub: SuspectedHub, enterprise: string): ElementDefinition {
    return {
      data: { id: `${valueHubId(hub)}:${enterprise}`, source: enterprise, target: valueHubId(hub), relation: "SUSPECTED", value: hub.value, contact: hub.kind, label: "" },
      classes: ["SUSPECTED", "valuehubedge"],
    };
  }

  private stepDef(s: Step): ElementDefinition {
    const [source, target] = s.forward ? [s.from.id, s.to.id] : [s.to.id, s.from.id];
    return this.edgeDef({ key: s.key, relation: s.relation, source, target, role: s.role, percent: s.percent, start: s.start, end: s.end, provenance: s.provenance, suspected: s.suspected });
  }

  /** A node's label shows how many of its links are not drawn yet. */
  private refreshBadges(): void {
    this.cy.batch(() => {
      this.cy.nodes().forEach((node) => {
        if (node.hasClass("valuehub")) return;
        const hidden = (node.data("degree") as number) - node.connectedEdges().not(".valuehubedge").length;
        const name = shortName(node.data("name"));
        node.data("label", hidden > 0 ? `${name}\n${t("hidden", { n: hidden })}` : name);
      });
    });
  }

  /** Labels follow the language. */
  relabel(): void {
    this.cy.edges().forEach((e) => {
      e.data("label", edgeLabel(e.data()));
    });
    this.refreshBadges();
  }
}

export function mapToolbar(onChange: () => void): { root: HTMLElement; options: () => MapOptions } {
  const select = (id: string, values: number[], chosen: number) =>
    h("select", { id }, values.map((v) => h("option", { value: v, selected: v === chosen }, String(v))));
  const hops = select("map-hops", [1, 2, 3], 2);
  const maxNodes = select("map-max", [200, 500, 1000, 2000], 500);
  const hub = select("map-hub", [20, 50, 200, 1000], 50);
  const boxes = RELATIONS.map((r) => h("input", { type: "checkbox", value: r, checked: true, "data-relation": r }));
  const relationLabels = RELATIONS.map((r, i) => h("label", { class: `rel rel-${r}` }, boxes[i], h("span", { "data-label": r }, label(r))));
  const suspected = h("input", { type: "checkbox", id: "map-suspected" });
  for (const control of [hops, maxNodes, hub, ...boxes, suspected]) control.addEventListener("change", onChange);
  const root = h(
    "div",
    { class: "toolbar-group" },
    h("label", {}, h("span", { "data-t": "hops" }, t("hops")), hops),
    h("label", {}, h("span", { "data-t": "maxNodes" }, t("maxNodes")), maxNodes),
    h("label", {}, h("span", { "data-t": "hubDegree" }, t("hubDegree")), hub),
    h("span", { class: "rels" }, relationLabels),
    h("label", { class: "rel rel-SUSPECTED", title: t("suspectedHint") }, suspected, h("span", { "data-t": "suspectedLinks" }, t("suspectedLinks"))),
  );
  return {
    root,
    options: () => ({
      hops: Number(hops.value),
      maxNodes: Number(maxNodes.value),
      hubDegree: Number(hub.value),
      relations: boxes.filter((b) => b.checked).map((b) => b.value as RelationType),
      suspected: suspected.checked,
    }),
  };
}
