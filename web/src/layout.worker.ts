/** Force-directed layout (fcose) of large maps off the main thread, in a headless Cytoscape,
so the page stays responsive while thousands of nodes are placed. */

import cytoscape from "cytoscape";
import type { ElementDefinition, LayoutOptions, Position } from "cytoscape";
import fcose from "cytoscape-fcose";

cytoscape.use(fcose);

export interface LayoutRequest {
  ticket: number;
  elements: ElementDefinition[];
  options: Record<string, unknown>;
}
export interface LayoutAnswer {
  ticket: number;
  positions: Record<string, Position>;
}

self.onmessage = (event: MessageEvent<LayoutRequest>) => {
  const { ticket, elements, options } = event.data;
  const cy = cytoscape({ headless: true, styleEnabled: true, elements, style: [{ selector: "node", style: { width: 26, height: 26 } }] });
  cy.layout({ ...options, name: "fcose", animate: false } as LayoutOptions).run();
  const positions: Record<string, Position> = {};
  cy.nodes().forEach((node) => {
    positions[node.id()] = node.position();
  });
  (self as unknown as Worker).postMessage({ ticket, positions } satisfies LayoutAnswer);
};
