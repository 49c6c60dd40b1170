/** Export of the current view: the drawing as PNG, the rows behind it as CSV, and the map as
 * a BODS, FtM, GraphML or GEXF file from the server (GET /export). */

import type { Core } from "cytoscape";
import type { MapOptions } from "./map";

function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function exportPng(cy: Core, name: string): void {
  const blob = cy.png({ output: "blob", full: true, bg: "#ffffff", scale: 2, maxWidth: 8000, maxHeight: 8000 });
  download(`${name}.png`, blob);
}

function cell(value: unknown): string {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV with a BOM so spreadsheet programs read the Chinese text as UTF-8. */
export function exportCsv(name: string, header: string[], rows: unknown[][]): void {
  const lines = [header, ...rows].map((row) => row.map(cell).join(","));
  download(`${name}.csv`, new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" }));
}

export const FILE_FORMATS = ["bods", "ftm", "graphml", "gexf"] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];

/** The map around `root` as the server exports it: the same arguments and times (asOf, knownAt;
 * "" is now) as the map's query, so the file holds the nodes on screen (and what the caller's
 * role may see of them). */
export async function exportMapFile(format: FileFormat, root: string, asOf: string, knownAt: string, options: MapOptions): Promise<void> {
  const params = new URLSearchParams({
    format,
    root,
    asOf,
    hops: String(options.hops),
    maxNodes: String(options.maxNodes),
    hubDegree: String(options.hubDegree),
    relations: options.relations.join(","),
  });
  if (knownAt) params.set("knownAt", knownAt);
  const response = await fetch(`export?${params.toString()}`);
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
    throw new Error(body?.error?.message ?? `HTTP ${response.status}`);
  }
  const given = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "");
  download(given ? given[1] : `map-${root}.${format}`, await response.blob());
}

/** What a view offers the toolbar's export buttons. */
export interface Exportable {
  name(): string;
  graph(): Core | null;
  rows(): { header: string[]; rows: unknown[][] };
  /** Show the graph as on its first draw (readable labels), e.g. when its tab is opened. */
  fitView?(): void;
}
