/** The look every graph view shares: kinds, risk flags, hubs and relation colours. */

import cytoscape from "cytoscape";
import type { Core, StylesheetJson } from "cytoscape";
import type { Kind, ListType, RelationType } from "./api";

export const FONT = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif';

export const RELATION_COLOURS: Record<RelationType, string> = {
  SHAREHOLDER: "#1f6fd1",
  OFFICER: "#7b8794",
  LEGAL_REPRESENTATIVE: "#8e44ad",
  EQUITY_PLEDGE: "#16a085",
  CHATTEL_MORTGAGE: "#b9770e",
  SUSPECTED: "#e8590c",
};

const BLACKLISTS: ListType[] = ["SERIOUS_ILLEGAL", "DISHONEST_DEBTOR"];

/** The classes a node gets from its kind and the lists it is on. */
export function nodeClasses(kind: Kind, lists: ListType[] = [], restricted = false): string[] {
  const classes = [kind.toLowerCase()];
  if (lists.some((l) => BLACKLISTS.includes(l))) classes.push("blacklisted");
  else if (restricted || lists.length) classes.push("restricted");
  return classes;
}

/** Labels are never smaller than this on screen when a view is first shown. */
export const READABLE_PX = 11;
/** The font size of node and link labels in the map and the path finder. */
export const LABEL_PX = 12;

/** Fit the whole graph when its labels (`fontPx` at zoom 1) stay readable there; otherwise
show `focus` (the subject) at the smallest zoom where they are, the rest a pan or the Fit
button away. Large maps (labels hidden while small) use their own overview instead. */
export function readableFit(cy: Core, fontPx: number, focus: string | null, padding = 30): void {
  cy.fit(undefined, padding);
  const readable = READABLE_PX / fontPx;
  if (cy.zoom() >= readable || cy.nodes().empty()) return;
  cy.zoom(readable);
  const node = focus ? cy.getElementById(focus) : cy.collection();
  cy.center(node.nonempty() ? node : cy.nodes());
}

export function shortName(name: string, max = 16): string {
  return name.length > max ? `${name.slice(0, max - 1)}…` : name;
}

export const STYLE: StylesheetJson = [
  {
    selector: "node",
    style: {
      label: "data(label)",
      "font-family": FONT,
      "font-size": LABEL_PX,
      color: "#1d2733",
      "text-wrap": "wrap",
      "text-max-width": "130px",
      "text-valign": "bottom",
      "text-margin-y": 3,
      "text-background-color": "#ffffff",
      "text-background-opacity": 0.8,
      "text-background-padding": "1px",
      "min-zoomed-font-size": 7,
      width: 26,
      height: 26,
      "border-width": 2,
    },
  },
  { selector: "node.enterprise", style: { shape: "round-rectangle", "background-color": "#e6effc", "border-color": "#1f6fd1" } },
  { selector: "node.person", style: { shape: "ellipse", "background-color": "#fdeede", "border-color": "#d9822b" } },
  { selector: "node.other", style: { shape: "diamond", "background-color": "#eceff1", "border-color": "#607080" } },
  { selector: "node.restricted", style: { "border-color": "#e8a400", "border-width": 4, "border-style": "dashed" } },
  { selector: "node.blacklisted", style: { "background-color": "#fbd3d0", "border-color": "#d93025", "border-width": 5 } },
  { selector: "node.hub", style: { "border-style": "double", "border-width": 7, width: 40, height: 40, "font-weight": "bold" } },
  { selector: "node.origin", style: { width: 46, height: 46, "font-size": 14, "font-weight": "bold", "z-index": 10 } },
  { selector: "node.ultimate", style: { "background-color": "#fff3c4", "border-color": "#c99700", "border-width": 5 } },
  { selector: "node:selected", style: { "overlay-color": "#1f6fd1", "overlay-opacity": 0.18, "overlay-padding": 6 } },
  { selector: "node.exposure", style: { "underlay-color": "#d93025", "underlay-opacity": 0.25, "underlay-padding": 9 } },
  { selector: "node.faded", style: { opacity: 0.25 } },
  {
    selector: "edge",
    style: {
      width: 1.6,
      "curve-style": "bezier",
      "target-arrow-shape": "triangle",
      "arrow-scale": 0.8,
      label: "data(label)",
      "font-family": FONT,
      "font-size": LABEL_PX,
      color: "#3d4a57",
      "text-rotation": "autorotate",
      "text-background-color": "#ffffff",
      "text-background-opacity": 0.85,
      "min-zoomed-font-size": 8,
    },
  },
  ...Object.entries(RELATION_COLOURS).map(([relation, colour]) => ({
    selector: `edge.${relation}`,
    style: { "line-color": colour, "target-arrow-color": colour },
  })),
  { selector: "edge.EQUITY_PLEDGE, edge.CHATTEL_MORTGAGE", style: { "line-style": "dashed" } },
  // Suspected links (shared contact details) are no registered relation: dashed, undirected,
  // labelled with the shared value; a hub value is one collapsed node with its count.
  {
    selector: "edge.SUSPECTED",
    style: { "line-style": "dashed", "line-dash-pattern": [7, 4], width: 2.2, "target-arrow-shape": "none", color: "#a34a0b" },
  },
  {
    selector: "node.valuehub",
    style: { shape: "tag", "background-color": "#fff1e6", "border-color": "#e8590c", "border-style": "dashed", "border-width": 3, width: 30, height: 30 },
  },
  { selector: "edge.cycle", style: { "line-color": "#d93025", "target-arrow-color": "#d93025", width: 3 } },
  { selector: "edge.exposure", style: { "line-color": "#d93025", "target-arrow-color": "#d93025", width: 4, "z-index": 9 } },
  { selector: "edge.faded", style: { opacity: 0.15 } },
];

/** A graph in a container with the shared style; large graphs skip work while moving. */
export function makeGraph(container: HTMLElement): Core {
  return cytoscape({
    container,
    style: STYLE,
    minZoom: 0.05,
    maxZoom: 4,
    textureOnViewport: false,
    hideEdgesOnViewport: false,
  });
}
